"""What the words around a figure say about it: the hedge before it ("nearly $20 billion") and
the direction a change is given in ("rose", "a decline of"), as plain text analysis.

The hedge is read as the figure scanner reads it (the same list of hedges, right before the
figure). The direction is the direction word nearest the figure within its quote, before or
after it ("an increase of 73 percent", "a 70 percent increase").
"""

from __future__ import annotations

import re
from typing import Literal

from app.analysis.numbers import HEDGES, first_letters

Direction = Literal["rise", "fall"]

_HEDGE_BEFORE = re.compile(
    r"\b(?="
    + first_letters(*HEDGES)
    + r")(?P<hedge>"
    + "|".join(h.replace(" ", r"[ \u00a0]") for h in HEDGES)
    + r")[ \u00a0]+$",
    re.IGNORECASE,
)
_RISE = (
    "rise|rises|rising|risen|rose|increase|increased|increases|increasing|grew|grow|grows|"
    "growing|grown|growth|gain|gained|gains|climbed|climb|jumped|ballooned|higher|expanded"
)
_FALL = (
    "fall|falls|falling|fallen|fell|drop|drops|dropped|dropping|decline|declines|declined|"
    "declining|decrease|decreased|decreases|decreasing|down|lower|shrank|shrunk|slipped|"
    "contracted|reduced"
)
_DIRECTION = re.compile(rf"\b(?:(?P<rise>{_RISE})|(?P<fall>{_FALL}))\b", re.IGNORECASE)


def hedge_before(text: str, start: int) -> str | None:
    """The hedge that stands right before text[start:], as the scanner sees it, if any."""
    match = _HEDGE_BEFORE.search(text[max(0, start - 20) : start])
    return match.group("hedge").lower().replace("\u00a0", " ") if match else None


def direction(quote: str, start: int, end: int) -> Direction | None:
    """The direction the words nearest quote[start:end] give it, if any word gives one."""
    best: tuple[int, Direction] | None = None
    for match in _DIRECTION.finditer(quote):
        if start <= match.start() < end:
            continue  # a word inside the figure itself
        distance = start - match.end() if match.end() <= start else match.start() - end
        found: Direction = "rise" if match.group("rise") else "fall"
        if best is None or distance < best[0]:
            best = (distance, found)
    return best[1] if best else None

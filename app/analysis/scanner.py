"""The figure scanner: every figure mention in a text, with its span.

A mention is money ("$27.6 billion", "US$27.7 billion"), a percentage ("73 percent", "70%"), a
count ("25,000", "almost 1000", "two specials sessions") or a rank or multiple ("sixth-largest",
"doubled"). Numbers that are parts of dates (day numbers, bare years), of URLs, or of names
("Section 232", "G20") are not figures. A year in the same sentence as a figure is reported as the
year bound to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

from app.analysis.numbers import FIGURE, first_letters
from app.analysis.wording import hedge_before

Kind = Literal["money", "percent", "count", "rank", "multiple"]

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_BEFORE = re.compile(_MONTHS + r"[ \u00a0]+$")  # "Jan. 5", "August 22"
_DATE_AFTER = re.compile(r"^(?:[ \u00a0]*[-–][ \u00a0]*\d{1,2})?[ \u00a0]+" + _MONTHS + r"\b")
_NAME_BEFORE = re.compile(r"(?:Section|Title|Article|Chapter|No\.|G|/|#)[ \u00a0]?$")
_YEAR = re.compile(r"(?<![\w$.,])(?:19|20)\d{2}(?![\w%])")
_RANKS = "second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
_MULTIPLES = "doubled?|doubling|tripled?|twice"
_COUNTS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty"
_WORDS = re.compile(
    # the lookahead only says which letters a word can begin with, so that the alternatives
    # are tried at those places alone: the same matches in a third of the time
    r"\b(?=" + first_letters(_RANKS, _MULTIPLES, _COUNTS) + ")"
    r"(?:(?P<rank>" + _RANKS + r")(?=[ \u00a0-]largest)|(?P<multiple>" + _MULTIPLES + ")|"
    r"(?P<count>" + _COUNTS + r"))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
# A full stop after these ends an abbreviation, not a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\bU\.S|\bD\.C|\bNo|\bSt|\bMr|\bMrs|\bDr|\bMd|\bJan|\bFeb|\bMar|\bApr|"
    r"\bJun|\bJul|\bAug|\bSept?|\bOct|\bNov|\bDec)$"
)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    kind: Kind
    approximate: bool
    year: int | None

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)


def _ends(text: str, start: int, end: int) -> list[int]:
    return [
        m.start()
        for m in _SENTENCE_END.finditer(text, start, end)
        if m.group() != "." or not _ABBREVIATION.search(text, max(0, m.start() - 4), m.start())
    ]


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends, in order (found once, looked up by bisection)."""
    return _ends(text, 0, len(text))


def sentence_span(
    text: str, start: int, end: int, ends: list[int] | None = None
) -> tuple[int, int]:
    """The sentence around text[start:end]: from after the previous end to the next end.
    Pass `sentence_ends(text)` as `ends` when asking about many spans of one text."""
    if ends is None:
        ends = sentence_ends(text)
    before = bisect_left(ends, start)
    after = bisect_left(ends, end)
    return (ends[before - 1] + 1 if before else 0), (
        ends[after] if after < len(ends) else len(text)
    )


def _bound_year(text: str, start: int, end: int, ends: list[int]) -> int | None:
    left, right = sentence_span(text, start, end, ends)
    years = [
        (abs(m.start() - start), int(m.group()))
        for m in _YEAR.finditer(text, left, right)
        if not (m.start() >= start and m.end() <= end)
    ]
    return min(years)[1] if years else None


def _is_not_a_figure(text: str, match: re.Match[str]) -> bool:
    number = match.group("number")
    start, end = match.start(), match.end()
    if match.group("currency") or match.group("percent") or match.group("scale"):
        return False
    before, after = text[max(0, start - 12) : start], text[end : end + 14]
    if re.fullmatch(r"(?:19|20)\d{2}", number):
        return True  # a bare year is a date, not a quantity
    if _DATE_BEFORE.search(before) or _DATE_AFTER.match(after):
        return True
    if _NAME_BEFORE.search(before) or re.match(r"[\w/]", after[:1] or " "):
        return True
    token_start = text.rfind(" ", 0, start) + 1
    return "://" in text[token_start:end] or text[token_start:start].count("/") > 0


def scan(text: str) -> list[Mention]:
    """Every figure mention in `text`, in order of position."""
    found: list[Mention] = []
    # the figures' spans, in order and apart (finditer's matches do not overlap): a word is
    # inside one when it starts before the end of the last span that starts at or before it
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    ends = sentence_ends(text)
    for match in FIGURE.finditer(text):
        if _is_not_a_figure(text, match):
            continue
        start, end = match.start(), match.end()
        while end > start and text[end - 1] in " \u00a0":
            end -= 1
        kind: Kind = (
            "money" if match.group("currency") else "percent" if match.group("percent") else "count"
        )
        hedged = hedge_before(text, start) is not None
        found.append(
            Mention(start, end, text[start:end], kind, hedged, _bound_year(text, start, end, ends))
        )
        taken_starts.append(start)
        taken_ends.append(end)
    for match in _WORDS.finditer(text):
        start, end = match.span()
        last = bisect_right(taken_starts, start) - 1
        if last >= 0 and start < taken_ends[last]:
            continue
        if match.group("count") and (
            re.search(r"\bthe[ \u00a0]$", text[max(0, start - 4) : start], re.IGNORECASE)
            or text.startswith("-way", end)
        ):
            continue  # "the two countries" means both; "two-way trade" is a kind of trade
        kind = "rank" if match.group("rank") else "multiple" if match.group("multiple") else "count"
        hedged = hedge_before(text, start) is not None
        found.append(
            Mention(start, end, text[start:end], kind, hedged, _bound_year(text, start, end, ends))
        )
    return sorted(found, key=lambda m: m.key)

"""Reading figures as the documents write them: "$27.6 billion", "US$ 904 million", "73 percent".

The one grammar of a figure, shared by the loader (which checks that `as_reported` parses to the
stored value) and the scanner (which finds every figure mention in a text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

SCALES = {
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}
WORD_NUMBERS: dict[str, int | Decimal] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "single": 1,
    "double": 2,
    "doubled": 2,
    "doubling": 2,
    "triple": 3,
    "tripled": 3,
    "half": Decimal("0.5"),
    "twice": 2,
}
# The words that hedge a figure standing right after them, by which way they bound it (one
# list: app/analysis/precision.py reads the directions, the scanners the words).
HEDGES_NEAR_BELOW = ("nearly", "almost")  # at most, and close to it
HEDGES_CEILING = ("up to", "less than", "under")  # at most
HEDGES_FLOOR = ("more than", "over", "at least")  # at least
HEDGES_AROUND = ("about", "around", "roughly", "approximately", "some")  # either way
HEDGES = (*HEDGES_NEAR_BELOW, *HEDGES_AROUND, *HEDGES_FLOOR, *HEDGES_CEILING)

_SPACE = "[ \u00a0]"
_CURRENCIES = (r"US\$", r"\$", "USD" + _SPACE + "?", "₩", "KRW" + _SPACE + "?")
CURRENCY = "(?P<currency>" + "|".join(_CURRENCIES) + ")"
DIGITS = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def first_letters(*alternatives: str) -> str:
    """A character class of the letters that the words of `alternatives` ("two|three", plain
    words and `?` only) begin with: what a lookahead before them tests."""
    words = [w for a in alternatives for w in a.split("|")]
    assert all(re.fullmatch(r"[a-z]+\??|[a-z]+ [a-z]+", w) for w in words), words
    return "[" + "".join(sorted({w[0] for w in words})) + "]"


SCALE = r"(?:" + _SPACE + r"?(?P<scale>thousand|million|billion|trillion)\b)"
PERCENT = r"(?:" + _SPACE + r"?(?P<percent>%|percent\b|per" + _SPACE + r"cent\b))"
FIGURE = re.compile(
    # the lookahead names the characters a figure can begin with (its currency's, a space, a
    # digit), so that the rest is tried at those places alone
    "(?=[" + "".join(sorted({c.lstrip("\\")[0] for c in _CURRENCIES})) + r"\d \u00a0])"
    r"(?<![\w.])" + CURRENCY + "?" + _SPACE + "?" + DIGITS + SCALE + "?" + PERCENT + "?",
    re.IGNORECASE,
)
_HEDGE = re.compile(r"^(?:" + "|".join(h.replace(" ", _SPACE) for h in HEDGES) + r")" + _SPACE)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit_hint: str | None  # "USD", "KRW", "percent" or None for a plain count
    approximate: bool


class FigureSyntaxError(ValueError):
    pass


# A load reads each figure's words several times (its checks, its rules, its document), and a
# corpus repeats the same few thousand ("$1.2 billion"): the grammar is a pure function of the
# words, so the figures last read are kept (a figure is frozen; a refusal is not kept).
FIGURES_KEPT = 16384


@lru_cache(maxsize=FIGURES_KEPT)
def parse_figure(raw: str) -> Figure:
    """Parse a figure written as the documents write it; refuse anything else."""
    text = raw.strip()
    approximate = False
    hedge = _HEDGE.match(text)
    if hedge:
        approximate = True
        text = text[hedge.end() :]
    word = WORD_NUMBERS.get(text.lower())
    if word is not None:
        return Figure(Decimal(word), None, approximate)
    match = FIGURE.fullmatch(text)
    if not match:
        raise FigureSyntaxError(
            f"{raw!r} is not a figure this loader can read "
            "(e.g. '$27.6 billion', 'US$904 million', '73 percent', '70%', '25,000', 'sixth')"
        )
    return figure_from_match(match, approximate)


def figure_from_match(match: re.Match[str], approximate: bool = False) -> Figure:
    try:
        value = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise FigureSyntaxError(str(exc)) from None
    if match.group("scale"):
        value *= SCALES[match.group("scale").lower()]
    currency = match.group("currency")
    unit: str | None = None
    if currency:
        unit = "KRW" if currency.strip() in ("₩", "KRW") else "USD"
    if match.group("percent"):
        unit = "percent"
    return Figure(value, unit, approximate)


def as_decimal(value: int | float) -> Decimal:
    """A stored value as the Decimal it was written as (no binary-float noise)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

"""What a stated figure means as a range: "$13.2 billion" is 13.15-13.25 billion, "about 90
percent" is 85-95, "more than doubled" is at least 2.

The rules, in one place:
- a plain figure is exact to half a unit of its last written digit ("2.7" is 2.65-2.75);
- a hedged figure ("about", "around", "roughly", "approximately", "some") is exact to half a
  unit of its last non-zero digit ("about 90" is 85-95, "nearly $20 billion" reads below 20);
- "nearly", "almost" bound the figure from above and stay near it ("nearly $20 billion" is
  15-20 billion); "less than", "up to", "under" bound it from above only (0 to the figure);
  "more than", "over", "at least" bound it from below (the figure and up, unbounded);
- a multiple in words ("double", "doubled", "twice") is 2 ± 0.25; other number words are
  exact integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from app.analysis.numbers import (
    FIGURE,
    FIGURES_KEPT,
    HEDGES_AROUND,
    HEDGES_CEILING,
    HEDGES_FLOOR,
    HEDGES_NEAR_BELOW,
    SCALES,
    WORD_NUMBERS,
    parse_figure,
)

_NEAR_BELOW = HEDGES_NEAR_BELOW
_CEILING = HEDGES_CEILING
_ABOVE = (*_NEAR_BELOW, *_CEILING)
_BELOW = HEDGES_FLOOR
_AROUND = HEDGES_AROUND
_MULTIPLES = {"double", "doubled", "doubling", "twice", "triple", "tripled"}
WORD_MULTIPLE_TOLERANCE = 0.25


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high

    def negated(self) -> Interval:
        return Interval(-self.high, -self.low)


def _hedge(text: str) -> tuple[str | None, str]:
    lowered = text.lower().replace("\u00a0", " ")
    for hedge in (*_ABOVE, *_BELOW, *_AROUND):
        if lowered.startswith(hedge + " "):
            return hedge, text[len(hedge) + 1 :].strip()
    return None, text


def _step(number: str, scale: Decimal, hedged: bool) -> float:
    digits = number.replace(",", "")
    if hedged:
        whole = digits.split(".")[0].rstrip("0")
        if "." in digits and digits.split(".")[1].rstrip("0"):
            decimals = len(digits.split(".")[1].rstrip("0"))
            return float(scale * Decimal(10) ** -decimals)
        trailing = len(digits.split(".")[0]) - len(whole)
        return float(scale * Decimal(10) ** trailing)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(scale * Decimal(10) ** -decimals)


def stated_interval(as_reported: str, value: float) -> Interval:
    """The range of true values a figure written as `as_reported` allows; signed like `value`."""
    interval = _unsigned_interval(as_reported)
    return interval.negated() if value < 0 else interval


@lru_cache(maxsize=FIGURES_KEPT)  # a pure function of the words, read many times (parse_figure)
def _unsigned_interval(as_reported: str) -> Interval:
    hedge, bare = _hedge(as_reported.strip())
    magnitude = float(parse_figure(as_reported).value)
    word = bare.lower()
    if word in _MULTIPLES:
        interval = Interval(
            magnitude - WORD_MULTIPLE_TOLERANCE, magnitude + WORD_MULTIPLE_TOLERANCE
        )
    elif word in WORD_NUMBERS:
        interval = Interval(magnitude - 0.5, magnitude + 0.5)
    else:
        match = FIGURE.fullmatch(bare)
        if match is None:  # pragma: no cover - parse_figure accepted it
            raise ValueError(as_reported)
        scale = SCALES[match.group("scale").lower()] if match.group("scale") else Decimal(1)
        half = _step(match.group("number"), scale, hedge in _AROUND or hedge in _ABOVE) / 2
        interval = Interval(magnitude - half, magnitude + half)
    if hedge in _NEAR_BELOW:
        interval = Interval(interval.low, magnitude)
    elif hedge in _CEILING:
        interval = Interval(0.0, magnitude)
    elif hedge in _BELOW:
        interval = Interval(magnitude, math.inf)
    return interval


Qualifier = str  # "exact", "about", "at_most" or "at_least"


@lru_cache(maxsize=FIGURES_KEPT)
def qualifier(as_reported: str) -> Qualifier:
    """Which way the wording hedges the figure: `about` both ways, `at_most` ("nearly",
    "less than"), `at_least` ("more than"), else `exact` (exact to the precision written)."""
    hedge, _ = _hedge(as_reported.strip())
    if hedge in _AROUND:
        return "about"
    if hedge in _ABOVE:
        return "at_most"
    if hedge in _BELOW:
        return "at_least"
    return "exact"


def bounds(as_reported: str, value: float) -> tuple[float | None, float | None]:
    """`stated_interval` as the API writes it: an unbounded side is None."""
    interval = stated_interval(as_reported, value)
    low = None if math.isinf(interval.low) else tidy(interval.low)
    high = None if math.isinf(interval.high) else tidy(interval.high)
    return low, high


def tidy(value: float) -> float:
    """2.7 - 0.05 as 2.65, not 2.6500000000000004: twelve significant digits are plenty."""
    return float(f"{value:.12g}") + 0.0  # + 0.0: a bound of -0.0 is written 0.0

"""Dates known to the day, the month or the year, kept honest about which.

A partial date is stored as its first day plus a precision, and is always shown in its reduced
ISO 8601 form ("2017", "2017-07", "2017-07-12") so that a month is never mistaken for its first day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    first: date
    precision: Precision

    @classmethod
    def parse(cls, raw: object) -> PartialDate:
        """Read "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or a bare integer year)."""
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = f"{raw:04d}"
        if not isinstance(raw, str):
            raise ValueError("expected a date written as YYYY, YYYY-MM or YYYY-MM-DD")
        return _parsed(raw)

    @property
    def last(self) -> date:
        """The last day the date may stand for."""
        if self.precision == "day":
            return self.first
        if self.precision == "month":
            days = calendar.monthrange(self.first.year, self.first.month)[1]
            return self.first.replace(day=days)
        return self.first.replace(month=12, day=31)

    def __str__(self) -> str:
        return format_partial(self.first, self.precision) or ""


# A seed writes the same few dates many times (10^6 statistics, 36 years): one object each.
@lru_cache(maxsize=4096)
def _parsed(raw: str) -> PartialDate:
    match = _PATTERN.match(raw.strip())
    if not match:
        raise ValueError(f"{raw!r} is not a date written as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day is not None:
            return PartialDate(date(int(year), int(month), int(day)), "day")
        if month is not None:
            return PartialDate(date(int(year), int(month), 1), "month")
        return PartialDate(date(int(year), 1, 1), "year")
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a real date: {exc}") from None


def format_partial(value: date | None, precision: str | None) -> str | None:
    """The reduced ISO 8601 form of a stored first day at its precision."""
    if value is None:
        return None
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()

"""Discrepancies: statistics that measure the same thing for the same period but disagree.

Statistics group by metric, reporter, partner, scope and period (with its precision); a group
whose values are not all equal is a discrepancy. Its `relative_spread` is (max − min) / the
largest absolute value. It is assessed `rounding` when one true value could be written as every
member's figure at the precision each states (their ranges share a point), else `genuine`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.analysis.formatting import format_quantity
from app.analysis.precision import Interval, stated_interval
from app.dates import format_partial


@dataclass(frozen=True)
class Member:
    id: str
    value: float
    as_reported: str
    source_id: str


@dataclass(frozen=True)
class Measured:
    metric: str
    reporter: str
    partner: str | None
    scope: str | None
    period_start: date | None
    period_start_precision: str | None
    period_end: date | None
    period_end_precision: str | None
    member: Member
    unit: str = ""

    @property
    def key(self) -> tuple[object, ...]:
        return (
            self.metric,
            self.reporter,
            self.partner,
            self.scope,
            self.period_start,
            self.period_start_precision,
            self.period_end,
            self.period_end_precision,
        )


@dataclass
class Discrepancy:
    id: str
    sample: Measured
    members: list[Member]
    relative_spread: float
    assessment: str
    explanation: str
    note: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _slug(*parts: object) -> str:
    return "-".join(str(p).lower().replace("_", "-") for p in parts if p is not None)


def find_discrepancies(statistics: Iterable[Measured]) -> list[Discrepancy]:
    groups: dict[tuple[object, ...], list[Measured]] = defaultdict(list)
    for statistic in statistics:
        if statistic.period_start is not None:  # a figure without a period compares to nothing
            groups[statistic.key].append(statistic)
    found = []
    for group in groups.values():
        values = {m.member.value for m in group}
        if len(group) < 2 or len(values) < 2:
            continue
        members = sorted((m.member for m in group), key=lambda m: (m.value, m.id))
        largest = max(abs(v) for v in values)
        spread = (max(values) - min(values)) / largest if largest else 0.0
        ranges = [stated_interval(m.as_reported, m.value) for m in members]
        common = Interval(max(r.low for r in ranges), min(r.high for r in ranges))
        rounding = common.low <= common.high
        first = group[0]
        explanation = (
            f"One true value between {format_quantity(common.low, first.unit)} and "
            f"{format_quantity(common.high, first.unit)} rounds to every figure as written."
            if rounding
            else "No single value rounds to every figure as written: the sources disagree."
        )
        start = format_partial(first.period_start, first.period_start_precision)
        end = format_partial(first.period_end, first.period_end_precision)
        period = start if end in (None, start) else f"{start}-to-{end}"
        found.append(
            Discrepancy(
                id=_slug(first.metric, first.reporter, first.partner, first.scope, period),
                sample=first,
                members=members,
                relative_spread=round(spread, 6),
                assessment="rounding" if rounding else "genuine",
                explanation=explanation,
            )
        )
    return sorted(found, key=lambda d: d.id)

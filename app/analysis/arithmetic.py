"""Re-doing the arithmetic of claims: percent changes, shares, differences, ratios and sums that
the sources state, recomputed from the figures they relate.

Every figure is read as the range its written precision allows (see `precision`), so a claim is
`consistent` when the range its inputs allow meets the range its stated value allows, and
`inconsistent` when no rounding of the inputs can produce the stated value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.analysis.precision import Interval, stated_interval

KINDS = ("percent_change", "share", "difference", "ratio", "sum")
ROLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "percent_change": (("start", "end"), ("end", "change"), ("start", "change")),
    "share": (("part", "whole"),),
    "difference": (("start", "end"),),
    "ratio": (("start", "end"),),
    "sum": (("parts",),),
}


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    as_reported: str

    @property
    def interval(self) -> Interval:
        return stated_interval(self.as_reported, self.value)


@dataclass(frozen=True)
class CheckResult:
    kind: str
    claim_id: str
    input_ids: list[str]
    stated: float
    computed: float
    computed_low: float
    computed_high: float
    tolerance: float
    status: str
    explanation: str


def _box(func: Callable[..., float], intervals: Sequence[Interval]) -> Interval:
    """The range of a function monotone in each argument over a box of intervals."""
    values = []
    for corner in itertools.product(*[(i.low, i.high) for i in intervals]):
        try:
            values.append(func(*corner))
        except ZeroDivisionError:
            return Interval(-math.inf, math.inf)
    finite = [v for v in values if not math.isnan(v)]
    return Interval(min(finite), max(finite)) if finite else Interval(-math.inf, math.inf)


def _percent_change(start: float, end: float) -> float:
    return (end - start) / abs(start) * 100


def _formula(
    kind: str, roles: dict[str, Figure | list[Figure]]
) -> tuple[Callable[..., float], list[Figure], str]:
    def named(role: str) -> Figure:
        figure = roles[role]
        assert isinstance(figure, Figure)
        return figure

    if kind == "percent_change":
        if "start" in roles and "end" in roles:
            s, e = named("start"), named("end")
            return _percent_change, [s, e], f"({e.as_reported} − {s.as_reported}) / {s.as_reported}"
        if "end" in roles:
            e, c = named("end"), named("change")
            return (
                lambda end, change: _percent_change(end - change, end),
                [e, c],
                f"change {_signed(c)} from a start of {e.as_reported} − ({_signed(c)})",
            )
        s, c = named("start"), named("change")
        return (
            lambda start, change: _percent_change(start, start + change),
            [s, c],
            f"change {_signed(c)} from a start of {s.as_reported}",
        )
    if kind == "share":
        p, w = named("part"), named("whole")
        return lambda part, whole: part / whole * 100, [p, w], f"{p.as_reported} / {w.as_reported}"
    if kind == "difference":
        s, e = named("start"), named("end")
        return lambda start, end: end - start, [s, e], f"{e.as_reported} − {s.as_reported}"
    if kind == "ratio":
        s, e = named("start"), named("end")
        return lambda start, end: end / start, [s, e], f"{e.as_reported} / {s.as_reported}"
    parts = roles["parts"]
    assert isinstance(parts, list)
    return lambda *values: sum(values), parts, " + ".join(p.as_reported for p in parts)


def _signed(figure: Figure) -> str:
    return ("−" if figure.value < 0 else "+") + figure.as_reported


def _fmt(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= 1e6:
        return f"{value / 1e9:,.3f} billion"
    return f"{value:,.2f}"


def recompute(kind: str, claim: Figure, roles: dict[str, Figure | list[Figure]]) -> CheckResult:
    func, inputs, formula = _formula(kind, roles)
    computed = func(*[f.value for f in inputs])
    allowed = _box(func, [f.interval for f in inputs])
    stated = claim.interval
    consistent = allowed.overlaps(stated)
    unit = "%" if kind in ("percent_change", "share") else ""
    explanation = (
        f"{formula} = {_fmt(computed)}{unit}; the inputs as rounded allow "
        f"{_fmt(allowed.low)}{unit} to {_fmt(allowed.high)}{unit}; the claim "
        f"'{claim.as_reported}' allows {_fmt(stated.low)}{unit} to {_fmt(stated.high)}{unit}: "
        + (
            "the ranges meet, consistent."
            if consistent
            else "the ranges do not meet, inconsistent."
        )
    )
    tolerance = stated.half_width if math.isfinite(stated.half_width) else abs(claim.value)
    return CheckResult(
        kind=kind,
        claim_id=claim.id,
        input_ids=[f.id for f in inputs],
        stated=claim.value,
        computed=computed,
        computed_low=allowed.low,
        computed_high=allowed.high,
        tolerance=tolerance,
        status="consistent" if consistent else "inconsistent",
        explanation=explanation,
    )

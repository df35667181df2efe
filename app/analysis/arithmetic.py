"""Re-doing the arithmetic of claims: percent changes, shares, differences, ratios and sums that
the sources state, recomputed from the figures they relate, under every reading the curator
lists.

Every figure is read as the range its wording allows (see `precision`), so a reading is
`consistent` when the range its inputs allow meets the range the claim allows, and
`inconsistent` when no value its inputs allow can produce the claim. A check is `consistent` or
`inconsistent` only when every reading agrees; otherwise it is `depends_on_reading` (`judge`).

An input is a figure as a source states it, the same words read another way (`read_as`), a
figure derived from others (an overall deficit from a goods deficit and a services surplus; a
start implied by an end and a percent change), a curator's conjecture of what a garbled
sentence meant, or a date (read in years, to the precision it is known).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.analysis.precision import Interval, stated_interval

# The roles each computation takes: a check's kind (percent_change, share, difference, ratio,
# sum) or a derivation (the same, and a start or a change implied by an end and a percent). The
# models in app/models/analysis.py name the same kinds for the seed and the API.
ROLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "percent_change": (("start", "end"), ("end", "change"), ("start", "change")),
    "share": (("part", "whole"),),
    "difference": (("start", "end"),),
    "ratio": (("start", "end"),),
    "sum": (("parts",),),
    "implied_start": (("end", "percent"),),
    "implied_change": (("end", "percent"),),
}


@dataclass(frozen=True)
class Cite:
    """What an input rests on: a statistic, a milestone or a source (its publication date)."""

    type: str
    id: str


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    as_reported: str
    bounds: Interval | None = None
    basis: str = "stated"
    cites: tuple[Cite, ...] = ()
    note: str | None = None

    @property
    def interval(self) -> Interval:
        return (
            self.bounds
            if self.bounds is not None
            else stated_interval(self.as_reported, self.value)
        )

    @property
    def statistic_ids(self) -> list[str]:
        return [c.id for c in self.cites if c.type == "statistic"]

    def times(self, factor: float) -> Figure:
        """This figure multiplied by a constant ("2 × $42.3 billion")."""
        low, high = self.interval.low * factor, self.interval.high * factor
        return replace(
            self,
            value=self.value * factor,
            as_reported=f"{_number(factor)} × {self.as_reported}",
            bounds=Interval(min(low, high), max(low, high)),
            basis="derived",
        )


@dataclass(frozen=True)
class Reading:
    """One way of reading a claim: its inputs, the computation and the verdict under it."""

    id: str
    label: str
    kind: str
    claim: Figure
    inputs: list[tuple[str, Figure]]
    computed: float
    computed_low: float
    computed_high: float
    status: str
    explanation: str


@dataclass(frozen=True)
class CheckResult:
    kind: str
    claim_id: str
    input_ids: list[str]
    stated: float
    computed: float | None
    computed_low: float
    computed_high: float
    tolerance: float
    status: str
    explanation: str
    readings: list[Reading] = field(default_factory=list)


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
) -> tuple[Callable[..., float], list[tuple[str, Figure]], str]:
    def named(role: str) -> Figure:
        figure = roles[role]
        assert isinstance(figure, Figure)
        return figure

    if kind == "percent_change":
        if "start" in roles and "end" in roles:
            s, e = named("start"), named("end")
            return (
                _percent_change,
                [("start", s), ("end", e)],
                f"({e.as_reported} − {s.as_reported}) / {s.as_reported}",
            )
        if "end" in roles:
            e, c = named("end"), named("change")
            return (
                lambda end, change: _percent_change(end - change, end),
                [("end", e), ("change", c)],
                f"change {_signed(c)} from a start of {e.as_reported} − ({_signed(c)})",
            )
        s, c = named("start"), named("change")
        return (
            lambda start, change: _percent_change(start, start + change),
            [("start", s), ("change", c)],
            f"change {_signed(c)} from a start of {s.as_reported}",
        )
    if kind == "share":
        p, w = named("part"), named("whole")
        return (
            lambda part, whole: part / whole * 100,
            [("part", p), ("whole", w)],
            f"{p.as_reported} / {w.as_reported}",
        )
    if kind in ("difference", "ratio"):
        s, e = named("start"), named("end")
        if kind == "difference":
            return (
                lambda start, end: end - start,
                [("start", s), ("end", e)],
                f"{e.as_reported} − {s.as_reported}",
            )
        return (
            lambda start, end: end / start,
            [("start", s), ("end", e)],
            f"{e.as_reported} / {s.as_reported}",
        )
    if kind in ("implied_start", "implied_change"):
        e, p = named("end"), named("percent")
        if kind == "implied_start":
            return (
                lambda end, percent: end / (1 + percent / 100),
                [("end", e), ("percent", p)],
                f"{e.as_reported} / (1 {_term(p)})",
            )
        return (
            lambda end, percent: end - end / (1 + percent / 100),
            [("end", e), ("percent", p)],
            f"{e.as_reported} − {e.as_reported} / (1 {_term(p)})",
        )
    parts = roles["parts"]
    assert isinstance(parts, list)
    formula = (_signed(parts[0]) if parts[0].value < 0 else parts[0].as_reported) + "".join(
        f" {_term(p)}" for p in parts[1:]
    )
    return lambda *values: sum(values), [("parts", p) for p in parts], formula


def _written(figure: Figure) -> str:
    """The figure as written, bracketed when it is more than one token ("−(less than $3.5 bn)")."""
    text = figure.as_reported
    plain = text[:1] in "$(0123456789" or text.startswith("US$")
    return text if plain or figure.basis == "date" else f"({text})"


def _signed(figure: Figure) -> str:
    return ("−" if figure.value < 0 else "+") + _written(figure)


def _term(figure: Figure) -> str:
    """The figure as a term of a sum: "+ $3.5 billion", "− $3.5 billion"."""
    return ("− " if figure.value < 0 else "+ ") + _written(figure)


def _number(value: float) -> str:
    return f"{value:g}"


def _fmt(value: float) -> str:
    value += 0.0  # −0.0 is written 0.00
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= 1e6:
        return f"{value / 1e9:,.3f} billion"
    return f"{value:,.2f}"


def derive(kind: str, roles: dict[str, Figure | list[Figure]], note: str | None = None) -> Figure:
    """A figure computed from others, with the range their wording allows and their citations."""
    func, inputs, formula = _formula(kind, roles)
    value = func(*[f.value for _, f in inputs])
    allowed = _box(func, [f.interval for _, f in inputs])
    cites = tuple(dict.fromkeys(c for _, f in inputs for c in f.cites))
    return Figure(
        id="derived",
        value=value,
        as_reported=f"({formula})",
        bounds=allowed,
        basis="derived",
        cites=cites,
        note=note,
    )


def recompute(
    kind: str,
    claim: Figure,
    roles: dict[str, Figure | list[Figure]],
    reading_id: str = "as-stated",
    label: str = "The figures as their sources state them.",
) -> Reading:
    func, inputs, formula = _formula(kind, roles)
    computed = func(*[f.value for _, f in inputs])
    allowed = _box(func, [f.interval for _, f in inputs])
    stated = claim.interval
    consistent = allowed.overlaps(stated)
    unit = "%" if kind in ("percent_change", "share") else ""
    explanation = (
        f"{formula} = {_fmt(computed)}{unit}; the inputs as worded allow "
        f"{_fmt(allowed.low)}{unit} to {_fmt(allowed.high)}{unit}; the claim "
        f"'{claim.as_reported}' allows {_fmt(stated.low)}{unit} to {_fmt(stated.high)}{unit}: "
        + (
            "the ranges meet, consistent."
            if consistent
            else "the ranges do not meet, inconsistent."
        )
    )
    return Reading(
        id=reading_id,
        label=label,
        kind=kind,
        claim=claim,
        inputs=inputs,
        computed=computed,
        computed_low=allowed.low,
        computed_high=allowed.high,
        status="consistent" if consistent else "inconsistent",
        explanation=explanation,
    )


def judge(claim: Figure, readings: list[Reading]) -> CheckResult:
    """The verdict over every reading: `consistent` or `inconsistent` only when all agree."""
    first = readings[0]
    statuses = {r.status for r in readings}
    status = statuses.pop() if len(statuses) == 1 else "depends_on_reading"
    stated = claim.interval
    tolerance = stated.half_width if math.isfinite(stated.half_width) else abs(claim.value)
    input_ids = list(
        dict.fromkeys(sid for r in readings for _, f in r.inputs for sid in f.statistic_ids)
    )
    if len(readings) == 1:
        explanation = first.explanation
    else:
        agree = sum(1 for r in readings if r.status == "consistent")
        verdict = {
            "consistent": "consistent under every reading",
            "inconsistent": "inconsistent under every reading",
            "depends_on_reading": f"consistent under {agree} of {len(readings)} readings, "
            "so the verdict depends on the reading",
        }[status]
        explanation = (
            f"The claim '{claim.as_reported}' can be read {len(readings)} ways; it is {verdict}. "
            + " ".join(f"[{r.id}] {r.explanation}" for r in readings)
        )
    return CheckResult(
        kind=first.kind,
        claim_id=claim.id,
        input_ids=input_ids,
        stated=claim.value,
        computed=first.computed if len(readings) == 1 else None,
        computed_low=min(r.computed_low for r in readings),
        computed_high=max(r.computed_high for r in readings),
        tolerance=tolerance,
        status=status,
        explanation=explanation,
        readings=readings,
    )


def _bound(value: float) -> float | None:
    return None if math.isinf(value) else float(f"{value:.12g}") + 0.0


def figure_document(role: str, figure: Figure) -> dict[str, object]:
    """An input as the API shows it (without URLs, which the query layer adds)."""
    interval = figure.interval
    return {
        "role": role,
        "as_reported": figure.as_reported,
        "value": float(f"{figure.value:.12g}"),
        "value_low": _bound(interval.low),
        "value_high": _bound(interval.high),
        "basis": figure.basis,
        "cites": [{"type": c.type, "id": c.id} for c in figure.cites],
        "note": figure.note,
    }


def reading_document(reading: Reading) -> dict[str, object]:
    """A reading as the API shows it."""
    return {
        "id": reading.id,
        "label": reading.label,
        "kind": reading.kind,
        "claim": figure_document("claim", reading.claim),
        "inputs": [figure_document(role, figure) for role, figure in reading.inputs],
        "computed": reading.computed,
        "computed_range": [_bound(reading.computed_low), _bound(reading.computed_high)],
        "status": reading.status,
        "explanation": reading.explanation,
    }

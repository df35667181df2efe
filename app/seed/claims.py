"""Turning a check of checks.yaml into readings the arithmetic can judge.

Each reading names its inputs by statistic id or describes them (see `InputSeed`); this module
resolves them into figures with the range their wording allows and what they rest on, and refuses
what cannot stand: an unknown id, a `read_as` that is not in the statistic's quote, a conjecture
about a statistic nobody marked garbled, a conjecture whose value is not its figure.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from app.analysis.arithmetic import ROLES, CheckResult, Cite, Figure, derive, judge, recompute
from app.analysis.numbers import FigureSyntaxError, as_decimal, parse_figure
from app.analysis.precision import Interval
from app.dates import PartialDate, format_partial
from app.models import CheckSeed, MilestoneSeed, SourceSeed, StatisticSeed
from app.models.analysis import InputRef, InputSeed, ReadingSeed

_ROLE_FIELDS = ("start", "end", "change", "part", "whole", "percent", "parts")
Path = tuple[int | str, ...]


class ClaimError(Exception):
    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Facts:
    """What a check may refer to."""

    statistics: Mapping[str, StatisticSeed]
    milestones: Mapping[str, MilestoneSeed]
    sources: Mapping[str, SourceSeed]


def judge_check(check: CheckSeed, facts: Facts) -> CheckResult:
    """Every reading of the check, recomputed, and the verdict over them (ClaimError if a
    reading cannot be built)."""
    if check.claim not in facts.statistics:
        raise ClaimError(f"no statistic with id {check.claim!r}", ("claim",))
    claim = _stated(facts.statistics[check.claim])
    if check.readings is None:
        roles = _roles(check, check.kind, facts, ())
        readings = [recompute(check.kind, claim, roles)]
    else:
        if any(getattr(check, r) is not None for r in _ROLE_FIELDS if r != "percent"):
            raise ClaimError(
                "give the inputs either directly or in readings, not both", ("readings",)
            )
        seen: set[str] = set()
        readings = []
        for i, reading in enumerate(check.readings):
            path: Path = ("readings", i)
            if reading.id in seen:
                raise ClaimError(f"duplicate reading id {reading.id!r}", (*path, "id"))
            seen.add(reading.id)
            own_claim = (
                claim if reading.claim is None else _input(reading.claim, facts, (*path, "claim"))
            )
            roles = _roles(reading, check.kind, facts, path)
            readings.append(recompute(check.kind, own_claim, roles, reading.id, reading.label))
    return judge(claim, readings)


def _roles(
    spec: CheckSeed | ReadingSeed | InputSeed, kind: str, facts: Facts, path: Path
) -> dict[str, Figure | list[Figure]]:
    given = {r for r in _ROLE_FIELDS if getattr(spec, r, None) is not None}
    if given not in [set(combo) for combo in ROLES[kind]]:
        options = " or ".join("+".join(c) for c in ROLES[kind])
        raise ClaimError(f"a {kind} takes {options}", path or ("kind",))
    roles: dict[str, Figure | list[Figure]] = {}
    for role in given:
        value = getattr(spec, role)
        if role == "parts":
            roles[role] = [_input(v, facts, (*path, "parts", i)) for i, v in enumerate(value)]
        else:
            roles[role] = _input(value, facts, (*path, role))
    return roles


def _stated(stat: StatisticSeed) -> Figure:
    return Figure(stat.id, float(stat.value), stat.as_reported, cites=(Cite("statistic", stat.id),))


def _statistic(ref: str, facts: Facts, path: Path) -> StatisticSeed:
    stat = facts.statistics.get(ref)
    if stat is None:
        raise ClaimError(f"no statistic with id {ref!r}", path)
    return stat


def _input(ref: InputRef, facts: Facts, path: Path) -> Figure:
    if isinstance(ref, str):
        return _stated(_statistic(ref, facts, path))
    figure = _described(ref, facts, path)
    if ref.times is not None:
        figure = figure.times(ref.times)
    return figure


def _described(spec: InputSeed, facts: Facts, path: Path) -> Figure:
    forms = [
        name
        for name, present in (
            ("derive", spec.derive is not None),
            ("conjecture", spec.conjecture is not None),
            ("milestone", spec.milestone is not None),
            ("source_published", spec.source_published is not None),
        )
        if present
    ]
    if len(forms) > 1:
        raise ClaimError(f"an input is one of derive, conjecture or a date, not {forms}", path)
    form = forms[0] if forms else "statistic"
    if form == "derive":
        assert spec.derive is not None
        return derive(spec.derive, _roles(spec, spec.derive, facts, path), spec.note)
    if form == "conjecture":
        return _conjecture(spec, facts, path)
    if form in ("milestone", "source_published"):
        return _date(spec, facts, path)
    if spec.statistic is None:
        raise ClaimError("name a statistic, a derivation, a conjecture or a date", path)
    stat = _statistic(spec.statistic, facts, (*path, "statistic"))
    figure = _stated(stat)
    if spec.read_as is None:
        return replace(figure, note=spec.note)
    if not any(spec.read_as in c.quote for c in stat.citations):
        raise ClaimError(
            f"read_as {spec.read_as!r} does not stand in any quote of {stat.id}", (*path, "read_as")
        )
    try:
        parse_figure(spec.read_as)
    except FigureSyntaxError as exc:
        raise ClaimError(str(exc), (*path, "read_as")) from None
    if spec.note is None:
        raise ClaimError("say in note how the words are read this time", (*path, "note"))
    sign = -1.0 if stat.value < 0 else 1.0
    return Figure(
        stat.id,
        sign * float(parse_figure(spec.read_as).value),
        spec.read_as,
        basis="read_as",
        cites=figure.cites,
        note=spec.note,
    )


def _conjecture(spec: InputSeed, facts: Facts, path: Path) -> Figure:
    assert spec.conjecture is not None
    if spec.statistic is None:
        raise ClaimError("a conjecture names the garbled statistic it reads", (*path, "statistic"))
    stat = _statistic(spec.statistic, facts, (*path, "statistic"))
    if stat.source_error is None:
        raise ClaimError(
            f"{stat.id} is not marked garbled (source_error): a conjecture replaces only a "
            "figure the curator judges garbled",
            (*path, "conjecture"),
        )
    try:
        figure = parse_figure(spec.conjecture)
    except FigureSyntaxError as exc:
        raise ClaimError(str(exc), (*path, "conjecture")) from None
    if spec.value is None or figure.value != abs(as_decimal(spec.value)):
        raise ClaimError(
            f"conjecture {spec.conjecture!r} reads as {figure.value.normalize():f}; "
            "give that as value",
            (*path, "value"),
        )
    if spec.note is None:
        raise ClaimError("say in note why this is the likely figure", (*path, "note"))
    return Figure(
        f"{stat.id}:conjecture",
        float(spec.value),
        spec.conjecture,
        basis="conjecture",
        cites=(Cite("statistic", stat.id),),
        note=spec.note,
    )


def _date(spec: InputSeed, facts: Facts, path: Path) -> Figure:
    if spec.milestone is not None:
        milestone = facts.milestones.get(spec.milestone)
        if milestone is None:
            raise ClaimError(f"no milestone with id {spec.milestone!r}", (*path, "milestone"))
        when: PartialDate = milestone.date
        cite = Cite("milestone", milestone.id)
    else:
        assert spec.source_published is not None
        source = facts.sources.get(spec.source_published)
        if source is None:
            raise ClaimError(
                f"no source with id {spec.source_published!r}", (*path, "source_published")
            )
        if source.published_on is None:
            raise ClaimError(f"{source.id} has no publication date", (*path, "source_published"))
        when = source.published_on
        cite = Cite("source", source.id)
    low, high = _years(when.first), _years(when.last, end_of_day=True)
    written = format_partial(when.first, when.precision) or str(when.first)
    return Figure(
        cite.id,
        (low + high) / 2,
        written,
        bounds=Interval(low, high),
        basis="date",
        cites=(cite,),
        note=spec.note,
    )


def _years(day: date, end_of_day: bool = False) -> float:
    """A day as a year with a fraction: 2012-03-01 is 2012.16."""
    length = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - (0 if end_of_day else 1)) / length

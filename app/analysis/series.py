"""Series: the statistics of one metric, reporter, partner and scope, period by period, with
every source's figure and the values all of them allow at once.

The reconciliation rule (`reconcile`), for the figures reported for one period:

1. Each figure is the interval its wording allows (app/analysis/precision.py): "$27.6 billion" is
   27.55-27.65 billion, "nearly $20 billion" 15-20 billion, "more than doubled" 2 and up.
2. The reconciled interval is where all of them meet: from the highest low to the lowest high.
3. The state:
   - `single_source`: one source reports the period (its figure's interval is the reconciled one);
   - `agreed`: several sources, every figure the same value as written;
   - `rounding`: several sources, different figures, whose intervals still meet: one true value
     could be written as each of them (2016 goods deficit: $27.6 billion, $27.6 billion and
     US$27.7 billion meet at exactly 27.65 billion);
   - `conflict`: the intervals do not meet; no value is allowed by every source. The conflict
     names the figures on each side of the gap and its size.
4. The best value, and the rule that chose it:
   - `midpoint`: the middle of the reconciled interval, when it is bounded (27.65 billion above);
   - `bound`: its one finite end, when the wording leaves the other open ("more than doubled");
   - none in a conflict: the API does not choose between sources that disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from app.analysis.precision import tidy

State = Literal["single_source", "agreed", "rounding", "conflict"]


@dataclass(frozen=True)
class Reported:
    """One source's figure for a period: its statistic, its interval (None = unbounded)."""

    statistic_id: str
    source_id: str
    as_reported: str
    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Reconciled:
    state: State
    low: float | None  # None: unbounded (or no common value, in a conflict)
    high: float | None
    best: float | None
    rule: str
    # in a conflict: the figures below the gap, those above it, and its size
    below: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    gap: float | None = None


def _low(r: Reported) -> float:
    return -math.inf if r.low is None else r.low


def _high(r: Reported) -> float:
    return math.inf if r.high is None else r.high


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def reconcile(reported: list[Reported]) -> Reconciled:
    """The reconciled interval, best value and state of one period's figures (see above)."""
    if not reported:
        raise ValueError("a period has at least one reported figure")
    low = max(_low(r) for r in reported)
    high = min(_high(r) for r in reported)
    sources = {r.source_id for r in reported}
    if low > high:
        below = tuple(r.statistic_id for r in reported if _high(r) < low)
        above = tuple(r.statistic_id for r in reported if _low(r) > high)
        return Reconciled(
            "conflict",
            None,
            None,
            None,
            "none: the sources' figures allow no common value, and the API does not choose "
            "between them",
            below,
            above,
            low - high,
        )
    if len(sources) == 1:
        state: State = "single_source"
    elif len({r.value for r in reported}) == 1:
        state = "agreed"
    else:
        state = "rounding"
    if math.isfinite(low) and math.isfinite(high):
        return Reconciled(
            state, low, high, (low + high) / 2, "midpoint of the interval every figure allows"
        )
    end = low if math.isfinite(low) else high
    return Reconciled(
        state,
        _finite(low),
        _finite(high),
        _finite(end),
        "bound: the one finite end of the interval every figure allows (the wording leaves "
        "the other open)",
    )


def point_fields(result: Reconciled) -> dict[str, Any]:
    """A reconciled period as the API writes it (whole numbers as integers)."""
    return {
        "state": result.state,
        "low": _plain(result.low),
        "high": _plain(result.high),
        "best": _plain(result.best),
        "rule": result.rule,
        "conflict": {
            "below": list(result.below),
            "above": list(result.above),
            "gap": _plain(result.gap),
        }
        if result.state == "conflict"
        else None,
    }


def _plain(value: float | None) -> int | float | None:
    if value is None:
        return None
    value = tidy(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value

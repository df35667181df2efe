"""Series: read as the loader stored them (a summary and a whole document each), filtered by
their keys. A list carries summaries; one series carries every period and figure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, select

from app.models import Series
from app.models.filters import SeriesFilters
from app.models.series import ReconciledPointPublic, SeriesKeysPublic, SeriesStatesPublic
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import published_by, restrict_series

SERIES = Series.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "metric": SortField("metric", SERIES.c.metric_id, "str"),
    "id": SortField("id", SERIES.c.id, "str"),
}
DEFAULT_SORT = "metric"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "metric": SERIES.c.metric_id,
    "reporter": SERIES.c.reporter,
    "partner": SERIES.c.partner,
    "scope": SERIES.c.scope,
}

# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "metric": lambda v: SERIES.c.metric_id == v,
    "reporter": lambda v: SERIES.c.reporter == v,
    "partner": lambda v: SERIES.c.partner == v,
    "scope": lambda v: SERIES.c.scope == v,
    "as_of": lambda v: SERIES.c.first_published <= v,  # and its figures narrowed below
}


# A summary's fields that are the series' own, and the latest point's it repeats (all but the
# figures): the public models say which.
_KEYS = tuple(SeriesKeysPublic.model_fields)
_LATEST = tuple(ReconciledPointPublic.model_fields)
STATES = tuple(SeriesStatesPublic.model_fields)


def summarise(series: dict[str, Any]) -> dict[str, Any]:
    """A series without its figures (see SeriesSummaryPublic): its keys, the periods it spans,
    how many periods are in each state, and its latest point (the last dated one; a series
    with no dated point: its last point)."""
    points = series["points"]
    states = dict.fromkeys(STATES, 0)
    for point in points:
        states[point["state"]] += 1
    dated = [p for p in points if p["period_start"] is not None]  # undated points come last
    last = dated[-1] if dated else (points[-1] if points else None)
    return {
        **{key: series[key] for key in _KEYS},
        "first_period": dated[0]["period_start"] if dated else None,
        "last_period": (last["period_end"] or last["period_start"]) if dated and last else None,
        "period_count": len(points),
        "figure_count": sum(len(p["reported"]) for p in points),
        "states": states,
        "latest": {key: last[key] for key in _LATEST} if last else None,
    }


def list_series(
    conn: Connection, filters: SeriesFilters, page: PageRequest
) -> tuple[list[str], str | None]:
    """One page of series summaries (JSON). Under `as_of` each series is first narrowed to what
    had been published, then summarised."""
    cutoff = filters.cutoff()
    column = SERIES.c.document if cutoff is not None else SERIES.c.summary
    stmt = select(SERIES.c.pk, column.label("item")).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    items = [r["item"] for r in result.rows]
    if cutoff is not None:
        narrowed = restrict_series(items, published_by(conn, cutoff))
        items = [orjson.dumps(summarise(orjson.loads(d))).decode() for d in narrowed]
    return items, result.next_cursor


def get_series_document(conn: Connection, series_id: str, as_of: date | None = None) -> str | None:
    """One series' document; under `as_of` narrowed to what had been published (None when
    nothing had: the series did not exist yet)."""
    stmt = select(SERIES.c.document).where(SERIES.c.id == series_id)
    if as_of is not None:
        stmt = stmt.where(_CONDITIONS["as_of"](as_of))
    document: str | None = conn.execute(stmt).scalar()
    if document is None or as_of is None:
        return document
    return restrict_series([document], published_by(conn, as_of))[0]

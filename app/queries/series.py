"""Series: read as the loader stored them (one JSON document each), filtered by their keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from app.models import Series
from app.models.filters import SeriesFilters
from app.pagination import PageRequest, SortField, run_page

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
}


def list_series(
    conn: Connection, filters: SeriesFilters, page: PageRequest
) -> tuple[list[str], str | None]:
    """One page of series as their stored JSON documents."""
    stmt = select(SERIES.c.pk, SERIES.c.document).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return [r["document"] for r in result.rows], result.next_cursor


def get_series_document(conn: Connection, series_id: str) -> str | None:
    stmt = select(SERIES.c.document).where(SERIES.c.id == series_id)
    document: str | None = conn.execute(stmt).scalar()
    return document

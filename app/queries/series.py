"""Series: read as the loader stored them (one JSON document each), filtered by their keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from app.models import Series
from app.models.filters import SeriesFilters
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


def list_series(
    conn: Connection, filters: SeriesFilters, page: PageRequest
) -> tuple[list[str], str | None]:
    """One page of series as their stored JSON documents."""
    stmt = select(SERIES.c.pk, SERIES.c.document).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    documents = [r["document"] for r in result.rows]
    cutoff = filters.given().get("as_of")
    if isinstance(cutoff, date):
        documents = restrict_series(documents, published_by(conn, cutoff))
    return documents, result.next_cursor


def get_series_document(conn: Connection, series_id: str) -> str | None:
    stmt = select(SERIES.c.document).where(SERIES.c.id == series_id)
    document: str | None = conn.execute(stmt).scalar()
    return document

"""Facet counts of whole lists, kept by the loader (table `facet_count`): every faceted column
of every list, each value with how many rows hold it. run_page reads them when a list asks for
facets with no filter; a filtered list groups its own rows (on the column's index)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from app.models import FacetCount
from app.pagination import FACET_VALUES, facet_counts
from app.queries import (
    analysis,
    meetings,
    organizations,
    people,
    provisions,
    series,
    sources,
    statements,
    statistics,
    timeline,
)

FACET_COUNT = FacetCount.__table__  # type: ignore[attr-defined]
# Every list's faceted columns.
ALL_FACETS: list[dict[str, Any]] = [
    statistics.FACETS,
    provisions.FACETS,
    meetings.FACETS,
    sources.FACETS,
    people.FACETS,
    organizations.FACETS,
    statements.FACETS,
    series.FACETS,
    timeline.FACETS,
    analysis.CHECK_FACETS,
]


def facet_key(column: Any) -> str:
    return f"{column.table.name}.{column.name}"


def facet_count_rows(conn: Connection) -> list[dict[str, Any]]:
    """Every faceted column of every whole list, counted again: the rows `facet_count` should
    hold (the loader syncs them, so unchanged counts are not rewritten)."""
    rows = []
    for facets in ALL_FACETS:
        for column in facets.values():
            count = func.count().label("count")
            grouped = (
                select(column.label("value"), count)
                .select_from(column.table)
                .group_by(column)
                .order_by(count.desc(), column)
            )
            for position, (value, n) in enumerate(conn.execute(grouped)):
                rows.append(
                    {
                        "facet": facet_key(column),
                        "position": position,
                        "value": None if value is None else str(value),
                        "count": int(n),
                    }
                )
    return rows


def counts(
    conn: Connection, stmt: Any, column: Any, params: dict[str, Any]
) -> list[tuple[Any, int]]:
    """The value counts of `column` under `stmt`'s filters: the loader's, for a whole list; else
    grouped by the database."""
    if stmt.whereclause is None:
        kept = conn.execute(
            select(FACET_COUNT.c.value, FACET_COUNT.c.count)
            .where(FACET_COUNT.c.facet == facet_key(column))
            .order_by(FACET_COUNT.c.position)
            .limit(FACET_VALUES)
        ).all()
        if kept:
            return [(value, int(n)) for value, n in kept]
    return facet_counts(conn, stmt, column, params)

"""Milestones: dated events that are not meetings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from app.models import Milestone
from app.models.filters import MilestoneFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import partial
from app.vocabulary import resource_url

MILESTONE = Milestone.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "date": SortField("date", MILESTONE.c.date, "date"),
    "title": SortField("title", MILESTONE.c.title, "str"),
    "id": SortField("id", MILESTONE.c.id, "str"),
}
DEFAULT_SORT = "date"


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: MILESTONE.c.first_published <= v,
    "date_from": lambda v: MILESTONE.c.date_last >= v,
    "date_to": lambda v: MILESTONE.c.date <= v,
    "source_id": lambda v: cited_by("milestone", MILESTONE.c.pk, v),
}


def list_milestones(
    conn: Connection, filters: MilestoneFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*MILESTONE.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_milestone(conn: Connection, milestone_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(*MILESTONE.c).where(MILESTONE.c.id == milestone_id)).mappings().first()
    )
    return _public(conn, [row])[0] if row else None


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    citations = citations_for(conn, "milestone", [r["pk"] for r in rows])
    return [
        {
            "id": r["id"],
            "url": resource_url("milestone", r["id"]),
            "title": r["title"],
            **partial(r, "date"),
            "date_basis": r["date_basis"],
            "date_disputed": r["date_disputed"],
            "cause": r["cause"],
            "summary": r["summary"],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

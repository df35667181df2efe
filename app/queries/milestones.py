"""Milestones: dated events that are not meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from app.models import Milestone
from app.pagination import Sort, SortField
from app.queries.common import PageRequest, citations_for, cited_by, partial, run_page
from app.vocabulary import resource_url

MILESTONE = Milestone.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "date": SortField("date", MILESTONE.c.date, "date"),
    "title": SortField("title", MILESTONE.c.title, "str"),
    "id": SortField("id", MILESTONE.c.id, "str"),
}
DEFAULT_SORT = "date"


@dataclass(frozen=True)
class MilestoneFilters:
    date_from: date | None = None
    date_to: date | None = None
    source_id: str | None = None


def list_milestones(
    conn: Connection, filters: MilestoneFilters, page: PageRequest | None, sort: Sort
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*MILESTONE.c)
    if filters.date_from is not None:
        stmt = stmt.where(MILESTONE.c.date_last >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(MILESTONE.c.date <= filters.date_to)
    if filters.source_id is not None:
        stmt = stmt.where(cited_by("milestone", MILESTONE.c.pk, filters.source_id))
    result = run_page(conn, stmt, page, sort)
    return _public(conn, result.rows), result.next_cursor


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
            "summary": r["summary"],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

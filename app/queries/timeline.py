"""The timeline: meetings, milestones, provision deadlines and statements in one chronological
list.

Partial dates sort by their first day; on the same first day the broader one comes first (a
year before a month before a day), then meetings before milestones before provisions before
statements, then id.
The order is computed by the database from these explicit keys, so it is the same on both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, case, literal, null, select, union_all

from app.dates import format_partial
from app.models import Meeting, Milestone, Provision, Statement
from app.models.filters import TimelineFilters
from app.pagination import PageRequest, Sort, SortField, run_page
from app.vocabulary import TIMELINE_TYPES, resource_url

MEETING = Meeting.__table__  # type: ignore[attr-defined]
MILESTONE = Milestone.__table__  # type: ignore[attr-defined]
PROVISION = Provision.__table__  # type: ignore[attr-defined]
STATEMENT = Statement.__table__  # type: ignore[attr-defined]
TYPES = TIMELINE_TYPES


def _breadth(precision: Any) -> Any:
    return case({"year": 0, "month": 1}, value=precision, else_=2)


def _union() -> Any:
    meetings = select(
        MEETING.c.start_date.label("date"),
        MEETING.c.start_date_precision.label("date_precision"),
        MEETING.c.end_date.label("end_date"),
        MEETING.c.end_date_precision.label("end_date_precision"),
        MEETING.c.span_last.label("date_last"),
        literal("meeting").label("type"),
        literal(0).label("type_rank"),
        MEETING.c.id.label("id"),
        MEETING.c.title.label("title"),
        _breadth(MEETING.c.start_date_precision).label("breadth"),
        MEETING.c.first_published.label("first_published"),
    )
    milestones = select(
        MILESTONE.c.date,
        MILESTONE.c.date_precision,
        null().label("end_date"),
        null().label("end_date_precision"),
        MILESTONE.c.date_last.label("date_last"),
        literal("milestone"),
        literal(1),
        MILESTONE.c.id,
        MILESTONE.c.title,
        _breadth(MILESTONE.c.date_precision),
        MILESTONE.c.first_published,
    )
    provisions = select(
        PROVISION.c.deadline,
        PROVISION.c.deadline_precision,
        null(),
        null(),
        PROVISION.c.deadline_last,
        literal("provision"),
        literal(2),
        PROVISION.c.id,
        PROVISION.c.title,
        _breadth(PROVISION.c.deadline_precision),
        PROVISION.c.first_published,
    ).where(PROVISION.c.deadline.is_not(None))
    statements = select(
        STATEMENT.c.date,
        STATEMENT.c.date_precision,
        null(),
        null(),
        STATEMENT.c.date_last,
        literal("statement"),
        literal(3),
        STATEMENT.c.id,
        STATEMENT.c.title,
        _breadth(STATEMENT.c.date_precision),
        STATEMENT.c.first_published,
    )
    return union_all(meetings, milestones, provisions, statements).subquery("timeline")


TIMELINE = _union()
SORT_FIELDS = {
    "date": SortField(
        "date",
        TIMELINE.c.date,
        "date",
        companions=(
            SortField("breadth", TIMELINE.c.breadth, "int"),
            SortField("type_rank", TIMELINE.c.type_rank, "int"),
        ),
    ),
    "title": SortField("title", TIMELINE.c.title, "str"),
    "type": SortField("type", TIMELINE.c.type, "str"),
    "id": SortField("id", TIMELINE.c.id, "str"),
}
DEFAULT_SORT = "date"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "type": TIMELINE.c.type,
}


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "date_from": lambda v: TIMELINE.c.date_last >= v,
    "date_to": lambda v: TIMELINE.c.date <= v,
    "type": lambda v: TIMELINE.c.type.in_(v),
    "as_of": lambda v: TIMELINE.c.first_published <= v,
}


def _select(filters: TimelineFilters) -> Any:
    return select(*TIMELINE.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )


def list_timeline(
    conn: Connection, filters: TimelineFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    result = run_page(conn, _select(filters), page)
    return [timeline_item(r) for r in result.rows], result.next_cursor


def timeline_rows(conn: Connection, filters: TimelineFilters, sort: Sort) -> list[Any]:
    """Every matching item with its last day, for the calendar feed."""
    return run_page(conn, _select(filters), PageRequest(sort)).rows


def timeline_item(r: Any) -> dict[str, Any]:
    return {
        "date": format_partial(r["date"], r["date_precision"]),
        "date_precision": r["date_precision"],
        "end_date": format_partial(r["end_date"], r["end_date_precision"]),
        "end_date_precision": r["end_date_precision"],
        "type": r["type"],
        "id": r["id"],
        "title": r["title"],
        "url": resource_url(r["type"], r["id"]),
    }

"""Meetings: who met where and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, exists, select

from app.models import Meeting, Participant
from app.models.filters import MeetingFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import Among, batches, contains_text, partial
from app.vocabulary import resource_url

MEETING = Meeting.__table__  # type: ignore[attr-defined]
PARTICIPANT = Participant.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "start_date": SortField("start_date", MEETING.c.start_date, "date"),
    "end_date": SortField("end_date", MEETING.c.end_date, "date", nullable=True),
    "title": SortField("title", MEETING.c.title, "str"),
    "kind": SortField("kind", MEETING.c.kind, "str"),
    "id": SortField("id", MEETING.c.id, "str"),
}
DEFAULT_SORT = "start_date"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "kind": MEETING.c.kind,
}


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: MEETING.c.first_published <= v,
    "kind": lambda v: MEETING.c.kind == v,
    "date_from": lambda v: MEETING.c.span_last >= v,
    "date_to": lambda v: MEETING.c.start_date <= v,
    "participant": lambda v: exists(
        select(PARTICIPANT.c.pk).where(
            PARTICIPANT.c.meeting_pk == MEETING.c.pk, contains_text(v, PARTICIPANT.c.name)
        )
    ),
    "source_id": lambda v: cited_by("meeting", MEETING.c.pk, v),
}


def list_meetings(
    conn: Connection, filters: MeetingFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*MEETING.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_meeting(conn: Connection, meeting_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(*MEETING.c).where(MEETING.c.id == meeting_id)).mappings().first()
    return _public(conn, [row])[0] if row else None


def _participants(conn: Connection, pks: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if pks:
        stmt = (
            select(*PARTICIPANT.c)
            .where(Among(PARTICIPANT.c.meeting_pk, "pks"))
            .order_by(PARTICIPANT.c.meeting_pk, PARTICIPANT.c.position)
        )
        rows = (r for batch in batches(pks) for r in conn.execute(stmt, {"pks": batch}).mappings())
        for p in rows:
            grouped[p["meeting_pk"]].append(
                {
                    k: p[k]
                    for k in (
                        "name",
                        "role",
                        "organization",
                        "organization_id",
                        "person_id",
                        "country",
                        "lead",
                    )
                }
            )
    return grouped


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    pks = [r["pk"] for r in rows]
    citations = citations_for(conn, "meeting", pks)
    participants = _participants(conn, pks)
    out = []
    for r in rows:
        located = r["location_city"] is not None or r["location_country"] is not None
        out.append(
            {
                "id": r["id"],
                "url": resource_url("meeting", r["id"]),
                "title": r["title"],
                "kind": r["kind"],
                **partial(r, "start_date"),
                **partial(r, "end_date"),
                "location": {"city": r["location_city"], "country": r["location_country"]}
                if located
                else None,
                "participants": participants[r["pk"]],
                "summary": r["summary"],
                "citations": citations[r["pk"]],
            }
        )
    return out

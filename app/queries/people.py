"""People: each once, with every name and role as a source states it, and what links to them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, exists, select

from app.models import Meeting, Participant, Person, PersonRole, Statement, Statistic
from app.models.filters import PersonFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import Among, batches, contains_text, grouped, link
from app.queries.names import names_public, source_dates, statement_links
from app.vocabulary import resource_url

PERSON = Person.__table__  # type: ignore[attr-defined]
ROLE = PersonRole.__table__  # type: ignore[attr-defined]
PARTICIPANT = Participant.__table__  # type: ignore[attr-defined]
MEETING = Meeting.__table__  # type: ignore[attr-defined]
STATEMENT = Statement.__table__  # type: ignore[attr-defined]
STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "name": SortField("name", PERSON.c.name, "str"),
    "id": SortField("id", PERSON.c.id, "str"),
}
DEFAULT_SORT = "name"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "country": PERSON.c.country,
}

# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: PERSON.c.first_published <= v,
    "country": lambda v: PERSON.c.country == v,
    "organization": lambda v: exists(
        select(ROLE.c.pk).where(ROLE.c.person_pk == PERSON.c.pk, ROLE.c.organization_id == v)
    ),
    "source_id": lambda v: cited_by("person", PERSON.c.pk, v),
    "q": lambda v: contains_text(v, PERSON.c.aliases),
}


def list_people(
    conn: Connection, filters: PersonFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*PERSON.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_person(conn: Connection, person_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(*PERSON.c).where(PERSON.c.id == person_id)).mappings().first()
    return _public(conn, [row])[0] if row else None


def _roles(conn: Connection, pks: list[int]) -> dict[int, list[Any]]:
    by_person: dict[int, list[Any]] = defaultdict(list)
    stmt = (
        select(*ROLE.c)
        .where(Among(ROLE.c.person_pk, "pks"))
        .order_by(ROLE.c.person_pk, ROLE.c.position)
    )
    for batch in batches(pks):
        for row in conn.execute(stmt, {"pks": batch}).mappings():
            by_person[row["person_pk"]].append(row)
    return by_person


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    pks = [r["pk"] for r in rows]
    ids = [r["id"] for r in rows]
    citations = citations_for(conn, "person", pks)
    roles = _roles(conn, pks)
    dates = source_dates(conn, {role["source_id"] for rs in roles.values() for role in rs})
    meetings = grouped(
        conn,
        select(PARTICIPANT.c.person_id, MEETING.c.id)
        .join(MEETING, MEETING.c.pk == PARTICIPANT.c.meeting_pk)
        .where(Among(PARTICIPANT.c.person_id, "ids"))
        .order_by(MEETING.c.start_date, MEETING.c.id),
        ids,
    )
    statements = statement_links(conn, "speaker", ids)
    attributed = grouped(
        conn,
        select(STATISTIC.c.attributed_to_id, STATISTIC.c.id)
        .where(Among(STATISTIC.c.attributed_to_id, "ids"))
        .order_by(STATISTIC.c.id),
        ids,
    )
    stated = _statement_statistics(conn, [s for refs in statements.values() for s in refs])
    return [
        {
            "id": r["id"],
            "url": resource_url("person", r["id"]),
            "name": r["name"],
            "country": r["country"],
            "note": r["note"],
            "names": names_public(r["names"], citations[r["pk"]]),
            "roles": [
                {
                    "title": role["title"],
                    "organization_id": role["organization_id"],
                    "organization_url": resource_url("organization", role["organization_id"])
                    if role["organization_id"]
                    else None,
                    "source_id": role["source_id"],
                    **dates.get(
                        role["source_id"], {"stated_on": None, "stated_on_precision": None}
                    ),
                    "citation": citations[r["pk"]][role["citation_position"]],
                }
                for role in roles[r["pk"]]
            ],
            "meetings": [link("meeting", m) for m in meetings[r["id"]]],
            "statements": [link("statement", s) for s in statements[r["id"]]],
            "statistics": [
                link("statistic", s)
                for s in dict.fromkeys(
                    [
                        *attributed[r["id"]],
                        *[x for s in statements[r["id"]] for x in stated.get(s, [])],
                    ]
                )
            ],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]


def _statement_statistics(conn: Connection, statement_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    stmt = select(STATEMENT.c.id, STATEMENT.c.statistic_ids).where(Among(STATEMENT.c.id, "ids"))
    for batch in batches(dict.fromkeys(statement_ids)):
        for statement_id, statistic_ids in conn.execute(stmt, {"ids": batch}):
            found[statement_id] = list(statistic_ids or [])
    return found

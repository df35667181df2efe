"""Statements: who said or wrote what, when, to whom, where reported; filtered by their links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, exists, select

from app.models import Organization, Person, Statement, StatementLink
from app.models.filters import StatementFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import Among, batches, contains_text, link, partial
from app.vocabulary import resource_url

STATEMENT = Statement.__table__  # type: ignore[attr-defined]
LINK = StatementLink.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
ORGANIZATION = Organization.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "date": SortField("date", STATEMENT.c.date, "date"),
    "kind": SortField("kind", STATEMENT.c.kind, "str"),
    "id": SortField("id", STATEMENT.c.id, "str"),
}
DEFAULT_SORT = "date"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "kind": STATEMENT.c.kind,
    "medium": STATEMENT.c.medium,
}


def _linked(role: str) -> Callable[[Any], Any]:
    return lambda v: exists(
        select(LINK.c.pk).where(
            LINK.c.statement_pk == STATEMENT.c.pk, LINK.c.role == role, LINK.c.ref_id == v
        )
    )


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: STATEMENT.c.first_published <= v,
    "speaker": _linked("speaker"),
    "organization": _linked("organization"),
    "country": _linked("country"),
    "kind": lambda v: STATEMENT.c.kind.in_(v),
    "medium": lambda v: STATEMENT.c.medium == v,
    "date_from": lambda v: STATEMENT.c.date_last >= v,
    "date_to": lambda v: STATEMENT.c.date <= v,
    "source_id": lambda v: cited_by("statement", STATEMENT.c.pk, v),
    "q": lambda v: contains_text(v, STATEMENT.c.text),
}


def list_statements(
    conn: Connection, filters: StatementFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*STATEMENT.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_statement(conn: Connection, statement_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(*STATEMENT.c).where(STATEMENT.c.id == statement_id)).mappings().first()
    )
    return _public(conn, [row])[0] if row else None


def _labels(conn: Connection, ids: set[str]) -> dict[str, str]:
    """The label of each person or organisation id."""
    found: dict[str, str] = {}
    for table in (PERSON, ORGANIZATION):
        stmt = select(table.c.id, table.c.name).where(Among(table.c.id, "ids"))
        for batch in batches(sorted(ids)):
            found.update(dict(conn.execute(stmt, {"ids": batch}).all()))
    return found


def _optional(type_: str, ref: str | None) -> dict[str, str] | None:
    return link(type_, ref) if ref else None


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    citations = citations_for(conn, "statement", [r["pk"] for r in rows])
    labels = _labels(conn, {s["id"] for r in rows for s in r["speakers"]})
    return [
        {
            "id": r["id"],
            "url": resource_url("statement", r["id"]),
            "title": r["title"],
            "kind": r["kind"],
            "text": r["text"],
            "speakers": [
                {
                    "type": s["type"],
                    "id": s["id"],
                    "name": labels.get(s["id"], s["id"]),
                    "url": resource_url(s["type"], s["id"]),
                }
                for s in r["speakers"]
            ],
            "speaker_as_stated": r["speaker_as_stated"],
            "countries": r["countries"],
            "organization": _optional("organization", r["organization_id"]),
            **partial(r, "date"),
            "date_basis": r["date_basis"],
            "date_note": r["date_note"],
            "medium": r["medium"],
            "audience": r["audience"],
            "meeting": _optional("meeting", r["meeting_id"]),
            "reported_by": _optional("organization", r["reported_by_id"]),
            "statistics": [link("statistic", s) for s in r["statistic_ids"]],
            "provisions": [link("provision", p) for p in r["provision_ids"]],
            "note": r["note"],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

"""Organisations: each once, with every name a source uses, and who and what links to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from app.models import Organization, Person, PersonRole
from app.models.filters import OrganizationFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import SOURCE, Among, contains_text, grouped, link
from app.queries.names import names_public, statement_links
from app.vocabulary import resource_url

ORGANIZATION = Organization.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
ROLE = PersonRole.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "name": SortField("name", ORGANIZATION.c.name, "str"),
    "kind": SortField("kind", ORGANIZATION.c.kind, "str"),
    "id": SortField("id", ORGANIZATION.c.id, "str"),
}
DEFAULT_SORT = "name"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "kind": ORGANIZATION.c.kind,
    "country": ORGANIZATION.c.country,
}

# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: ORGANIZATION.c.first_published <= v,
    "kind": lambda v: ORGANIZATION.c.kind == v,
    "country": lambda v: ORGANIZATION.c.country == v,
    "source_id": lambda v: cited_by("organization", ORGANIZATION.c.pk, v),
    "q": lambda v: contains_text(v, ORGANIZATION.c.aliases),
}


def list_organizations(
    conn: Connection, filters: OrganizationFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*ORGANIZATION.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_organization(conn: Connection, organization_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(*ORGANIZATION.c).where(ORGANIZATION.c.id == organization_id))
        .mappings()
        .first()
    )
    return _public(conn, [row])[0] if row else None


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    pks = [r["pk"] for r in rows]
    ids = [r["id"] for r in rows]
    citations = citations_for(conn, "organization", pks)
    people = grouped(
        conn,
        select(ROLE.c.organization_id, PERSON.c.id)
        .join(PERSON, PERSON.c.pk == ROLE.c.person_pk)
        .where(Among(ROLE.c.organization_id, "ids"))
        .order_by(PERSON.c.name, PERSON.c.id),
        ids,
    )
    published = grouped(
        conn,
        select(SOURCE.c.publisher_id, SOURCE.c.id)
        .where(Among(SOURCE.c.publisher_id, "ids"))
        .order_by(SOURCE.c.id),
        ids,
    )
    statements = statement_links(conn, "organization", ids)
    return [
        {
            "id": r["id"],
            "url": resource_url("organization", r["id"]),
            "name": r["name"],
            "kind": r["kind"],
            "country": r["country"],
            "note": r["note"],
            "names": names_public(r["names"], citations[r["pk"]]),
            "name_conflict": r["name_conflict"],
            "people": [link("person", p) for p in people[r["id"]]],
            "statements": [link("statement", s) for s in statements[r["id"]]],
            "published_sources": [link("source", s) for s in published[r["id"]]],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

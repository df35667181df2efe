"""What people, organisations and statements share: names with their citations, the date each
source gives its roles, and the statements linked to an id."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from app.dates import format_partial
from app.models import Statement, StatementLink
from app.queries.common import SOURCE, Among, batches

STATEMENT = Statement.__table__  # type: ignore[attr-defined]
LINK = StatementLink.__table__  # type: ignore[attr-defined]


def names_public(names: list[dict[str, Any]], citations: list[dict[str, Any]]) -> list[Any]:
    """Stored names with their citation in place of its position."""
    return [
        {
            "name": n["name"],
            "form": n["form"],
            "source_id": n["source_id"],
            "note": n["note"],
            "citation": citations[n["citation"]],
        }
        for n in names
    ]


def source_dates(conn: Connection, source_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Each source's publication date, as a role's `stated_on` pair."""
    stmt = select(SOURCE.c.id, SOURCE.c.published_on, SOURCE.c.published_on_precision).where(
        Among(SOURCE.c.id, "ids")
    )
    found = {}
    for batch in batches(sorted(source_ids)):
        for source_id, published, precision in conn.execute(stmt, {"ids": batch}):
            found[source_id] = {
                "stated_on": format_partial(published, precision),
                "stated_on_precision": precision,
            }
    return found


def statement_links(conn: Connection, role: str, ids: list[str]) -> dict[str, list[str]]:
    """The statements whose `role` (speaker, organization or country) is each id, by date."""
    grouped: dict[str, list[str]] = defaultdict(list)
    stmt = (
        select(LINK.c.ref_id, STATEMENT.c.id)
        .join(STATEMENT, STATEMENT.c.pk == LINK.c.statement_pk)
        .where(LINK.c.role == role, Among(LINK.c.ref_id, "ids"))
        .order_by(STATEMENT.c.date, STATEMENT.c.id)
    )
    for batch in batches(ids):
        for ref, statement_id in conn.execute(stmt, {"ids": batch}):
            grouped[ref].append(statement_id)
    return grouped

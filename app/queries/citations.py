"""Citations: the quotes each fact rests on, the facts citing a source, and a source's cited
spans in text order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, literal, select

from app.models import Meeting, Milestone, Organization, Person, Provision, Statement, Statistic
from app.queries.common import CITATION, SOURCE, Among, batches
from app.vocabulary import source_text_url

FACT_TABLES: dict[str, Any] = {
    "statistic": Statistic.__table__,  # type: ignore[attr-defined]
    "provision": Provision.__table__,  # type: ignore[attr-defined]
    "meeting": Meeting.__table__,  # type: ignore[attr-defined]
    "milestone": Milestone.__table__,  # type: ignore[attr-defined]
    "person": Person.__table__,  # type: ignore[attr-defined]
    "organization": Organization.__table__,  # type: ignore[attr-defined]
    "statement": Statement.__table__,  # type: ignore[attr-defined]
}
# The column that names a fact in lists and highlights.
_LABELS = {"statistic": "label", "person": "name", "organization": "name"}


def citations_for(
    conn: Connection, fact: str, pks: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """The citations of the given facts (`fact` is one of FACT_TABLES)."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not pks:
        return grouped
    column = CITATION.c[f"{fact}_pk"]
    stmt = (
        select(
            column.label("fact_pk"),
            SOURCE.c.id.label("source_id"),
            CITATION.c.quote,
            CITATION.c.start_offset,
            CITATION.c.end_offset,
            CITATION.c.prefix,
            CITATION.c.suffix,
        )
        .join(SOURCE, SOURCE.c.pk == CITATION.c.source_pk)
        .where(Among(column, "pks"))
        .order_by(column, CITATION.c.position)
    )
    for batch in batches(pks):
        for row in conn.execute(stmt, {"pks": batch}).mappings():
            grouped[row["fact_pk"]].append(citation_public(row))
    return grouped


def citation_public(row: Any) -> dict[str, Any]:
    start, end = row["start_offset"], row["end_offset"]
    return {
        "source_id": row["source_id"],
        "quote": row["quote"],
        "start": start,
        "end": end,
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "url": f"{source_text_url(row['source_id'])}#char={start},{end}",
    }


def cited_by(fact: str, fact_pk: ColumnElement[Any], source_id: Any) -> ColumnElement[bool]:
    """Facts with at least one citation of the source `source_id`."""
    return exists(
        select(CITATION.c.pk)
        .join(SOURCE, SOURCE.c.pk == CITATION.c.source_pk)
        .where(CITATION.c[f"{fact}_pk"] == fact_pk, SOURCE.c.id == source_id)
    )


@dataclass(frozen=True)
class SourceCitation:
    """One citation of a source, with the fact it belongs to."""

    start: int
    end: int
    fact_type: str
    fact_id: str
    position: int
    title: str
    as_reported: str | None  # statistics only
    source_error: dict[str, str] | None = None  # statistics only: the sentence is judged garbled


def source_citations(conn: Connection, source_pk: int) -> list[SourceCitation]:
    """Every citation of one source, in text order, whatever kind of fact makes it."""
    found: list[SourceCitation] = []
    for fact, table in FACT_TABLES.items():
        is_statistic = fact == "statistic"
        stmt = (
            select(
                CITATION.c.start_offset,
                CITATION.c.end_offset,
                table.c.id,
                CITATION.c.position,
                table.c[_LABELS.get(fact, "title")],
                table.c.as_reported if is_statistic else literal(None),
                table.c.source_error if is_statistic else literal(None),
            )
            .join(table, table.c.pk == CITATION.c[f"{fact}_pk"])
            .where(CITATION.c.source_pk == source_pk)
        )
        found.extend(
            SourceCitation(r[0], r[1], fact, r[2], r[3], r[4], r[5], r[6])
            for r in conn.execute(stmt)
        )
    return sorted(found, key=lambda c: (c.start, c.end, c.fact_type, c.fact_id, c.position))

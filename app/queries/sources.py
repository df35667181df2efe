"""Sources: the documents, their metadata, and how many facts cite each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, select

from app.models.filters import SourceFilters
from app.pagination import PageRequest, PageResult, SortField, run_page
from app.queries.common import CITATION, SOURCE, Among, batches, partial
from app.vocabulary import FACT_TYPES, PLURALS, resource_url, source_text_url

SORT_FIELDS = {
    "published_on": SortField("published_on", SOURCE.c.published_on, "date", nullable=True),
    "title": SortField("title", SOURCE.c.title, "str"),
    "publisher": SortField("publisher", SOURCE.c.publisher, "str", nullable=True),
    "kind": SortField("kind", SOURCE.c.kind, "str"),
    "id": SortField("id", SOURCE.c.id, "str"),
}
DEFAULT_SORT = "published_on"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "kind": SOURCE.c.kind,
    "publisher": SOURCE.c.publisher,
}
_PUBLIC = [c for c in SOURCE.c if c.name != "text"]
_FACTS = FACT_TYPES


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "kind": lambda v: SOURCE.c.kind == v,
    "as_of": lambda v: SOURCE.c.published_last <= v,
    "publisher": lambda v: SOURCE.c.publisher == v,
}


def list_sources(
    conn: Connection, filters: SourceFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*_PUBLIC)
    stmt = stmt.where(*[_CONDITIONS[name](value) for name, value in filters.given().items()])
    result: PageResult = run_page(conn, stmt, page)
    return _public(conn, result.rows), result.next_cursor


def get_source(conn: Connection, source_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(*_PUBLIC).where(SOURCE.c.id == source_id)).mappings().first()
    return _public(conn, [row])[0] if row else None


def source_text(conn: Connection, source_id: str) -> tuple[str, str] | None:
    """The exact text and its sha256."""
    row = conn.execute(
        select(SOURCE.c.text, SOURCE.c.sha256).where(SOURCE.c.id == source_id)
    ).first()
    return (row[0], row[1]) if row else None


def _counts(conn: Connection, pks: list[int]) -> dict[int, dict[str, int]]:
    counts = {pk: {PLURALS[fact]: 0 for fact in _FACTS} for pk in pks}
    if not pks:
        return counts
    stmt = (
        select(
            CITATION.c.source_pk,
            *[
                func.count(CITATION.c[f"{fact}_pk"].distinct()).label(PLURALS[fact])
                for fact in _FACTS
            ],
        )
        .where(Among(CITATION.c.source_pk, "pks"))
        .group_by(CITATION.c.source_pk)
    )
    rows = (r for batch in batches(pks) for r in conn.execute(stmt, {"pks": batch}).mappings())
    for row in rows:
        counts[row["source_pk"]] = {PLURALS[fact]: row[PLURALS[fact]] for fact in _FACTS}
    return counts


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    counts = _counts(conn, [r["pk"] for r in rows])
    return [
        {
            "id": r["id"],
            "url": resource_url("source", r["id"]),
            "title": r["title"],
            "publisher": r["publisher"],
            "publisher_id": r["publisher_id"],
            "author": r["author"],
            "kind": r["kind"],
            **partial(r, "published_on"),
            "published_on_note": r["published_on_note"],
            "original_url": r["original_url"],
            "language": r["language"],
            "sha256": r["sha256"],
            "length": r["length"],
            "text_url": source_text_url(r["id"]),
            "fact_counts": counts[r["pk"]],
        }
        for r in rows
    ]

"""Full-text search with each database's own engine: FTS5 and bm25 on SQLite, tsvector, GIN,
ts_rank and ts_headline on PostgreSQL. Snippets mark matches with <mark> and escape the rest."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    String,
    bindparam,
    func,
    literal_column,
    select,
    text,
)

from app.models import SearchDocument
from app.models.filters import SearchFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.common import batches
from app.vocabulary import SEARCH_TYPES

DOCUMENT = SearchDocument.__table__  # type: ignore[attr-defined]
TYPES = SEARCH_TYPES
_OPEN, _CLOSE = "\x02", "\x03"  # match markers no text contains; replaced after escaping
_TERM = re.compile(r"\S+")
# Both dialects answer a subquery named `hits` with these columns.
SORT_FIELDS = {
    "score": SortField("score", literal_column("hits.score", Float), "num"),
    "type": SortField("type", literal_column("hits.type", String), "str"),
    "id": SortField("id", literal_column("hits.id", String), "str"),
}
DEFAULT_SORT = "-score"


def _terms(q: str) -> list[str]:
    return [t for t in _TERM.findall(q) if any(ch.isalnum() for ch in t)]


def _match(terms: list[str]) -> str:
    # Each term is an FTS5 phrase, so 'U.S.', 'eco-credits' and '27.6' match as written and
    # no user input is ever read as FTS5 syntax.
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _sqlite(terms: list[str], as_of: date | None) -> Any:
    return (
        text(
            "SELECT d.pk AS pk, d.type AS type, d.ref_id AS id, d.title AS title, d.url AS url, "
            "-bm25(search_fts, 4.0, 1.0) AS score "
            "FROM search_fts JOIN search_document d ON d.pk = search_fts.rowid "
            "WHERE search_fts MATCH :match" + (" AND d.first_published <= :as_of" if as_of else "")
        )
        .bindparams(match=_match(terms), **({"as_of": as_of} if as_of else {}))
        .columns(pk=Integer, type=String, id=String, title=String, url=String, score=Float)
        .subquery("hits")
    )


def _tsquery(terms: list[str]) -> Any:
    return func.websearch_to_tsquery(literal_column("'english'"), " ".join(terms))


def _postgresql(terms: list[str], as_of: date | None) -> Any:
    tsv: Any = literal_column("search_document.tsv")
    query = _tsquery(terms)
    return (
        select(
            DOCUMENT.c.pk,
            DOCUMENT.c.type,
            DOCUMENT.c.ref_id.label("id"),
            DOCUMENT.c.title,
            DOCUMENT.c.url,
            func.ts_rank(tsv, query).cast(Float).label("score"),
        )
        .where(tsv.op("@@")(query))
        .where(*([DOCUMENT.c.first_published <= as_of] if as_of else []))
        .subquery("hits")
    )


def _snippets(conn: Connection, terms: list[str], pks: list[int]) -> dict[int, str]:
    """Snippets of the page's documents only: marking matches costs more than ranking them."""
    if not pks:
        return {}
    if conn.dialect.name == "sqlite":
        fts = text(
            "SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', 24) FROM search_fts "
            "WHERE search_fts MATCH :match AND rowid IN :pks"
        ).bindparams(bindparam("pks", expanding=True), match=_match(terms))
        return {pk: raw for batch in batches(pks) for pk, raw in conn.execute(fts, {"pks": batch})}
    options = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=35, MinWords=12, MaxFragments=2"
    headline = func.ts_headline(
        literal_column("'english'"),
        DOCUMENT.c.title + "\n" + DOCUMENT.c.body,
        _tsquery(terms),
        options,
    )
    stmt = select(DOCUMENT.c.pk, headline).where(
        DOCUMENT.c.pk.in_(bindparam("pks", expanding=True))
    )
    return {pk: raw for batch in batches(pks) for pk, raw in conn.execute(stmt, {"pks": batch})}


def snippet_html(raw: str | None) -> str:
    return html.escape(raw or "").replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def search(
    conn: Connection, q: str, filters: SearchFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    terms = _terms(q)
    if not terms:
        return [], None
    given = filters.given()
    hits = (_sqlite if conn.dialect.name == "sqlite" else _postgresql)(terms, filters.cutoff())
    types = given.get("type")
    stmt = select(*hits.c)
    if types:
        stmt = stmt.where(hits.c.type.in_(types))
    result = run_page(conn, stmt, page)
    snippets = _snippets(conn, terms, [r["pk"] for r in result.rows])
    items = [
        {
            "type": r["type"],
            "id": r["id"],
            "title": r["title"],
            "url": r["url"],
            "snippet": snippet_html(snippets.get(r["pk"])),
            "score": float(r["score"]),
        }
        for r in result.rows
    ]
    return items, result.next_cursor

"""Full-text search with each database's own engine: FTS5 and bm25 on SQLite (scored by
search_rank), tsvector, GIN, ts_rank and ts_headline on PostgreSQL. Snippets mark matches with
<mark> and escape the rest."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    String,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)

from app.models import SearchDocument
from app.models.filters import SearchFilters
from app.pagination import INT_LIMIT, PageRequest, SortField, run_page
from app.queries import search_rank
from app.queries.common import batches
from app.vocabulary import SEARCH_INDEX, SEARCH_TYPES, SEARCH_VERSIONS_INDEX

DOCUMENT = SearchDocument.__table__  # type: ignore[attr-defined]
TYPES = SEARCH_TYPES
_OPEN, _CLOSE = "\x02", "\x03"  # match markers no text contains; replaced after escaping
_TERM = re.compile(r"\S+")

# Ranking is bounded. A list led by its score is ranked within windows of this many matches,
# taken in the index's order: window after window, each ordered by score. Each engine ranks a
# window in milliseconds, while ranking every match of a common word at 10^6 documents took
# 0.4 s (docs/PERFORMANCE.md, "Search at 10^6"). An answer of at most WINDOW matches, which is
# every answer on the real seed, is one window: ranked whole.
WINDOW = 1000
# Which window a hit is in: ascending, ahead of the score, when the score leads the sort, so that
# the cursor carries it (its value is the window's first key: negated when ranked from the end).
WINDOW_FIELD = SortField("window", literal_column("hits.window", Integer), "int")
# Both dialects answer a subquery named `hits` with these columns.
SORT_FIELDS = {
    "score": SortField(
        "score", literal_column("hits.score", Float), "num", leaders=(WINDOW_FIELD,)
    ),
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


def _tsquery(terms: list[str]) -> Any:
    return func.websearch_to_tsquery(literal_column("'english'"), " ".join(terms))


@dataclass(frozen=True)
class _Engine:
    """One database's full-text search: the rows it reads (`index`: without the documents'
    columns, enough to count matches), what a match is, its score, and the key it returns
    matches in (the index's order)."""

    source: Any
    index: Any
    matches: Any  # a condition (a text clause on SQLite)
    score: ColumnElement[Any]
    key: ColumnElement[int]
    held: list[Any]  # which versions of the documents it reads, if the index does not say
    fts: str | None = None  # SQLite's index

    @staticmethod
    def of(conn: Connection, terms: list[str], versions: bool) -> _Engine:
        """`versions`: every version of the documents (for `as_of`), else them as they stand."""
        if conn.dialect.name == "sqlite":
            # each version set has an index of its own (migration 0018), so that bm25 weighs
            # words by the documents searched
            name = SEARCH_VERSIONS_INDEX if versions else SEARCH_INDEX
            fts = table(name, column("rowid", Integer))
            return _Engine(
                DOCUMENT.join(fts, fts.c.rowid == DOCUMENT.c.pk),
                fts,
                text(f"{name} MATCH :match").bindparams(match=_match(terms)),
                search_rank.score(conn, name, [_match([t]) for t in terms]),
                fts.c.rowid,
                [],
                name,
            )
        tsv: Any = literal_column("search_document.tsv")
        query = _tsquery(terms)
        match, score = tsv.op("@@")(query), func.ts_rank(tsv, query)
        held = [] if versions else [DOCUMENT.c.stage == 0]
        return _Engine(DOCUMENT, DOCUMENT, match, score, DOCUMENT.c.pk, held)


@dataclass(frozen=True)
class _Window:
    """Where a ranked page is: the first key of the window it starts in and of each window after
    it that the page may reach (`forward` in key order, else back from the end), and where the
    last of them ends (None: at the last match). Found by counting matches in the index's order."""

    starts: list[int]
    end: int | None
    forward: bool

    @staticmethod
    def at(conn: Connection, engine: _Engine, narrowing: list[Any], page: PageRequest) -> _Window:
        forward = page.sort.keys[1][1]  # the score descending: the first matches' window first
        start = 0 if forward else INT_LIMIT
        if page.cursor_values is not None:
            start = abs(page.cursor_values[0])
        beyond = engine.key >= start if forward else engine.key <= start
        order = engine.key.asc() if forward else engine.key.desc()
        rows = engine.source if narrowing else engine.index  # filters read the documents
        probe = (
            select(engine.key)
            .select_from(rows)
            .where(engine.matches, *engine.held, *narrowing, beyond)
            .order_by(order)
        )
        # The page needs its rows and one past them (which says there is another): as many
        # whole windows as that takes, after this one when resuming in it (its rest may be
        # empty), from its start on a first page.
        windows = -(-((page.limit or 0) + 1) // WINDOW) + (page.cursor_values is not None)
        starts = [start]
        for n in range(1, windows + 1):
            following = conn.execute(probe.limit(1).offset(n * WINDOW)).scalar()
            if following is None:
                return _Window(starts, None, forward)
            starts.append(following)
        return _Window(starts[:-1], starts[-1], forward)

    def bounds(self, key: ColumnElement[int]) -> tuple[list[ColumnElement[bool]], Any]:
        """The rows of these windows, and each row's window: its first key (negated when
        counted from the end, so that windows always come in ascending order)."""
        first, *rest = self.starts
        before = [key < s if self.forward else key > s for s in rest]
        rows = [key >= first if self.forward else key <= first]
        if self.end is not None:
            rows.append(key < self.end if self.forward else key > self.end)
        value = [s if self.forward else -s for s in self.starts]
        if not rest:
            return rows, literal(value[0], Integer)
        return rows, case(*zip(before, value[:-1], strict=True), else_=value[-1])


def _windowed(page: PageRequest) -> bool:
    """Whether the page is ranked in windows: led by the score. The whole list at once (never
    asked of search: a whole CSV is read in pages) would be ranked whole."""
    return page.sort.keys[0][0] is WINDOW_FIELD and page.limit is not None


def _hits(
    conn: Connection,
    engine: _Engine,
    filters: SearchFilters,
    cutoff: date | None,
    page: PageRequest,
) -> Any:
    narrowing: list[Any] = []  # the filters, which read the documents
    if cutoff is not None:
        # the version that held on that day: only what the sources counted by then say
        narrowing += [
            DOCUMENT.c.first_published <= cutoff,
            or_(DOCUMENT.c.until.is_(None), DOCUMENT.c.until > cutoff),
        ]
    if types := filters.given().get("type"):
        narrowing.append(DOCUMENT.c.type.in_(types))
    where = [engine.matches, *engine.held, *narrowing]
    window: Any = literal(0, Integer)
    if _windowed(page):
        rows, window = _Window.at(conn, engine, narrowing, page).bounds(engine.key)
        where += rows
    return (
        select(
            DOCUMENT.c.pk,
            DOCUMENT.c.type,
            DOCUMENT.c.ref_id.label("id"),
            DOCUMENT.c.title,
            DOCUMENT.c.url,
            engine.score.cast(Float).label("score"),
            window.label("window"),
        )
        .select_from(engine.source)
        .where(*where)
        .subquery("hits")
    )


def _snippets(
    conn: Connection, engine: _Engine, terms: list[str], pks: list[int], ranked: bool
) -> dict[int, str]:
    """Snippets of the page's documents only: marking matches costs more than ranking them.
    `ranked`: the page is a ranked one, whose documents lie within a window or two of matches."""
    if not pks:
        return {}
    if (name := engine.fts) is not None:
        # FTS5 marks the matches of the rows its query reads. Asked for a list of rows, it reads
        # the query once per row (18 µs each at 10^6 documents); a ranked page's rows lie within
        # a few windows of matches, which one read of that span finds (`+rowid`: filtered, not
        # looked up).
        pick = "+rowid IN :pks AND rowid BETWEEN :first AND :last" if ranked else "rowid IN :pks"
        fts = text(
            f"SELECT rowid, snippet({name}, -1, char(2), char(3), '…', 24) FROM {name} "
            f"WHERE {name} MATCH :match AND {pick}"
        ).bindparams(bindparam("pks", expanding=True), match=_match(terms))
        return {
            pk: raw
            for batch in batches(pks)
            for pk, raw in conn.execute(
                fts, {"pks": batch, "first": min(batch), "last": max(batch)}
            )
        }
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
    if conn.dialect.name == "postgresql":
        # a plan kept for any words guesses how many documents they match, and guesses low:
        # it then reads every match to find the first in key order (10 ms a probe at 10^5,
        # where the plan for the words asked walks the key in 1.5 ms). Plan each for its words.
        conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    cutoff = filters.cutoff()
    engine = _Engine.of(conn, terms, versions=cutoff is not None)
    hits = _hits(conn, engine, filters, cutoff, page)
    result = run_page(conn, select(*hits.c), page)
    snippets = _snippets(conn, engine, terms, [r["pk"] for r in result.rows], _windowed(page))
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

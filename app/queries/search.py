"""Full-text search with each database's own engine: FTS5 and bm25 on SQLite (scored by
search_rank), tsvector, GIN and ts_rank on PostgreSQL, where snippets are cut from stored word
places (search_snippet). Snippets mark matches with <mark> and escape the rest."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    Integer,
    Select,
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

from app.memo import Memo
from app.models import SearchDocument
from app.models.filters import SearchFilters
from app.pagination import INT_LIMIT, PageRequest, PageResult, SortField, run_page
from app.queries import search_rank, search_reach, search_snippet, search_words
from app.queries.common import Among, batches
from app.vocabulary import SEARCH_INDEX, SEARCH_TYPES, SEARCH_VERSIONS_INDEX

DOCUMENT = SearchDocument.__table__  # type: ignore[attr-defined]
TYPES = SEARCH_TYPES
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


def _index(versions: bool) -> str:
    """SQLite's index of every version of the documents (for `as_of`), or of them as they stand.
    Each has an index of its own (migration 0018), so that bm25 weighs words by the documents
    searched."""
    return SEARCH_VERSIONS_INDEX if versions else SEARCH_INDEX


@dataclass(frozen=True)
class _Engine:
    """One database's full-text search: the rows it reads (`index`: without the documents'
    columns, enough to count matches), what a match is, its score, and the key it returns
    matches in (the index's order). Its clauses take the query as parameters (`Query.params`),
    so that one engine, and each statement built from it, serves every query of its shape."""

    source: Any
    index: Any
    matches: Any  # a condition (a text clause on SQLite)
    score: ColumnElement[Any]
    key: ColumnElement[int]
    held: tuple[Any, ...]  # which versions of the documents it reads, if the index does not say
    fts: str | None = None  # SQLite's index

    @staticmethod
    @cache
    def of(dialect: str, versions: bool, counted: int | None) -> _Engine:
        """`versions`: every version of the documents (for `as_of`), else them as they stand;
        `counted`: how many phrases' document counts the score is given (SQLite)."""
        if dialect == "sqlite":
            name = _index(versions)
            fts = table(name, column("rowid", Integer))
            return _Engine(
                DOCUMENT.join(fts, fts.c.rowid == DOCUMENT.c.pk),
                fts,
                text(f"{name} MATCH :match"),
                search_rank.score(name, counted),
                fts.c.rowid,
                (),
                name,
            )
        tsv: Any = literal_column("search_document.tsv")
        match, score = (
            tsv.op("@@")(search_words.tsquery()),
            func.ts_rank(tsv, search_words.tsquery()),
        )
        held = () if versions else (DOCUMENT.c.stage == 0,)
        return _Engine(DOCUMENT, DOCUMENT, match, score, DOCUMENT.c.pk, held)


@dataclass(frozen=True)
class _Query:
    """One search: the engine for it, what narrows it, and the values of both's parameters.
    `shape` is what its statements differ by; every other difference is a parameter."""

    engine: _Engine
    cutoff: bool
    typed: bool
    params: dict[str, Any]

    @staticmethod
    def of(conn: Connection, terms: list[str], filters: SearchFilters) -> _Query:
        cutoff = filters.cutoff()
        types = filters.given().get("type")
        params: dict[str, Any] = {"cutoff": cutoff, "types": types}
        counts = None
        if conn.dialect.name == "sqlite":
            index = _index(versions=cutoff is not None)
            counts = search_rank.counts(conn, index, [_match([t]) for t in terms])
            params |= {"match": _match(terms), **search_rank.bound(counts)}
        else:
            params["query"] = " ".join(terms)
        engine = _Engine.of(
            conn.dialect.name, cutoff is not None, None if counts is None else len(counts)
        )
        return _Query(engine, cutoff is not None, bool(types), params)

    @property
    def shape(self) -> tuple[Any, ...]:
        return (id(self.engine), self.cutoff, self.typed)

    def begin(self, conn: Connection, start: int, forward: bool) -> int:
        """Where a walk in key order from `start` may begin without passing a match. FTS5 joins
        its words' lists in key order; PostgreSQL tests each document it walks past."""
        if self.engine.fts is not None:
            return start
        return search_reach.begin(conn, self.params["query"], start, forward)

    @cached_property
    def narrowing(self) -> list[Any]:
        """The filters, which read the documents."""
        found: list[Any] = []
        if self.cutoff:
            # the version that held on that day: only what the sources counted by then say
            day = bindparam("cutoff", type_=Date)
            found += [
                DOCUMENT.c.first_published <= day,
                or_(DOCUMENT.c.until.is_(None), DOCUMENT.c.until > day),
            ]
        if self.typed:
            found.append(Among(DOCUMENT.c.type, "types"))
        return found


@dataclass(frozen=True)
class _Window:
    """Where a ranked page is: the first key of the window it starts in and of each window after
    it that the page may reach (`forward` in key order, else back from the end). Found by
    counting matches in the index's order. The page's rows are the first WINDOW matches for each
    start, from the first start on: every window but the last holds exactly WINDOW."""

    starts: list[int]
    forward: bool
    begin: int  # where the first window's walk begins: its start, or past keys no match has

    @staticmethod
    def at(conn: Connection, query: _Query, page: PageRequest) -> _Window:
        forward = page.sort.keys[1][1]  # the score descending: the first matches' window first
        start = 0 if forward else INT_LIMIT
        if page.cursor_values is not None:
            start = abs(page.cursor_values[0])
        # The page needs its rows and one past them (which says there is another): as many
        # whole windows as that takes, after this one when resuming in it (its rest may be
        # empty), from its start on a first page.
        windows = -(-((page.limit or 0) + 1) // WINDOW) + (page.cursor_values is not None)
        probe = _STATEMENTS.get(("probe", *query.shape, forward), lambda: _probe(query, forward))
        begin = query.begin(conn, start, forward)
        starts = [start]
        for n in range(1, windows):
            values = query.params | {"_start": begin, "_offset": n * WINDOW}
            following = conn.execute(probe, values).scalar()
            if following is None:
                break
            starts.append(following)
        return _Window(starts, forward, begin)

    @property
    def shape(self) -> tuple[Any, ...]:
        return (len(self.starts), self.forward)

    @property
    def params(self) -> dict[str, int]:
        """The values `bounds` takes: each window's first key (the first window's: where its walk
        begins, `begin`), and each window's value (its first key, negated when counted from the
        end, so that windows always come in ascending order); and how many matches the windows
        hold at most."""
        found = {"_window_rows": len(self.starts) * WINDOW}
        found |= {f"_window{i}": s for i, s in enumerate(self.starts)} | {"_window0": self.begin}
        return found | {f"_value{i}": s if self.forward else -s for i, s in enumerate(self.starts)}

    def bounds(self, key: ColumnElement[int]) -> tuple[ColumnElement[bool], Any]:
        """Where the windows start, and each row's window value (named parameters: `params`)."""
        first, *rest = [bindparam(f"_window{i}", type_=Integer) for i in range(len(self.starts))]
        value = [bindparam(f"_value{i}", type_=Integer) for i in range(len(self.starts))]
        before = [key < s if self.forward else key > s for s in rest]
        beyond = key >= first if self.forward else key <= first
        if not rest:
            return beyond, value[0]
        return beyond, case(*zip(before, value[:-1], strict=True), else_=value[-1])


def _probe(query: _Query, forward: bool) -> Any:
    """The key of the match `_offset` places after `_start` in the index's order."""
    engine = query.engine
    start = bindparam("_start", type_=Integer)
    rows = engine.source if query.narrowing else engine.index  # filters read the documents
    return (
        select(engine.key)
        .select_from(rows)
        .where(
            engine.matches,
            *engine.held,
            *query.narrowing,
            engine.key >= start if forward else engine.key <= start,
        )
        .order_by(engine.key.asc() if forward else engine.key.desc())
        .limit(1)
        .offset(bindparam("_offset", type_=Integer))
    )


# Built statements, by what makes them differ (their values are parameters): building and
# hashing a statement costs more than running it (2 ms of a 3 ms search at 10^6).
_STATEMENTS: Memo[Any] = Memo(256)


def _windowed(page: PageRequest) -> bool:
    """Whether the page is ranked in windows: led by the score. The whole list at once (never
    asked of search: a whole CSV is read in pages) would be ranked whole."""
    return page.sort.keys[0][0] is WINDOW_FIELD and page.limit is not None


def _hits(query: _Query, window: _Window | None) -> Select[Any]:
    """The matches (of the page's windows, if ranked in windows), as a subquery named `hits`."""
    engine = query.engine
    where = [engine.matches, *engine.held, *query.narrowing]
    value: Any = literal(0, Integer)
    if window is not None:
        beyond, value = window.bounds(engine.key)
        where.append(beyond)
    matches = (
        select(
            DOCUMENT.c.pk,
            DOCUMENT.c.type,
            DOCUMENT.c.ref_id.label("id"),
            DOCUMENT.c.title,
            DOCUMENT.c.url,
            engine.score.cast(Float).label("score"),
            value.label("window"),
        )
        .select_from(engine.source)
        .where(*where)
    )
    if window is not None:
        # The windows' matches: the first `_window_rows` from their start, in key order, as the
        # probe counts them. Asked for a key range instead, PostgreSQL took every match of the
        # words from the GIN index and kept the range's (49 ms against 2 ms for `steel USA` at
        # 10^6).
        order = engine.key.asc() if window.forward else engine.key.desc()
        matches = matches.order_by(order).limit(bindparam("_window_rows", type_=Integer))
    hits = matches.subquery("hits")
    return select(*hits.c)


@cache
def _snippet_statement(name: str, ranked: bool) -> Any:
    """The statement that marks the matches in the page's documents on SQLite (`name`: the
    index). FTS5 marks the matches of the rows its query reads. Asked for a list of rows, it reads
    the query once per row (18 µs each at 10^6 documents); a ranked page's rows lie within a few
    windows of matches, which one read of that span finds (`+rowid`: filtered, not looked up)."""
    pick = "+rowid IN :pks AND rowid BETWEEN :first AND :last" if ranked else "rowid IN :pks"
    return text(
        f"SELECT rowid, snippet({name}, -1, char(2), char(3), '…', 24) FROM {name} "
        f"WHERE {name} MATCH :match AND {pick}"
    ).bindparams(bindparam("pks", expanding=True))


def _snippets(conn: Connection, query: _Query, pks: list[int], ranked: bool) -> dict[int, str]:
    """Snippets of the page's documents only: marking matches costs more than ranking them.
    `ranked`: the page is a ranked one, whose documents lie within a window or two of matches."""
    name = query.engine.fts
    if name is None:
        words = query.params["query"]
        lexemes = search_words.lexemes(search_words.written(conn, words))
        return search_snippet.snippets(conn, words, lexemes, pks)
    stmt = _snippet_statement(name, ranked)
    return {
        pk: raw
        for batch in batches(pks)
        for pk, raw in conn.execute(
            stmt, query.params | {"pks": batch, "first": min(batch), "last": max(batch)}
        )
    }


def snippet_html(raw: str | None) -> str:
    escaped = html.escape(raw or "")
    return escaped.replace(search_snippet.OPEN, "<mark>").replace(search_snippet.CLOSE, "</mark>")


def search(
    conn: Connection, q: str, filters: SearchFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    terms = _terms(q)
    if not terms:
        return [], None
    with _planned_for_its_words(conn):
        query, window, result = _matches(conn, terms, filters, page)
    # The snippets' statement reads the page's documents by key: one plan serves any words.
    pks = [r["pk"] for r in result.rows]
    snippets = _snippets(conn, query, pks, ranked=window is not None) if pks else {}
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


@contextmanager
def _planned_for_its_words(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, every statement that finds a search's matches planned for the words asked
    (the snippets' statement, which reads documents by key, is prepared as usual). psycopg prepares
    a statement it has run five times, and PostgreSQL may then keep one plan for any words; such
    a plan guesses how many documents they match, and guesses low: it then reads every match to
    find the first in key order (10 ms a probe at 10^5, where the plan for the words asked walks
    the key in 1.5 ms). A statement not prepared is planned for its values each time. (Asking
    PostgreSQL instead, `SET LOCAL plan_cache_mode`, cost a round trip a search.)"""
    if conn.dialect.name != "postgresql":
        yield
        return
    driver = conn.connection.dbapi_connection
    kept = driver.prepare_threshold  # type: ignore[union-attr]
    driver.prepare_threshold = None  # type: ignore[union-attr]
    try:
        yield
    finally:
        driver.prepare_threshold = kept  # type: ignore[union-attr]


def _matches(
    conn: Connection, terms: list[str], filters: SearchFilters, page: PageRequest
) -> tuple[_Query, _Window | None, PageResult]:
    """The page of matches: the search, where its windows are, and the page's rows."""
    query = _Query.of(conn, terms, filters)
    window = _Window.at(conn, query, page) if _windowed(page) else None
    params = query.params | ({} if window is None else window.params)
    shape = ("search", *query.shape, None if window is None else window.shape)
    return query, window, run_page(conn, lambda: _hits(query, window), page, params, shape)

"""How a match scores on SQLite: FTS5's bm25, with each phrase's document count known ahead.

bm25 weighs each phrase by how many documents hold it. FTS5's own `bm25()` counts them on every
query by walking each phrase's whole list of matches (up to 40 ms for a common word at 10^6
documents). Where the compiled ranker is built (app/native), the counts are taken once per
loaded dataset, kept here, and given to `bm25_given`, which scores as `bm25()` does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    bindparam,
    func,
    literal_column,
    text,
)
from sqlalchemy.exc import DBAPIError

from app.memo import Memo
from app.native import ranker
from app.queries.dataset import dataset_loaded

WEIGHTS = (4.0, 1.0)  # of a match in the title, in the body
# (what was loaded when, index, phrase) -> documents holding the phrase; let go whole when full
_COUNTS: Memo[int] = Memo(20_000)
_RANKER_KEY = "search_rank.ranker"  # whether a connection has the compiled ranker


def counts(conn: Connection, index: str, phrases: list[str]) -> list[int] | None:
    """How many documents of `index` hold each phrase (FTS5 phrases, in the order of the MATCH
    expression), when this connection has the compiled ranker to give them to; else None."""
    if _ranker_here(conn, index) is None:
        return None
    # Only a load writes search documents, and every load that writes any records when.
    loaded = dataset_loaded(conn)
    return [_documents(conn, (*loaded, index, phrase)) for phrase in phrases]


def bound(counts: list[int] | None) -> dict[str, int]:
    """The parameters `score` takes: the counts."""
    return {f"documents_{i}": n for i, n in enumerate(counts or [])}


def score(index: str, counted: int | None) -> ColumnElement[float]:
    """A match's score in `index`: bm25, higher is better. `counted`: how many phrases' counts
    (`counts`) it is given as parameters (`bound`); None: FTS5's bm25() counts them itself."""
    fts: ColumnElement[Any] = literal_column(index)
    name = ranker()
    if counted is None or name is None:
        return -func.bm25(fts, *WEIGHTS, type_=Float)
    given = [bindparam(f"documents_{i}", type_=Integer) for i in range(counted)]
    ranked: ColumnElement[float] = getattr(func, name)(fts, *WEIGHTS, *given, type_=Float)
    return -ranked


def _ranker_here(conn: Connection, index: str) -> str | None:
    """The compiled ranker's name if this connection has it (it has when it was opened after
    the ranker was registered: app.db registers it before any), else None."""
    name = ranker()
    if name is None:
        return None
    known = conn.connection.info
    if (here := known.get(_RANKER_KEY)) is None:
        try:  # FTS5 looks an auxiliary function up when the statement is prepared
            conn.exec_driver_sql(f"SELECT {name}({index}, 1.0) FROM {index} WHERE 0")
            here = known[_RANKER_KEY] = True
        except DBAPIError:
            here = known[_RANKER_KEY] = False
    return name if here else None


def _documents(conn: Connection, key: tuple[Any, ...]) -> int:
    """How many documents of the index hold the phrase (the key's last two items); counted
    only when the memo does not know it."""
    index, phrase = key[-2:]

    def count() -> int:
        sql = text(f"SELECT count(*) FROM {index} WHERE {index} MATCH :phrase")
        return int(conn.execute(sql, {"phrase": phrase}).scalar_one())

    return _COUNTS.get(key, count)

"""Where a PostgreSQL search's walk may begin: past the keys where no match can be.

A ranked page reads a query's matches in key order (the windows of app/queries/search.py), and
PostgreSQL finds them by walking the key's index and testing each document: about a microsecond
a document, match or not. A query whose words are all required (joined by AND, or in phrases)
matches no document before the first that holds the word that appears latest, nor after the last
that holds the word that stops earliest. Those ends are looked up once per word and per load
(by the key's index, or GIN for a rare word), and a walk starts from there. A query with OR or
NOT is walked as before. At 10^6 documents, `autos JPN`, whose `jpn` first occurs at key
72,001, walked 73,500 documents (66 ms) and now walks 1,500 (1.3 ms): docs/PERFORMANCE.md,
"Search's walk begins where its words do (session 19)". SQLite needs none of this: FTS5 joins
its words' lists of documents, which are in key order.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import Connection, Integer, String, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import TSQUERY

from app.memo import Memo
from app.models import SearchDocument
from app.queries import search_words
from app.queries.dataset import dataset_loaded

DOCUMENT = SearchDocument.__table__  # type: ignore[attr-defined]
_NOWHERE = -1  # the end of a word that no document holds

# (what was loaded when, lexeme, forward) -> its first (forward) or last key; let go whole when full
_ENDS: Memo[int] = Memo(20_000)


def begin(conn: Connection, query: str, start: int, forward: bool) -> int:
    """The key from which a walk for `query` (the words, as the search reads them:
    search_words.tsquery) may begin, at or past `start` in its direction (`forward`: ascending
    keys), skipping no match."""
    lexemes = search_words.required(search_words.written(conn, query))
    if not lexemes:
        return start
    loaded = dataset_loaded(conn)  # only a load writes search documents
    ends = [
        _ENDS.get((*loaded, lexeme, forward), partial(_end, conn, lexeme, forward))
        for lexeme in lexemes
    ]
    if _NOWHERE in ends:  # nothing matches; GIN says so without a walk
        return start
    return max(start, *ends) if forward else min(start, *ends)


def _end(conn: Connection, lexeme: str, forward: bool) -> int:
    """The first key (forward) or the last of the documents that hold `lexeme`, of any version:
    a search's documents are among them."""
    tsv: Any = literal_column(f"{DOCUMENT.name}.tsv")
    word = cast(bindparam("lexeme", type_=String), TSQUERY)
    end = func.min(DOCUMENT.c.pk) if forward else func.max(DOCUMENT.c.pk)
    found = conn.execute(select(end.cast(Integer)).where(tsv.op("@@")(word)), {"lexeme": lexeme})
    key = found.scalar()
    return _NOWHERE if key is None else int(key)

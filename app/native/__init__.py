"""Compiled helpers, built from the C beside this file when the package is installed (pyproject's
`ext-modules`, optional). Each has a fallback: a machine that could not build one answers the
same, more slowly."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from functools import cache


@cache
def ranker() -> str | None:
    """The name of the SQL function `bm25_given` (fts5rank.c: FTS5's bm25 with each phrase's
    document count given), registered from now on for every SQLite connection this process
    opens; None when it was not built, or this process's SQLite does not run it."""
    try:
        from app.native import fts5rank  # type: ignore[attr-defined]
    except ImportError:
        return None
    name: str = fts5rank.install()
    return name if _agrees_with_bm25(name) else None


def _agrees_with_bm25(name: str) -> bool:
    """Whether `name` runs on a new connection and scores as bm25() does."""
    with closing(sqlite3.connect(":memory:")) as db:
        try:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
            db.executemany("INSERT INTO t VALUES (?, ?)", [("x y", "x"), ("y", "z"), ("z", "")])
            given, counted = db.execute(
                f"SELECT {name}(t, 4.0, 1.0, 1), bm25(t, 4.0, 1.0) FROM t WHERE t MATCH 'x'"
            ).fetchone()
        except sqlite3.Error:
            return False
    return bool(given == counted)


Cut = Callable[[str, bytes, Sequence[int]], str]


@cache
def snippet_cutter(max_words: int, word: int, open_: str, close: str, delimiter: str) -> Cut | None:
    """snippetcut.c's `cut`, given the rule's constants (app/queries/search_snippet.py: the
    rule is written there, and this answers as its `cut` does); None when it was not built."""
    try:
        from app.native import snippetcut  # type: ignore[attr-defined]
    except ImportError:
        return None
    snippetcut.configure(max_words, word, open_, close, delimiter)
    cut: Cut = snippetcut.cut
    return cut

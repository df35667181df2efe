"""What each part of a ranked search costs on a SQLite bench database, in milliseconds a query:
the key-order probe, ranking a window of 1,000 matches with FTS5's bm25() and with bm25_given
(app/native/fts5rank.c, each phrase's document count given), and marking a page of 50 with
snippet() by rowid list or by one read of the page's span. Also checks that both rankings give
the same page.

Usage: .venv/bin/python bench/search_parts.py var/bench/korus-1000000.db [--queries 100]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from compare import COUNTRIES, WORDS  # noqa: E402

from app.native import ranker  # noqa: E402
from app.queries.search import WINDOW  # noqa: E402

RANK = (
    "SELECT d.pk, {score} AS score FROM search_document d "
    "JOIN search_fts ON search_fts.rowid = d.pk "
    "WHERE search_fts MATCH :q AND search_fts.rowid >= 0 AND search_fts.rowid < :end "
    "ORDER BY score DESC, d.ref_id LIMIT 51"
)
SNIPPET = (
    "SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', 24) FROM search_fts "
    "WHERE search_fts MATCH ? AND {pick}"
)


def phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    name = ranker()  # registers the function for the connection opened next
    if name is None:
        sys.exit("the compiled ranker is not built (make install)")
    db = sqlite3.connect(args.db)
    rng = random.Random(7)  # the same two-word queries as compare.py's search scenario
    queries = [[rng.choice(WORDS), rng.choice(COUNTRIES)] for _ in range(args.queries)]
    counts = {
        w: db.execute(
            "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (phrase(w),)
        ).fetchone()[0]
        for w in {w for q in queries for w in q}
    }
    spent = dict.fromkeys(
        ["probe", "rank, bm25()", f"rank, {name}", "snippets by rowid list", "snippets by span"],
        0.0,
    )
    differing = 0

    def timed(part: str, sql: str, params: tuple[object, ...] | dict[str, object]) -> list[tuple]:
        began = time.perf_counter()
        rows = db.execute(sql, params).fetchall()
        spent[part] += time.perf_counter() - began
        return rows

    for words in queries:
        q = " ".join(phrase(w) for w in words)
        probe = (
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid LIMIT 1 OFFSET ?"
        )
        end = timed("probe", probe, (q, WINDOW))
        bounds = {"q": q, "end": end[0][0] if end else 2**62}
        page = timed("rank, bm25()", RANK.format(score="-bm25(search_fts, 4.0, 1.0)"), bounds)
        given = f"-{name}(search_fts, 4.0, 1.0, {', '.join(str(counts[w]) for w in words)})"
        differing += page != timed(f"rank, {name}", RANK.format(score=given), bounds)
        pks = [pk for pk, _ in page[:50]]
        if not pks:
            continue
        marks = ",".join("?" * len(pks))
        timed("snippets by rowid list", SNIPPET.format(pick=f"rowid IN ({marks})"), (q, *pks))
        span = f"+rowid IN ({marks}) AND rowid BETWEEN ? AND ?"
        timed("snippets by span", SNIPPET.format(pick=span), (q, *pks, min(pks), max(pks)))
    for part, seconds in spent.items():
        print(f"{part:26} {seconds / len(queries) * 1000:7.2f} ms a query")
    print(f"pages that differ between the two rankings: {differing} of {len(queries)}")


if __name__ == "__main__":
    main()

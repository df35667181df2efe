"""Keeping each database's full-text index in step with `search_document` after a load writes it.

SQLite: triggers (migrations 0016, 0018) note in `search_fts_pending` each document version to
forget (its old words: an external-content FTS5 index needs them to remove its entries) and each
row to index, with its stage. `catch_up` applies the notes in bulk to each index, from the notes
of the versions it holds: for each document, its first note, if it is a version to forget, is the
version the index holds; the rows noted to index are indexed as they are now. When the notes
cover a large share of the documents, rebuilding each index from its content is cheaper than
forgetting and indexing each one (docs/PERFORMANCE.md).

PostgreSQL: each row's `tsv` is a generated column, so the index is always in step; the planner's
statistics on it are refreshed (migration 0015)."""

from __future__ import annotations

from sqlalchemy import Connection, TextClause, text

from app.vocabulary import SEARCH_INDEX, SEARCH_VERSIONS_INDEX

# Above this share of the documents noted, the index is rebuilt whole (a first load always is).
REBUILD_SHARE = 0.2

# How many bytes of words FTS5 gathers in memory before it writes them out as a new segment of
# an index (its `hashsize`, 1 MB unless set). Fewer, larger segments leave it less to merge:
# rebuilding an index of 1.68 million documents took 6.4-6.7 s instead of 9.4-9.7 s at 16 MB
# (docs/PERFORMANCE.md, session 18). The memory is the loader's, while it writes an index.
GATHER_BYTES = 16 * 1024 * 1024

# SQLite's indexes (migration 0018): what a search without `as_of` reads, the documents as they
# stand (stage 0); and every version of them, which `as_of` reads. Each: the versions it holds.
INDEXES = {SEARCH_INDEX: "= 0", SEARCH_VERSIONS_INDEX: ">= 0"}


def _forget(index: str, stages: str) -> TextClause:
    # each document's first note among this index's versions: if it is a version to forget, it
    # is the version the index holds
    return text(
        f"INSERT INTO {index}({index}, rowid, title, body) "
        "SELECT 'delete', p.pk, p.title, p.body FROM search_fts_pending AS p "
        "WHERE p.action = 'forget' AND p.seq IN "
        f"(SELECT min(seq) FROM search_fts_pending WHERE stage {stages} GROUP BY pk) "
        "ORDER BY p.seq"
    )


def _index(index: str, stages: str) -> TextClause:
    return text(
        f"INSERT INTO {index}(rowid, title, body) "
        "SELECT d.pk, d.title, d.body FROM search_document AS d "
        "WHERE d.pk IN (SELECT pk FROM search_fts_pending WHERE action = 'index') "
        f"AND d.stage {stages} ORDER BY d.pk"
    )


_CLEAR = text("DELETE FROM search_fts_pending")


def catch_up(conn: Connection, changed: bool) -> None:
    """Bring the full-text indexes up to the documents as they are in this transaction;
    `changed`: whether any search document was written."""
    if conn.dialect.name != "sqlite":
        if changed:  # search plans on the words the documents now hold
            conn.execute(text("ANALYZE search_document"))
        return
    noted = conn.execute(text("SELECT count(*) FROM search_fts_pending")).scalar_one()
    if not noted:
        return
    documents = conn.execute(text("SELECT count(*) FROM search_document")).scalar_one()
    for index, stages in INDEXES.items():
        _gather_in_memory(conn, index)
        if noted > REBUILD_SHARE * documents:
            conn.execute(text(f"INSERT INTO {index}({index}) VALUES ('rebuild')"))
        else:
            conn.execute(_forget(index, stages))
            conn.execute(_index(index, stages))
    conn.execute(_CLEAR)


def _gather_in_memory(conn: Connection, index: str) -> None:
    """Give the index GATHER_BYTES to gather words in, once: FTS5 keeps it in its own
    configuration table, so only a database that has not got it yet is written to."""
    kept = conn.execute(text(f"SELECT v FROM {index}_config WHERE k = 'hashsize'")).scalar()
    if kept != GATHER_BYTES:
        conn.execute(
            text(f"INSERT INTO {index}({index}, rank) VALUES ('hashsize', :bytes)"),
            {"bytes": GATHER_BYTES},
        )

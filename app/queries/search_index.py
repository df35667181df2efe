"""Keeping each database's full-text index in step with `search_document` after a load writes it.

SQLite: triggers (migration 0016) note in `search_fts_pending` each document version to forget
(its old words: an external-content FTS5 index needs them to remove its entries) and each row to
index. `catch_up` applies the notes in bulk: for each document, its first note, if it is a
version to forget, is the version the index holds; the rows noted to index are indexed as they
are now. When the notes cover a large share of the documents, rebuilding the whole index from
its content is cheaper than forgetting and indexing each one (docs/PERFORMANCE.md).

PostgreSQL: each row's `tsv` is a generated column, so the index is always in step; the planner's
statistics on it are refreshed (migration 0015)."""

from __future__ import annotations

from sqlalchemy import Connection, text

# Above this share of the documents noted, the index is rebuilt whole (a first load always is).
REBUILD_SHARE = 0.2

_FORGET = text(
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "SELECT 'delete', p.pk, p.title, p.body FROM search_fts_pending AS p "
    "WHERE p.action = 'forget' "
    "AND p.seq IN (SELECT min(seq) FROM search_fts_pending GROUP BY pk) "
    "ORDER BY p.seq"
)
_INDEX = text(
    "INSERT INTO search_fts(rowid, title, body) "
    "SELECT d.pk, d.title, d.body FROM search_document AS d "
    "WHERE d.pk IN (SELECT pk FROM search_fts_pending WHERE action = 'index') "
    "ORDER BY d.pk"
)
_REBUILD = text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
_CLEAR = text("DELETE FROM search_fts_pending")


def catch_up(conn: Connection, changed: bool) -> None:
    """Bring the full-text index up to the documents as they are in this transaction;
    `changed`: whether any search document was written."""
    if conn.dialect.name != "sqlite":
        if changed:  # search plans on the words the documents now hold
            conn.execute(text("ANALYZE search_document"))
        return
    noted = conn.execute(text("SELECT count(*) FROM search_fts_pending")).scalar_one()
    if not noted:
        return
    documents = conn.execute(text("SELECT count(*) FROM search_document")).scalar_one()
    if noted > REBUILD_SHARE * documents:
        conn.execute(_REBUILD)
    else:
        conn.execute(_FORGET)
        conn.execute(_INDEX)
    conn.execute(_CLEAR)

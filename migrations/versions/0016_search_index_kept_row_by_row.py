"""search index kept row by row: SQLite's full-text index follows the search documents that change

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24 05:20:00

`search_fts` (migration 0004) is an external-content FTS5 index over `search_document`. The loader
rebuilt all of it whenever any search document changed: at 10^6 statistics, 1.35 million
documents indexed again for an edit of one. Now triggers note each document written in
`search_fts_pending` (a version to forget: the old words, which an external-content index needs
to remove its entries; or a row to index), and the loader applies the notes in two statements
once the documents are written (app/queries/search_index.py), so that a reload rewrites the index
entries of the documents it changed and nothing else. The notes are applied in bulk, not by the
triggers themselves: FTS5 flushes its pending terms at the end of every statement, so indexing
row by row from a trigger made a first load four times slower. The index must agree with its
content when the triggers are created; every load since 0004 left it so. PostgreSQL's `tsv` is
a generated column: kept per row already.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FORGET = (
    "INSERT INTO search_fts_pending(action, pk, title, body) "
    "VALUES ('forget', old.pk, old.title, old.body);"
)
_INDEX = "INSERT INTO search_fts_pending(action, pk) VALUES ('index', new.pk);"
TRIGGERS = {
    "search_document_indexed": f"AFTER INSERT ON search_document BEGIN {_INDEX} END",
    "search_document_forgotten": f"AFTER DELETE ON search_document BEGIN {_FORGET} END",
    # only a change of the indexed words touches the index
    "search_document_reindexed": (
        f"AFTER UPDATE OF pk, title, body ON search_document BEGIN {_FORGET} {_INDEX} END"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE search_fts_pending ("
            "seq INTEGER PRIMARY KEY, "
            "action TEXT NOT NULL CHECK (action IN ('forget', 'index')), "
            "pk INTEGER NOT NULL, title TEXT, body TEXT)"
        )
        for name, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_fts_pending")

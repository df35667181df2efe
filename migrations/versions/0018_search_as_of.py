"""search as of a day: a fact's search document in each version its sources made

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 08:20:00

`as_of` answers as things stood when only the sources published by a day existed, and a fact then
shows only what those sources say. Search matched and quoted the whole document instead: a
person cited by an early and a later source was found under an early `as_of` by a word only the
later source prints, with that word in the snippet. A fact whose sources were published on
different days now has one search document per version: `stage` 0 is the document as it stands,
1, 2, ... the earlier versions in date order; each holds from `first_published` until the day
before `until` (None: from then on). A fact whose sources all count on one day keeps one
document, as before.

On SQLite, `search_fts` indexes the documents as they stand (the view `search_current`), so that
a search without `as_of` reads and weighs exactly what it did; `search_versions_fts` indexes every
version, for `as_of`. The triggers of migration 0016 note each version's stage, so that the
loader keeps both in step (app/queries/search_index.py). PostgreSQL's `tsv` is a column of each
row: a search filters on `stage` there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _fts(name: str, content: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {name} USING fts5("
        f"title, body, content='{content}', content_rowid='pk', {_TOKENIZE})"
    )


def _triggers(stage: bool) -> dict[str, str]:
    """Migration 0016's triggers; with `stage`, each note says which version it is of."""
    column, old, new = (", stage", ", old.stage", ", new.stage") if stage else ("", "", "")
    forget = (
        f"INSERT INTO search_fts_pending(action, pk, title, body{column}) "
        f"VALUES ('forget', old.pk, old.title, old.body{old});"
    )
    index = f"INSERT INTO search_fts_pending(action, pk{column}) VALUES ('index', new.pk{new});"
    return {
        "search_document_indexed": f"AFTER INSERT ON search_document BEGIN {index} END",
        "search_document_forgotten": f"AFTER DELETE ON search_document BEGIN {forget} END",
        "search_document_reindexed": (
            f"AFTER UPDATE OF pk, title, body{column} ON search_document BEGIN {forget} {index} END"
        ),
    }


def _read_again() -> None:
    # what a load writes changed: the next load reads the seed again, even if its files are those
    # of the last load (migration 0014)
    op.execute("UPDATE dataset SET seed_digest = NULL")


def upgrade() -> None:
    _read_again()
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # SQLite rebuilds the table below, and drops its triggers with it
        for name in _triggers(stage=False):
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("search_document") as batch:
        batch.add_column(sa.Column("stage", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("until", sa.Date(), nullable=True))
        batch.drop_constraint("uq_search_document_type_ref_id", type_="unique")
        batch.create_unique_constraint(
            "uq_search_document_type_ref_id_stage", ["type", "ref_id", "stage"]
        )
    if not sqlite:  # the planner's guess for a column it has not read is a bad one
        op.execute("ANALYZE search_document")
        return
    op.execute("ALTER TABLE search_fts_pending ADD COLUMN stage INTEGER NOT NULL DEFAULT 0")
    op.execute(
        "CREATE VIEW search_current AS SELECT pk, title, body FROM search_document WHERE stage = 0"
    )
    op.execute("DROP TABLE search_fts")
    op.execute(_fts("search_fts", "search_current"))
    op.execute(_fts("search_versions_fts", "search_document"))
    for name in ("search_fts", "search_versions_fts"):
        op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    op.execute("DELETE FROM search_fts_pending")  # both indexes hold every document as it is
    for name, body in _triggers(stage=True).items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    _read_again()
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in _triggers(stage=True):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE search_versions_fts")
        op.execute("DROP TABLE search_fts")
        op.execute("DROP VIEW search_current")
        op.execute("ALTER TABLE search_fts_pending DROP COLUMN stage")
    op.execute("DELETE FROM search_document WHERE stage <> 0")
    with op.batch_alter_table("search_document") as batch:
        batch.drop_constraint("uq_search_document_type_ref_id_stage", type_="unique")
        batch.create_unique_constraint("uq_search_document_type_ref_id", ["type", "ref_id"])
        batch.drop_column("until")
        batch.drop_column("stage")
    if sqlite:
        op.execute(_fts("search_fts", "search_document"))
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        op.execute("DELETE FROM search_fts_pending")
        for name, body in _triggers(stage=False).items():
            op.execute(f"CREATE TRIGGER {name} {body}")

"""search as of a day: a fact's search document in each version its sources made

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 08:20:00

`as_of` answers as things stood when only the sources published by a day existed, and a fact then
shows only what those sources say. Search matched and quoted the whole document instead: a
person cited by an early and a later source was found under an early `as_of` by a word only the
later source prints, with that word in the snippet. A fact whose sources were published on
different days now has one search document per version: `stage` 0 is the document as it stands
(the one a search without `as_of` reads), 1, 2, ... the earlier versions in date order; each
holds from `first_published` until the day before `until` (None: from then on). A fact whose
sources all count on one day keeps one document, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite rebuilds the table to change its unique key, which drops its triggers: the ones
# migration 0016 made, created again here exactly as it made them.
_FORGET = (
    "INSERT INTO search_fts_pending(action, pk, title, body) "
    "VALUES ('forget', old.pk, old.title, old.body);"
)
_INDEX = "INSERT INTO search_fts_pending(action, pk) VALUES ('index', new.pk);"
_TRIGGERS = {
    "search_document_indexed": f"AFTER INSERT ON search_document BEGIN {_INDEX} END",
    "search_document_forgotten": f"AFTER DELETE ON search_document BEGIN {_FORGET} END",
    "search_document_reindexed": (
        f"AFTER UPDATE OF pk, title, body ON search_document BEGIN {_FORGET} {_INDEX} END"
    ),
}


def _triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, body in _TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f"CREATE TRIGGER {name} {body}")


def upgrade() -> None:
    with op.batch_alter_table("search_document") as batch:
        batch.add_column(sa.Column("stage", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("until", sa.Date(), nullable=True))
        batch.drop_constraint("uq_search_document_type_ref_id", type_="unique")
        batch.create_unique_constraint(
            "uq_search_document_type_ref_id_stage", ["type", "ref_id", "stage"]
        )
        # a search without `as_of` leaves out the earlier versions, found by this index
        batch.create_index("ix_search_document_stage", ["stage"])
    _triggers()


def downgrade() -> None:
    op.execute("DELETE FROM search_document WHERE stage <> 0")
    with op.batch_alter_table("search_document") as batch:
        batch.drop_index("ix_search_document_stage")
        batch.drop_constraint("uq_search_document_type_ref_id_stage", type_="unique")
        batch.create_unique_constraint("uq_search_document_type_ref_id", ["type", "ref_id"])
        batch.drop_column("until")
        batch.drop_column("stage")
    _triggers()

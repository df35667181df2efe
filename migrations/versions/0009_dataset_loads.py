"""dataset loads: every load that changed the data, with what it added, changed and removed
(the last 100), for `/v1/changes`

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 19:20:00

A database loaded before this revision has no history: `/v1/changes` starts at the next load.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_load",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("previous_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_dataset_load")),
    )
    op.create_index(op.f("ix_dataset_load_version"), "dataset_load", ["version"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dataset_load_version"), table_name="dataset_load")
    op.drop_table("dataset_load")

"""facet counts: each whole list's value counts per faceted column, kept by the loader

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 19:30:00

Filled by the next `korus-facts load`; until then facets are counted from the rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facet_count",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("facet", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_facet_count")),
        sa.UniqueConstraint("facet", "position", name=op.f("uq_facet_count_facet_position")),
    )
    op.create_index(op.f("ix_facet_count_facet"), "facet_count", ["facet"])


def downgrade() -> None:
    op.drop_index(op.f("ix_facet_count_facet"), table_name="facet_count")
    op.drop_table("facet_count")

"""series: each metric, reporter, partner and scope as one reconciled series, built by the loader

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:10:00

The table is filled by the next `korus-facts load`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.schema import sort_index_sql

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("metric_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reporter", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("partner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_series")),
        sa.UniqueConstraint("id", name=op.f("uq_series_id")),
    )
    op.execute(sort_index_sql("ix_sort_series", op.get_bind().dialect.name))


def downgrade() -> None:
    op.execute("DROP INDEX ix_sort_series")
    op.drop_table("series")

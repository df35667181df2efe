"""seed digest: the loaded dataset remembers the digest of the seed files it was loaded from

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 21:50:00

A load of byte-identical seed files (with the same code) is then answered without reading them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dataset", sa.Column("seed_digest", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("seed_digest")

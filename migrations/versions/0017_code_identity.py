"""code identity: the loaded dataset remembers which code built its stored documents

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 06:35:00

A reload by the same code rebuilds the stored public JSON of the statistics whose rows or
citations it changed, and no other; a load by other code (app/identity.py) rebuilds them all,
since the way a document is built may have changed. Before 0017 every load rebuilt them all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "dataset", sa.Column("code_identity", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("dataset") as batch:
        batch.drop_column("code_identity")

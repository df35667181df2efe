"""series summaries: a list of series carries each one's summary, not every figure

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 21:30:00

Existing rows are summarised from their stored documents, so a list answers before the next load.
"""

from collections.abc import Sequence

import orjson
import sqlalchemy as sa
from alembic import op

from app.queries.series import summarise

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch copy would drop the expression sort index), filled below
    op.add_column("series", sa.Column("summary", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    series = sa.table("series", sa.column("pk"), sa.column("document"), sa.column("summary"))
    for pk, document in conn.execute(sa.select(series.c.pk, series.c.document)).all():
        summary = orjson.dumps(summarise(orjson.loads(document))).decode()
        conn.execute(sa.update(series).where(series.c.pk == pk).values(summary=summary))
    if conn.dialect.name == "postgresql":
        op.alter_column("series", "summary", server_default=None)


def downgrade() -> None:
    op.drop_column("series", "summary")

"""sort indexes: every list's default order served by an index, so a deep page costs a first page

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:40:00

Statistics keep their metric's slug beside `metric_pk` (`metric_id`), so that the default order,
metric then period, is one index instead of a join and a sort; they also keep their public JSON (`document`, written
by the loader), so that a page of them is read, not built. Nullable sort keys are ordered as
`coalesce(column, sentinel)` (see app/pagination.py), and the indexes say exactly that. These
indexes live outside the models (expression indexes do not round-trip through autogenerate);
`app.schema.SORT_INDEXES` lists them and `include_object` leaves them out of comparisons.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.schema import sort_index_sql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The indexes this revision made (later revisions add the indexes of their own tables).
_NAMES = (
    "ix_sort_statistic",
    "ix_sort_source",
    "ix_sort_provision",
    "ix_sort_meeting",
    "ix_sort_milestone",
)


def upgrade() -> None:
    with op.batch_alter_table("statistic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metric_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("document", sa.Text(), nullable=True))
    op.execute(
        "UPDATE statistic SET metric_id = (SELECT id FROM metric WHERE metric.pk = statistic.metric_pk)"
    )
    with op.batch_alter_table("statistic", schema=None) as batch_op:
        batch_op.alter_column("metric_id", existing_type=sa.String(), nullable=False)
    for name in _NAMES:
        op.execute(sort_index_sql(name, op.get_bind().dialect.name))


def downgrade() -> None:
    for name in _NAMES:
        op.execute(f"DROP INDEX {name}")
    with op.batch_alter_table("statistic", schema=None) as batch_op:
        batch_op.drop_column("document")
        batch_op.drop_column("metric_id")

"""readings and source errors: checks keep every reading of their claim; statistics keep the
curator's mark of a garbled sentence and the rules set aside for them, with the reasons

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:30:00

A check with several readings has no single computed value, so `computed` may be null. The new
columns are filled by the next `korus-facts load`.
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Batch mode on SQLite copies arithmetic_check and reflects `statistic` (its foreign key points
# there), warning that it cannot read statistic's expression index: only arithmetic_check is
# copied, so that index is untouched. `statistic` itself gets plain ALTER TABLE statements.
_REFLECTION_WARNING = "Skipped unsupported reflection of expression-based index"


def upgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _REFLECTION_WARNING)
        with op.batch_alter_table("arithmetic_check", schema=None) as batch_op:
            batch_op.add_column(sa.Column("readings", sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column("source_errors", sa.JSON(), nullable=True))
            batch_op.alter_column("computed", existing_type=sa.Float(), nullable=True)
    op.add_column("statistic", sa.Column("source_error", sa.JSON(), nullable=True))
    op.add_column("statistic", sa.Column("exemptions", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("statistic", "exemptions")
    op.drop_column("statistic", "source_error")
    op.execute("UPDATE arithmetic_check SET computed = 0 WHERE computed IS NULL")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _REFLECTION_WARNING)
        with op.batch_alter_table("arithmetic_check", schema=None) as batch_op:
            batch_op.alter_column("computed", existing_type=sa.Float(), nullable=False)
            batch_op.drop_column("source_errors")
            batch_op.drop_column("readings")

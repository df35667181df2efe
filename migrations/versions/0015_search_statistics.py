"""search statistics: PostgreSQL keeps 10,000 most common lexemes of the search vectors

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 00:20:00

Search probes the first matches in key order (app/queries/search.py). With the default target
(100) a word absent from the commonest ~90 is guessed at 0.5% of the documents, so a query for a
rare word was planned as a walk of every row in key order (500 ms at 10^6) instead of a GIN
bitmap (2 ms). With 1,000, the guess for a rare word is below 0.01%. SQLite has no such plan.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TARGET = 1000


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE search_document ALTER COLUMN tsv SET STATISTICS {TARGET}")
        op.execute("ANALYZE search_document")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_document ALTER COLUMN tsv SET STATISTICS -1")

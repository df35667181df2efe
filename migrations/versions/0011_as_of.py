"""as of: the day by which each source was surely published, and each fact's earliest such day,
so that `as_of` is one indexed comparison

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 19:40:00

The columns are filled by the next `korus-facts load` (before it, `as_of` finds nothing).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("series", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_series_first_published"), "series", ["first_published"])
    op.add_column("meeting", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_meeting_first_published"), "meeting", ["first_published"])
    op.add_column("milestone", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_milestone_first_published"), "milestone", ["first_published"])
    op.add_column("organization", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_organization_first_published"), "organization", ["first_published"])
    op.add_column("person", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_person_first_published"), "person", ["first_published"])
    op.add_column("provision", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_provision_first_published"), "provision", ["first_published"])
    op.add_column("search_document", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_search_document_first_published"), "search_document", ["first_published"])
    op.add_column("source", sa.Column("published_last", sa.Date(), nullable=True))
    op.create_index(op.f("ix_source_published_last"), "source", ["published_last"])
    op.add_column("statement", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_statement_first_published"), "statement", ["first_published"])
    op.add_column("statistic", sa.Column("first_published", sa.Date(), nullable=True))
    op.create_index(op.f("ix_statistic_first_published"), "statistic", ["first_published"])


def downgrade() -> None:
    op.drop_index(op.f("ix_series_first_published"), table_name="series")
    op.drop_column("series", "first_published")
    op.drop_index(op.f("ix_meeting_first_published"), table_name="meeting")
    op.drop_column("meeting", "first_published")
    op.drop_index(op.f("ix_milestone_first_published"), table_name="milestone")
    op.drop_column("milestone", "first_published")
    op.drop_index(op.f("ix_organization_first_published"), table_name="organization")
    op.drop_column("organization", "first_published")
    op.drop_index(op.f("ix_person_first_published"), table_name="person")
    op.drop_column("person", "first_published")
    op.drop_index(op.f("ix_provision_first_published"), table_name="provision")
    op.drop_column("provision", "first_published")
    op.drop_index(op.f("ix_search_document_first_published"), table_name="search_document")
    op.drop_column("search_document", "first_published")
    op.drop_index(op.f("ix_source_published_last"), table_name="source")
    op.drop_column("source", "published_last")
    op.drop_index(op.f("ix_statement_first_published"), table_name="statement")
    op.drop_column("statement", "first_published")
    op.drop_index(op.f("ix_statistic_first_published"), table_name="statistic")
    op.drop_column("statistic", "first_published")

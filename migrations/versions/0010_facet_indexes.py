"""facet indexes: every field `facets=` counts is indexed, so the database groups by the index

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_meeting_kind"), "meeting", ["kind"])
    op.create_index(op.f("ix_organization_country"), "organization", ["country"])
    op.create_index(op.f("ix_organization_kind"), "organization", ["kind"])
    op.create_index(op.f("ix_person_country"), "person", ["country"])
    op.create_index(op.f("ix_provision_category"), "provision", ["category"])
    op.create_index(op.f("ix_provision_instrument"), "provision", ["instrument"])
    op.create_index(op.f("ix_series_partner"), "series", ["partner"])
    op.create_index(op.f("ix_series_reporter"), "series", ["reporter"])
    op.create_index(op.f("ix_series_scope"), "series", ["scope"])
    op.create_index(op.f("ix_source_kind"), "source", ["kind"])
    op.create_index(op.f("ix_source_publisher"), "source", ["publisher"])
    op.create_index(op.f("ix_statement_kind"), "statement", ["kind"])
    op.create_index(op.f("ix_statement_medium"), "statement", ["medium"])
    op.create_index(op.f("ix_statistic_partner"), "statistic", ["partner"])
    op.create_index(op.f("ix_statistic_reporter"), "statistic", ["reporter"])
    op.create_index(op.f("ix_statistic_scope"), "statistic", ["scope"])
    op.create_index(op.f("ix_statistic_unit"), "statistic", ["unit"])


def downgrade() -> None:
    op.drop_index(op.f("ix_statistic_unit"), table_name="statistic")
    op.drop_index(op.f("ix_statistic_scope"), table_name="statistic")
    op.drop_index(op.f("ix_statistic_reporter"), table_name="statistic")
    op.drop_index(op.f("ix_statistic_partner"), table_name="statistic")
    op.drop_index(op.f("ix_statement_medium"), table_name="statement")
    op.drop_index(op.f("ix_statement_kind"), table_name="statement")
    op.drop_index(op.f("ix_source_publisher"), table_name="source")
    op.drop_index(op.f("ix_source_kind"), table_name="source")
    op.drop_index(op.f("ix_series_scope"), table_name="series")
    op.drop_index(op.f("ix_series_reporter"), table_name="series")
    op.drop_index(op.f("ix_series_partner"), table_name="series")
    op.drop_index(op.f("ix_provision_instrument"), table_name="provision")
    op.drop_index(op.f("ix_provision_category"), table_name="provision")
    op.drop_index(op.f("ix_person_country"), table_name="person")
    op.drop_index(op.f("ix_organization_kind"), table_name="organization")
    op.drop_index(op.f("ix_organization_country"), table_name="organization")
    op.drop_index(op.f("ix_meeting_kind"), table_name="meeting")

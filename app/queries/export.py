"""The whole dataset as one document, built from the same queries the list endpoints use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.models import filters
from app.pagination import everything
from app.queries import (
    analysis,
    meetings,
    metrics,
    milestones,
    organizations,
    people,
    provisions,
    sources,
    statements,
    statistics,
)
from app.queries.dataset import dataset_loaded


def export(conn: Connection, as_of: str | None = None) -> dict[str, Any]:
    """Every list in full; with `as_of`, as it stood when only the sources published by then
    existed (metrics, discrepancies and checks are shown whole)."""
    version, loaded_at = dataset_loaded(conn)
    source_items, _ = sources.list_sources(
        conn,
        filters.SourceFilters(as_of=as_of),
        everything(sources.SORT_FIELDS, sources.DEFAULT_SORT),
    )
    for item in source_items:
        text = sources.source_text(conn, item["id"])
        item["text"] = text[0] if text else None
    return {
        "dataset_version": version,
        "loaded_at": loaded_at.isoformat() if loaded_at else None,
        "as_of": as_of,
        "sources": source_items,
        "metrics": metrics.list_metrics(
            conn, everything(metrics.SORT_FIELDS, metrics.DEFAULT_SORT)
        )[0],
        "statistics": statistics.as_items(
            statistics.list_statistics(
                conn,
                filters.StatisticFilters(as_of=as_of),
                everything(statistics.SORT_FIELDS, statistics.DEFAULT_SORT),
            )[0]
        ),
        "provisions": provisions.list_provisions(
            conn,
            filters.ProvisionFilters(as_of=as_of),
            everything(provisions.SORT_FIELDS, provisions.DEFAULT_SORT),
        )[0],
        "meetings": meetings.list_meetings(
            conn,
            filters.MeetingFilters(as_of=as_of),
            everything(meetings.SORT_FIELDS, meetings.DEFAULT_SORT),
        )[0],
        "milestones": milestones.list_milestones(
            conn,
            filters.MilestoneFilters(as_of=as_of),
            everything(milestones.SORT_FIELDS, milestones.DEFAULT_SORT),
        )[0],
        "people": people.list_people(
            conn,
            filters.PersonFilters(as_of=as_of),
            everything(people.SORT_FIELDS, people.DEFAULT_SORT),
        )[0],
        "organizations": organizations.list_organizations(
            conn,
            filters.OrganizationFilters(as_of=as_of),
            everything(organizations.SORT_FIELDS, organizations.DEFAULT_SORT),
        )[0],
        "statements": statements.list_statements(
            conn,
            filters.StatementFilters(as_of=as_of),
            everything(statements.SORT_FIELDS, statements.DEFAULT_SORT),
        )[0],
        "discrepancies": analysis.list_discrepancies(
            conn,
            filters.DiscrepancyFilters(),
            everything(analysis.DISCREPANCY_SORT, analysis.DISCREPANCY_DEFAULT),
        )[0],
        "checks": analysis.list_checks(
            conn, filters.CheckFilters(), everything(analysis.CHECK_SORT, analysis.CHECK_DEFAULT)
        )[0],
    }

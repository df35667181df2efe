"""The whole dataset as one JSON document, built from the same queries the list endpoints use,
written list by list and batch by batch (app/pagination.py, batches): its memory is one batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, select

from app.models import Source, filters
from app.pagination import Fetch, PageRequest, Sort, SortField, batches, bound, everything
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

SOURCE = Source.__table__  # type: ignore[attr-defined]


def _sources_with_text(
    conn: Connection, source_filters: filters.SourceFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    items, cursor = sources.list_sources(conn, source_filters, page)
    ids = [item["id"] for item in items]
    texts: dict[str, str] = dict(
        conn.execute(select(SOURCE.c.id, SOURCE.c.text).where(SOURCE.c.id.in_(ids))).all()
    )
    return [item | {"text": texts.get(item["id"])} for item in items], cursor


def _metrics(
    conn: Connection, _filters: None, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    return metrics.list_metrics(conn, page)


def _order(fields: dict[str, SortField], default: str) -> Sort:
    return everything(fields, default).sort


def export_lists(as_of: str | None) -> list[tuple[str, Fetch, Sort]]:
    """Each list of the export, in its order, with the fetch that pages through it and its
    sort: under `as_of`, as it stood when only the sources published by then existed
    (metrics, discrepancies and checks whole)."""
    return [
        ("sources", bound(_sources_with_text, filters.SourceFilters(as_of=as_of)),
         _order(sources.SORT_FIELDS, sources.DEFAULT_SORT)),
        ("metrics", bound(_metrics, None), _order(metrics.SORT_FIELDS, metrics.DEFAULT_SORT)),
        ("statistics", bound(statistics.list_statistics, filters.StatisticFilters(as_of=as_of)),
         _order(statistics.SORT_FIELDS, statistics.DEFAULT_SORT)),
        ("provisions", bound(provisions.list_provisions, filters.ProvisionFilters(as_of=as_of)),
         _order(provisions.SORT_FIELDS, provisions.DEFAULT_SORT)),
        ("meetings", bound(meetings.list_meetings, filters.MeetingFilters(as_of=as_of)),
         _order(meetings.SORT_FIELDS, meetings.DEFAULT_SORT)),
        ("milestones", bound(milestones.list_milestones, filters.MilestoneFilters(as_of=as_of)),
         _order(milestones.SORT_FIELDS, milestones.DEFAULT_SORT)),
        ("people", bound(people.list_people, filters.PersonFilters(as_of=as_of)),
         _order(people.SORT_FIELDS, people.DEFAULT_SORT)),
        ("organizations",
         bound(organizations.list_organizations, filters.OrganizationFilters(as_of=as_of)),
         _order(organizations.SORT_FIELDS, organizations.DEFAULT_SORT)),
        ("statements", bound(statements.list_statements, filters.StatementFilters(as_of=as_of)),
         _order(statements.SORT_FIELDS, statements.DEFAULT_SORT)),
        ("discrepancies", bound(analysis.list_discrepancies, filters.DiscrepancyFilters()),
         _order(analysis.DISCREPANCY_SORT, analysis.DISCREPANCY_DEFAULT)),
        ("checks", bound(analysis.list_checks, filters.CheckFilters()),
         _order(analysis.CHECK_SORT, analysis.CHECK_DEFAULT)),
    ]  # fmt: skip


def export_chunks(conn: Connection, as_of: str | None = None) -> Iterator[bytes]:
    """The export document, piece by piece: the dataset version first, every list, and last
    `complete` with each list's count: a document without it was cut short."""
    version, loaded_at = dataset_loaded(conn)
    head = {
        "dataset_version": version,
        "loaded_at": loaded_at.isoformat() if loaded_at else None,
        "as_of": as_of,
    }
    yield orjson.dumps(head)[:-1]
    counts: dict[str, int] = {}
    for name, fetch, sort in export_lists(as_of):
        yield b',"' + name.encode() + b'":'
        counted: list[int] = []
        yield from json_array(conn, fetch, sort, counted)
        counts[name] = counted[0]
    complete = {"counts": counts}
    yield b',"complete":' + orjson.dumps(complete) + b"}"


def json_array(conn: Connection, fetch: Fetch, sort: Sort, counted: list[int]) -> Iterator[bytes]:
    """A whole list as one JSON array (stored documents written as they are); the number of
    items is appended to `counted`."""
    count = 0
    yield b"["
    for batch in batches(conn, fetch, sort):
        for item in batch:
            body = item.encode() if isinstance(item, str) else orjson.dumps(item)
            yield (b"," + body) if count else body
            count += 1
    yield b"]"
    counted.append(count)

"""The whole dataset as one JSON document, built from the same queries the list endpoints use,
written list by list and batch by batch (app/streaming.py): its memory is one batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Connection, select

from app.models import Source, filters
from app.pagination import Fetch, PageRequest, Sort, batches, everything
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


def _as_of(model: type[BaseModel], as_of: str | None) -> BaseModel:
    return model(as_of=as_of)


def _whole(model: type[BaseModel]) -> Callable[[str | None], BaseModel]:
    return lambda _as_of: model()


def _none(_as_of: str | None) -> None:
    return None


# Each list of the export, in its order: name, list function, its filters for an `as_of`
# (metrics, discrepancies and checks are shown whole), and its sort.
_LISTS: tuple[tuple[str, Any, Callable[[str | None], BaseModel | None], Sort], ...] = (
    ("sources", _sources_with_text, partial(_as_of, filters.SourceFilters),
     everything(sources.SORT_FIELDS, sources.DEFAULT_SORT).sort),
    ("metrics", _metrics, _none, everything(metrics.SORT_FIELDS, metrics.DEFAULT_SORT).sort),
    ("statistics", statistics.list_statistics, partial(_as_of, filters.StatisticFilters),
     everything(statistics.SORT_FIELDS, statistics.DEFAULT_SORT).sort),
    ("provisions", provisions.list_provisions, partial(_as_of, filters.ProvisionFilters),
     everything(provisions.SORT_FIELDS, provisions.DEFAULT_SORT).sort),
    ("meetings", meetings.list_meetings, partial(_as_of, filters.MeetingFilters),
     everything(meetings.SORT_FIELDS, meetings.DEFAULT_SORT).sort),
    ("milestones", milestones.list_milestones, partial(_as_of, filters.MilestoneFilters),
     everything(milestones.SORT_FIELDS, milestones.DEFAULT_SORT).sort),
    ("people", people.list_people, partial(_as_of, filters.PersonFilters),
     everything(people.SORT_FIELDS, people.DEFAULT_SORT).sort),
    ("organizations", organizations.list_organizations,
     partial(_as_of, filters.OrganizationFilters),
     everything(organizations.SORT_FIELDS, organizations.DEFAULT_SORT).sort),
    ("statements", statements.list_statements, partial(_as_of, filters.StatementFilters),
     everything(statements.SORT_FIELDS, statements.DEFAULT_SORT).sort),
    ("discrepancies", analysis.list_discrepancies, _whole(filters.DiscrepancyFilters),
     everything(analysis.DISCREPANCY_SORT, analysis.DISCREPANCY_DEFAULT).sort),
    ("checks", analysis.list_checks, _whole(filters.CheckFilters),
     everything(analysis.CHECK_SORT, analysis.CHECK_DEFAULT).sort),
)  # fmt: skip
NAMES = tuple(name for name, *_ in _LISTS)


def export_lists(as_of: str | None) -> Iterator[tuple[str, Fetch, Sort]]:
    """Each list of the export with the fetch that pages through it (under `as_of`, as it stood
    when only the sources published by then existed; metrics, discrepancies and checks whole)."""
    for name, function, chosen, sort in _LISTS:
        yield name, partial(_call, function, chosen(as_of)), sort


def _call(function: Any, chosen: BaseModel | None, conn: Connection, page: PageRequest) -> Any:
    return function(conn, chosen, page)


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
    counts: list[int] = []
    for name, fetch, sort in export_lists(as_of):
        yield b',"' + name.encode() + b'":'
        yield from json_array(conn, fetch, sort, counts)
    complete = {"counts": dict(zip(NAMES, counts, strict=True))}
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

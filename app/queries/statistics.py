"""Statistics: reported figures with their metric and citations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, select

from app.models import Statistic
from app.pagination import Sort, SortField
from app.queries.common import (
    PageRequest,
    citations_for,
    cited_by,
    contains_text,
    number,
    partial,
    run_page,
)

STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "metric": SortField("metric", STATISTIC.c.metric_id, "str"),
    "period_start": SortField("period_start", STATISTIC.c.period_start, "date", nullable=True),
    "period_end": SortField("period_end", STATISTIC.c.period_end, "date", nullable=True),
    "value": SortField("value", STATISTIC.c.value, "num"),
    "reporter": SortField("reporter", STATISTIC.c.reporter, "str"),
    "partner": SortField("partner", STATISTIC.c.partner, "str", nullable=True),
    "label": SortField("label", STATISTIC.c.label, "str"),
    "id": SortField("id", STATISTIC.c.id, "str"),
}
DEFAULT_SORT = "metric,period_start"


@dataclass(frozen=True)
class StatisticFilters:
    metric: str | None = None
    reporter: str | None = None
    partner: str | None = None
    scope: str | None = None
    unit: str | None = None
    year: int | None = None
    source_id: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    q: str | None = None


def _select() -> Any:
    return select(STATISTIC.c.pk, STATISTIC.c.document)


def list_statistics(
    conn: Connection, filters: StatisticFilters, page: PageRequest | None, sort: Sort
) -> tuple[list[str], str | None]:
    """One page of statistics as their public JSON documents (see `statistic_documents`)."""
    stmt = _select()
    f = filters
    for column, value in (
        ("reporter", f.reporter),
        ("partner", f.partner),
        ("scope", f.scope),
        ("unit", f.unit),
    ):
        if value is not None:
            stmt = stmt.where(STATISTIC.c[column] == value)
    if f.metric is not None:
        stmt = stmt.where(STATISTIC.c.metric_id == f.metric)
    if f.year is not None:
        # figures whose period overlaps the calendar year
        stmt = stmt.where(
            STATISTIC.c.period_start <= date(f.year, 12, 31),
            STATISTIC.c.period_last >= date(f.year, 1, 1),
        )
    if f.min_value is not None:
        stmt = stmt.where(STATISTIC.c.value >= f.min_value)
    if f.max_value is not None:
        stmt = stmt.where(STATISTIC.c.value <= f.max_value)
    if f.source_id is not None:
        stmt = stmt.where(cited_by("statistic", STATISTIC.c.pk, f.source_id))
    if f.q:
        stmt = stmt.where(
            contains_text(
                f.q,
                STATISTIC.c.label,
                STATISTIC.c.notes,
                STATISTIC.c.as_reported,
                STATISTIC.c.attributed_to,
            )
        )
    result = run_page(conn, stmt, page, sort)
    return _documents(conn, result.rows), result.next_cursor


def get_statistic_document(conn: Connection, statistic_id: str) -> str | None:
    row = conn.execute(_select().where(STATISTIC.c.id == statistic_id)).mappings().first()
    return _documents(conn, [row])[0] if row else None


def get_statistic(conn: Connection, statistic_id: str) -> dict[str, Any] | None:
    document = get_statistic_document(conn, statistic_id)
    return orjson.loads(document) if document is not None else None


def as_items(documents: list[str]) -> list[dict[str, Any]]:
    return [orjson.loads(document) for document in documents]


def statistic_documents(conn: Connection, pks: list[int]) -> dict[int, str]:
    """The public JSON of each statistic, built from its row and its citations.

    The loader stores it in `statistic.document` whenever it differs, so that a page of
    statistics is one index-ordered read of ready JSON: no join, no per-row shaping."""
    if not pks:
        return {}
    rows = list(conn.execute(select(*STATISTIC.c).where(STATISTIC.c.pk.in_(pks))).mappings())
    items = _public(conn, rows)
    return {row["pk"]: orjson.dumps(item).decode() for row, item in zip(rows, items, strict=True)}


def _documents(conn: Connection, rows: list[Any]) -> list[str]:
    missing = [row["pk"] for row in rows if row["document"] is None]  # not loaded since 0005
    built = statistic_documents(conn, missing)
    return [row["document"] or built[row["pk"]] for row in rows]


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    citations = citations_for(conn, "statistic", [r["pk"] for r in rows])
    return [
        {
            "id": r["id"],
            "url": f"/v1/statistics/{r['id']}",
            "metric": r["metric_id"],
            "label": r["label"],
            "reporter": r["reporter"],
            "partner": r["partner"],
            "scope": r["scope"],
            "value": number(r["value"]),
            "unit": r["unit"],
            "as_reported": r["as_reported"],
            "approximate": r["approximate"],
            **partial(r, "period_start"),
            **partial(r, "period_end"),
            "attributed_to": r["attributed_to"],
            "notes": r["notes"],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

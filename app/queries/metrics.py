"""Metrics: the vocabulary of statistics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from app.models import Metric, Statistic
from app.pagination import PageRequest, SortField, run_page
from app.vocabulary import resource_url

METRIC = Metric.__table__  # type: ignore[attr-defined]
STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "id": SortField("id", METRIC.c.id, "str"),
    "label": SortField("label", METRIC.c.label, "str"),
    "unit": SortField("unit", METRIC.c.unit, "str"),
}
DEFAULT_SORT = "id"


def _select() -> Any:
    count = select(func.count()).where(STATISTIC.c.metric_pk == METRIC.c.pk).scalar_subquery()
    return select(*METRIC.c, count.label("statistic_count"))


def list_metrics(conn: Connection, page: PageRequest) -> tuple[list[dict[str, Any]], str | None]:
    result = run_page(conn, _select(), page)
    return [_public(r) for r in result.rows], result.next_cursor


def get_metric(conn: Connection, metric_id: str) -> dict[str, Any] | None:
    row = conn.execute(_select().where(METRIC.c.id == metric_id)).mappings().first()
    return _public(row) if row else None


def _public(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "url": resource_url("metric", r["id"]),
        "label": r["label"],
        "description": r["description"],
        "unit": r["unit"],
        "sign_convention": r["sign_convention"],
        "scope": r["scope"],
        "statistic_count": r["statistic_count"],
    }

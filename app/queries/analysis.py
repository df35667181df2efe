"""Discrepancies and arithmetic checks, as the loader computed and stored them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from app.models import ArithmeticCheck, Discrepancy, Metric, Statistic
from app.models.filters import CheckFilters, DiscrepancyFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.citations import cited_by
from app.queries.common import number, partial
from app.vocabulary import resource_url

CHECK = ArithmeticCheck.__table__  # type: ignore[attr-defined]
DISCREPANCY = Discrepancy.__table__  # type: ignore[attr-defined]
METRIC = Metric.__table__  # type: ignore[attr-defined]
STATISTIC = Statistic.__table__  # type: ignore[attr-defined]

DISCREPANCY_SORT = {
    "metric": SortField("metric", METRIC.c.id, "str"),
    "relative_spread": SortField("relative_spread", DISCREPANCY.c.relative_spread, "num"),
    "period_start": SortField("period_start", DISCREPANCY.c.period_start, "date", nullable=True),
    "id": SortField("id", DISCREPANCY.c.id, "str"),
}
DISCREPANCY_DEFAULT = "metric,period_start"
CHECK_SORT = {
    "status": SortField("status", CHECK.c.status, "str"),
    "kind": SortField("kind", CHECK.c.kind, "str"),
    "id": SortField("id", CHECK.c.id, "str"),
}
CHECK_DEFAULT = "id"
# What `facets=` may count on the checks: name -> column.
CHECK_FACETS = {"status": CHECK.c.status}


# Each filter's condition, by the filter's name.
_DISCREPANCY_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "metric": lambda v: METRIC.c.id == v,
}
_CHECK_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "status": lambda v: CHECK.c.status == v,
    "source_id": lambda v: cited_by("statistic", CHECK.c.claim_pk, v),
}


def _discrepancies() -> Any:
    return select(*DISCREPANCY.c, METRIC.c.id.label("metric_id")).join(
        METRIC, METRIC.c.pk == DISCREPANCY.c.metric_pk
    )


def list_discrepancies(
    conn: Connection, filters: DiscrepancyFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = _discrepancies().where(
        *[_DISCREPANCY_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return [_discrepancy(r) for r in result.rows], result.next_cursor


def get_discrepancy(conn: Connection, discrepancy_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(_discrepancies().where(DISCREPANCY.c.id == discrepancy_id)).mappings().first()
    )
    return _discrepancy(row) if row else None


def _discrepancy(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "url": resource_url("discrepancy", r["id"]),
        "metric": r["metric_id"],
        "reporter": r["reporter"],
        "partner": r["partner"],
        "scope": r["scope"],
        **partial(r, "period_start"),
        **partial(r, "period_end"),
        "statistics": [{**m, "value": number(m["value"])} for m in r["members"]],
        "relative_spread": r["relative_spread"],
        "assessment": r["assessment"],
        "explanation": r["explanation"],
        "note": r["note"],
    }


def _checks() -> Any:
    return select(*CHECK.c, STATISTIC.c.id.label("claim_id")).join(
        STATISTIC, STATISTIC.c.pk == CHECK.c.claim_pk
    )


def list_checks(
    conn: Connection, filters: CheckFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = _checks().where(
        *[_CHECK_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return [_check(r) for r in result.rows], result.next_cursor


def get_check(conn: Connection, check_id: str) -> dict[str, Any] | None:
    row = conn.execute(_checks().where(CHECK.c.id == check_id)).mappings().first()
    return _check(row) if row else None


def _bound(value: float) -> float | None:
    return None if abs(value) >= 1e308 else value


def _with_urls(figure: dict[str, Any]) -> dict[str, Any]:
    return {
        **figure,
        "cites": [{**c, "url": resource_url(c["type"], c["id"])} for c in figure["cites"]],
    }


def _reading(reading: dict[str, Any]) -> dict[str, Any]:
    return {
        **reading,
        "claim": _with_urls(reading["claim"]),
        "inputs": [_with_urls(f) for f in reading["inputs"]],
    }


def _check(r: Any) -> dict[str, Any]:
    return {
        "id": r["id"],
        "url": resource_url("check", r["id"]),
        "kind": r["kind"],
        "claim_id": r["claim_id"],
        "input_ids": r["input_ids"],
        "stated": r["stated"],
        "computed": r["computed"],
        "computed_range": [_bound(r["computed_low"]), _bound(r["computed_high"])],
        "tolerance": float(f"{r['tolerance']:.12g}"),
        "status": r["status"],
        "readings": [_reading(x) for x in r["readings"] or []],
        "source_errors": r["source_errors"] or [],
        "explanation": r["explanation"],
        "note": r["note"],
    }

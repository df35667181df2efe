"""Statistics: reported figures with their metric and citations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, Date, bindparam, select, update

from app.analysis.precision import bounds, qualifier
from app.models import Statistic
from app.models.filters import StatisticFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import published_by, restrict_documents
from app.queries.citations import citations_for, cited_by
from app.queries.common import (
    Among,
    batches,
    contains_pattern,
    execute_many,
    like_pattern,
    number,
    partial,
)
from app.vocabulary import resource_url

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
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "metric": STATISTIC.c.metric_id,
    "reporter": STATISTIC.c.reporter,
    "partner": STATISTIC.c.partner,
    "scope": STATISTIC.c.scope,
    "unit": STATISTIC.c.unit,
}


def _select() -> Any:
    return select(STATISTIC.c.pk, STATISTIC.c.document)


def list_statistics(
    conn: Connection, filters: StatisticFilters, page: PageRequest
) -> tuple[list[str], str | None]:
    """One page of statistics as their public JSON documents (see `statistic_documents`).

    Filters are bound parameters, so that each combination of filters builds its statement once
    (run_page keeps it by `shape`)."""
    f = filters
    params: dict[str, Any] = {}
    for name in ("reporter", "partner", "scope", "unit", "metric", "source_id"):
        if getattr(f, name) is not None:
            params[name] = getattr(f, name)
    if f.year is not None:
        params["year_first"], params["year_last"] = date(f.year, 1, 1), date(f.year, 12, 31)
    if f.min_value is not None:
        params["min_value"] = f.min_value
    if f.max_value is not None:
        params["max_value"] = f.max_value
    if f.q:
        params["q"] = like_pattern(f.q)
    cutoff = f.cutoff()
    if cutoff is not None:
        params["as_of"] = cutoff
    names = sorted(params)

    def build() -> Any:
        return _select().where(*[_CONDITIONS[name]() for name in names if name in _CONDITIONS])

    result = run_page(conn, build, page, params, ("statistics", *names))
    documents = _documents(conn, result.rows)
    if isinstance(cutoff, date):
        documents = restrict_documents(documents, published_by(conn, cutoff))
    return documents, result.next_cursor


# Each filter's condition on its bound parameter (year binds year_first and year_last).
_CONDITIONS: dict[str, Any] = {
    **{
        name: (lambda name=name: STATISTIC.c[name] == bindparam(name))
        for name in ("reporter", "partner", "scope", "unit")
    },
    "metric": lambda: STATISTIC.c.metric_id == bindparam("metric"),
    "as_of": lambda: STATISTIC.c.first_published <= bindparam("as_of", type_=Date),
    "year_first": lambda: STATISTIC.c.period_last >= bindparam("year_first", type_=Date),
    "year_last": lambda: STATISTIC.c.period_start <= bindparam("year_last", type_=Date),
    "min_value": lambda: STATISTIC.c.value >= bindparam("min_value"),
    "max_value": lambda: STATISTIC.c.value <= bindparam("max_value"),
    "source_id": lambda: cited_by("statistic", STATISTIC.c.pk, bindparam("source_id")),
    "q": lambda: contains_pattern(
        bindparam("q"),
        STATISTIC.c.label,
        STATISTIC.c.notes,
        STATISTIC.c.as_reported,
        STATISTIC.c.attributed_to,
    ),
}


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
    stmt = select(*STATISTIC.c).where(Among(STATISTIC.c.pk, "pks"))
    rows = [r for batch in batches(pks) for r in conn.execute(stmt, {"pks": batch}).mappings()]
    citations = citations_for(conn, "statistic", [r["pk"] for r in rows])
    return {r["pk"]: statistic_document(r, citations[r["pk"]]) for r in rows}


def statistic_document(r: Mapping[Any, Any], citations: list[dict[str, Any]]) -> str:
    """A statistic's public JSON as stored, from its row and its public citations."""
    return orjson.dumps(_public(r, citations)).decode()


_REFRESH_BATCH = 2000
_STORE_DOCUMENT = (
    update(STATISTIC)
    .where(STATISTIC.c.pk == bindparam("row_pk"))
    .values(document=bindparam("document"))
)


def refresh_documents(conn: Connection, pks: list[int]) -> int:
    """Store the public JSON of these statistics where it differs from what is stored (built by
    `statistic_documents`, as the API would build it, so that the two cannot differ); return how
    many changed. The loader calls it after every load."""
    count = 0
    for start in range(0, len(pks), _REFRESH_BATCH):
        batch = pks[start : start + _REFRESH_BATCH]
        stored: dict[int, str | None] = dict(
            conn.execute(
                select(STATISTIC.c.pk, STATISTIC.c.document).where(STATISTIC.c.pk.in_(batch))
            ).all()
        )
        changed = [
            {"row_pk": pk, "document": document}
            for pk, document in statistic_documents(conn, batch).items()
            if stored.get(pk) != document
        ]
        if changed:  # written a batch at a time: a first load changes every document
            execute_many(conn, _STORE_DOCUMENT, changed)
            count += len(changed)
    return count


def _documents(conn: Connection, rows: list[Any]) -> list[str]:
    missing = [row["pk"] for row in rows if row["document"] is None]  # not loaded since 0005
    built = statistic_documents(conn, missing)
    return [row["document"] or built[row["pk"]] for row in rows]


def _bounds(row: Any) -> dict[str, Any]:
    """The interval and hedge the wording allows, by the one figure grammar."""
    low, high = bounds(row["as_reported"], float(row["value"]))
    return {
        "value_low": None if low is None else number(low),
        "value_high": None if high is None else number(high),
        "qualifier": qualifier(row["as_reported"]),
    }


def _public(r: Mapping[Any, Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    """A statistic's public item from its row (as stored, or as the loader is about to store
    it) and its public citations: the one place that shapes it."""
    return {
        "id": r["id"],
        "url": resource_url("statistic", r["id"]),
        "metric": r["metric_id"],
        "label": r["label"],
        "reporter": r["reporter"],
        "partner": r["partner"],
        "scope": r["scope"],
        "value": number(r["value"]),
        **_bounds(r),
        "unit": r["unit"],
        "as_reported": r["as_reported"],
        "approximate": r["approximate"],
        **partial(r, "period_start"),
        **partial(r, "period_end"),
        "attributed_to": r["attributed_to"],
        "attributed_to_id": r["attributed_to_id"],
        "notes": r["notes"],
        "source_error": r["source_error"],
        "exemptions": [
            {"rule": rule, "reason": reason}
            for rule, reason in sorted((r["exemptions"] or {}).items())
        ],
        "citations": citations,
    }

"""Provisions: what was agreed, with the statistics they carry."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from app.models import Provision, ProvisionStatistic, Statistic
from app.models.filters import ProvisionFilters
from app.pagination import PageRequest, SortField, run_page
from app.queries.asof import as_of
from app.queries.citations import citations_for, cited_by
from app.queries.common import Among, batches, contains_text, partial
from app.vocabulary import resource_url

PROVISION = Provision.__table__  # type: ignore[attr-defined]
LINK = ProvisionStatistic.__table__  # type: ignore[attr-defined]
STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
SORT_FIELDS = {
    "category": SortField("category", PROVISION.c.category, "str"),
    "instrument": SortField("instrument", PROVISION.c.instrument, "str"),
    "deadline": SortField("deadline", PROVISION.c.deadline, "date", nullable=True),
    "title": SortField("title", PROVISION.c.title, "str"),
    "id": SortField("id", PROVISION.c.id, "str"),
}
DEFAULT_SORT = "category"
# What `facets=` may count, by the filter that narrows to a value: name -> column.
FACETS = {
    "category": PROVISION.c.category,
    "instrument": PROVISION.c.instrument,
}


# Each filter's condition, by the filter's name.
_CONDITIONS: dict[str, Callable[[Any], Any]] = {
    "as_of": lambda v: PROVISION.c.first_published <= v,
    "category": lambda v: PROVISION.c.category == v,
    "instrument": lambda v: PROVISION.c.instrument == v,
    "source_id": lambda v: cited_by("provision", PROVISION.c.pk, v),
    "q": lambda v: contains_text(
        v, PROVISION.c.title, PROVISION.c.summary, PROVISION.c.before, PROVISION.c.after
    ),
}


def list_provisions(
    conn: Connection, filters: ProvisionFilters, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(*PROVISION.c).where(
        *[_CONDITIONS[name](value) for name, value in filters.given().items()]
    )
    result = run_page(conn, stmt, page)
    return as_of(conn, _public(conn, result.rows), filters), result.next_cursor


def get_provision(conn: Connection, provision_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(*PROVISION.c).where(PROVISION.c.id == provision_id)).mappings().first()
    )
    return _public(conn, [row])[0] if row else None


def _statistic_ids(conn: Connection, pks: list[int]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    if pks:
        stmt = (
            select(LINK.c.provision_pk, STATISTIC.c.id)
            .join(STATISTIC, STATISTIC.c.pk == LINK.c.statistic_pk)
            .where(Among(LINK.c.provision_pk, "pks"))
            .order_by(LINK.c.provision_pk, STATISTIC.c.id)
        )
        rows = (r for batch in batches(pks) for r in conn.execute(stmt, {"pks": batch}))
        for provision_pk, statistic_id in rows:
            grouped[provision_pk].append(statistic_id)
    return grouped


def _public(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    pks = [r["pk"] for r in rows]
    citations = citations_for(conn, "provision", pks)
    statistics = _statistic_ids(conn, pks)
    return [
        {
            "id": r["id"],
            "url": resource_url("provision", r["id"]),
            "title": r["title"],
            "summary": r["summary"],
            "category": r["category"],
            "instrument": r["instrument"],
            "obligated_party": r["obligated_party"],
            "before": r["before"],
            "after": r["after"],
            **partial(r, "deadline"),
            "statistic_ids": statistics[r["pk"]],
            "citations": citations[r["pk"]],
        }
        for r in rows
    ]

"""`as_of`: a list as it stood when only the sources published by a day existed. Rows are chosen
by their `first_published` day (the loader's); what each item carries from a later source (a
citation, a name, a role, a series' figure) is then left out here, and a series' periods are
reconciled again from the figures that remain."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, select

from app.analysis.series import Reported, point_fields, reconcile
from app.queries.common import SOURCE
from app.vocabulary import resource_url


def published_by(conn: Connection, cutoff: date) -> set[str]:
    """The sources surely published by `cutoff` (their date's last day is no later)."""
    stmt = select(SOURCE.c.id).where(SOURCE.c.published_last <= cutoff)
    return set(conn.execute(stmt).scalars())


def restrict(value: Any, sources: set[str]) -> Any:
    """`value` without anything a later source says, nor the later sources themselves: every
    object in a list that names a `source_id` outside `sources`, or is a link to a source outside
    them (an organisation's `published_sources`), is left out, at any depth."""
    if isinstance(value, dict):
        return {key: restrict(inner, sources) for key, inner in value.items()}
    if isinstance(value, list):
        return [restrict(inner, sources) for inner in value if not _later(inner, sources)]
    return value


def _later(item: Any, sources: set[str]) -> bool:
    if not isinstance(item, dict):
        return False
    if "source_id" in item:
        return item["source_id"] not in sources
    linked = item.get("id")
    return (
        isinstance(linked, str)
        and item.get("url") == resource_url("source", linked)
        and linked not in sources
    )


def as_of(conn: Connection, items: list[Any], filters: Any) -> list[Any]:
    """The items as they stood at the filters' `as_of`, if they ask for one."""
    cutoff = filters.cutoff()
    if cutoff is None:
        return items
    sources = published_by(conn, cutoff)
    return [restrict(item, sources) for item in items]


def restrict_documents(documents: list[str], sources: set[str]) -> list[str]:
    return [orjson.dumps(restrict(orjson.loads(d), sources)).decode() for d in documents]


def restrict_series(documents: list[str], sources: set[str]) -> list[str]:
    """Series without later figures: periods left with none are dropped, the others reconciled
    again by the one rule (app/analysis/series.py)."""
    out = []
    for document in documents:
        series = orjson.loads(document)
        points = []
        for point in series["points"]:
            reported = [f for f in point["reported"] if f["source_id"] in sources]
            if not reported:
                continue
            result = reconcile(
                [
                    Reported(
                        f["statistic_id"],
                        f["source_id"],
                        f["as_reported"],
                        float(f["value"]),
                        f["value_low"],
                        f["value_high"],
                    )
                    for f in reported
                ]
            )
            points.append(
                point
                | {
                    "reported": reported,
                    **point_fields(result),
                }
            )
        out.append(orjson.dumps(series | {"points": points}).decode())
    return out

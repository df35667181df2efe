"""What changed between two loaded versions, from the loads' own logs (app/seed/changes.py
writes them): for clients that sync instead of downloading everything again."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from app.errors import NotFound
from app.models import DatasetLoad
from app.queries.dataset import dataset_version
from app.vocabulary import resource_url

LOAD = DatasetLoad.__table__  # type: ignore[attr-defined]


def merge(documents: list[dict[str, Any]]) -> dict[str, dict[tuple[str, str], list[str]]]:
    """Several loads' logs, oldest first, as one: what differs between the first load's start
    and the last load's end."""
    state: dict[tuple[str, str], str | None] = {}  # (type, id) -> added, changed, removed
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    for document in documents:
        for type_, log in document.items():
            for ref in log["added"]:
                # removed then added again is a change of everything; else new
                state[(type_, ref)] = "changed" if state.get((type_, ref)) == "removed" else "added"
                if state[(type_, ref)] == "changed":
                    fields[(type_, ref)].add("*")
            for ref, names in log["changed"].items():
                if state.get((type_, ref)) != "added":
                    state[(type_, ref)] = "changed"
                fields[(type_, ref)].update(names)
            for ref in log["removed"]:
                gone = state.get((type_, ref)) == "added"  # added and removed since: nothing
                state[(type_, ref)] = None if gone else "removed"
    out: dict[str, dict[tuple[str, str], list[str]]] = {"added": {}, "changed": {}, "removed": {}}
    for (type_, ref), what in sorted(state.items()):
        if what is None:
            continue
        out[what][(type_, ref)] = sorted(fields[(type_, ref)]) if what == "changed" else []
    return out


def changes_since(conn: Connection, since: str) -> dict[str, Any]:
    """Everything added, changed or removed by the loads after version `since`."""
    current = dataset_version(conn)
    # which loads: read without their logs, which can be large (a first load lists every id)
    loads = list(
        conn.execute(
            select(LOAD.c.pk, LOAD.c.version, LOAD.c.previous_version).order_by(LOAD.c.pk)
        ).mappings()
    )
    start = next((i for i, load in enumerate(loads) if load["previous_version"] == since), None)
    if since == current:
        start = len(loads)
    if start is None:
        raise NotFound(
            f"No loaded version '{since}' is remembered: the last {len(loads)} loads are; "
            "download everything again (/v1/export) and sync from its dataset_version"
        )
    loads = loads[start:]
    # the logs of exactly the loads listed (not of one committed meanwhile), oldest first
    logs = select(LOAD.c.changes).where(LOAD.c.pk.in_([load["pk"] for load in loads]))
    merged = merge(list(conn.execute(logs.order_by(LOAD.c.pk)).scalars()))

    def facts(what: str) -> list[dict[str, Any]]:
        return [
            {"type": type_, "id": ref, "url": resource_url(type_, ref), "fields": fields}
            for (type_, ref), fields in merged[what].items()
        ]

    return {
        "since": since,
        "version": current,
        "loads": [load["version"] for load in loads],
        "added": facts("added"),
        "changed": facts("changed"),
        "removed": facts("removed"),
    }

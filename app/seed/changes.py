"""What a load changed, resource by resource: the log the loader keeps while it syncs tables, so
that `/v1/changes` can tell a client what to fetch again instead of everything.

A resource is added or removed when its row is; it is changed when a column of its row changes
(named by its public field) or when a row that belongs to it does (its citations, participants,
roles, statistics or links).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.vocabulary import FACT_TYPES

# Tables whose rows are resources, by their public type.
TRACKED = {
    "source": "source",
    "metric": "metric",
    **{t: t for t in FACT_TYPES},
    "arithmetic_check": "check",
    "discrepancy": "discrepancy",
    "series": "series",
}
# Tables whose rows belong to a resource: (foreign key column, the resource's table), and the
# public field they make up.
CHILDREN: dict[str, tuple[list[tuple[str, str]], str]] = {
    "citation": ([(f"{t}_pk", t) for t in FACT_TYPES], "citations"),
    "participant": ([("meeting_pk", "meeting")], "participants"),
    "person_role": ([("person_pk", "person")], "roles"),
    "statement_link": ([("statement_pk", "statement")], "speakers"),
    "provision_statistic": ([("provision_pk", "provision")], "statistic_ids"),
}
# Columns that only serve the database (filters, sorting, search): not public fields.
_INTERNAL = {"document", "aliases", "span_last", "date_last", "period_last", "deadline_last"}
_RENAMED = {"metric_pk": "metric", "claim_pk": "claim_id", "source_pk": "source_id"}


def public_field(column: str) -> str | None:
    if column in _INTERNAL:
        return None
    return _RENAMED.get(column, column.removesuffix("_precision"))


@dataclass
class ChangeLog:
    added: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    changed: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    removed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # False for a first load: no version precedes it, so no client can ask what it changed, and
    # the log would only list every id
    kept: bool = True
    # the ids of a tracked table's rows by pk (table, pks): read when rows that belong to one
    # are written, so that no map of every row is held
    parent_ids: Callable[[str, list[int]], dict[int, str]] = field(default=lambda _table, _pks: {})

    def rows(
        self,
        table: str,
        inserted: list[dict[str, Any]],
        updated: list[tuple[dict[str, Any], list[str]]],
        deleted: list[dict[str, Any]],
    ) -> None:
        """What one table's sync did: rows inserted, (row, changed columns) updated, deleted."""
        if not self.kept:
            return
        type_ = TRACKED.get(table)
        if type_ is not None:
            self.added[type_].update(r["id"] for r in inserted)
            for row, columns in updated:
                fields = {f for c in columns if (f := public_field(c))}
                if fields:
                    self.changed[type_][row["id"]].update(fields)
            self.removed[type_].update(r["id"] for r in deleted)
            return
        if table in CHILDREN:
            keys, name = CHILDREN[table]
            touched = [*inserted, *(row for row, _ in updated), *deleted]
            for column, parent in keys:
                pks = list(dict.fromkeys(p for r in touched if (p := r.get(column)) is not None))
                if not pks:
                    continue
                type_ = TRACKED[parent]
                # a resource removed by this load is gone: its rows say nothing (nor are they
                # reported); one added by this load is listed as added, not also as changed
                for ref in self.parent_ids(parent, pks).values():
                    if ref not in self.added.get(type_, ()):
                        self.changed[type_][ref].add(name)

    def document(self) -> dict[str, Any]:
        """The log as stored: added and removed ids, and changed ids with their fields."""
        out: dict[str, Any] = {}
        for type_ in sorted({*self.added, *self.changed, *self.removed}):
            added, removed = self.added.get(type_, set()), self.removed.get(type_, set())
            changed = {
                ref: sorted(fields)
                for ref, fields in self.changed.get(type_, {}).items()
                if ref not in added and ref not in removed
            }
            if added or changed or removed:
                out[type_] = {
                    "added": sorted(added),
                    "changed": dict(sorted(changed.items())),
                    "removed": sorted(removed),
                }
        return out

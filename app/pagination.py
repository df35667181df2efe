"""Sorting and keyset pagination: `sort=a,-b` and an opaque cursor that names the last row seen.

A cursor holds the sort it was made for and the sort-key values of the last row, so a page
never shifts when rows are added or removed elsewhere, and no page costs a count or an offset.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

import orjson
from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    tuple_,
)

from app.errors import CursorNotFound, InvalidParameter

Kind = Literal["str", "date", "num"]
# NULLs sort as these values (last when ascending), so that keyset comparisons never meet a NULL.
# They are SQL literals, not parameters, so that the expression is the one the sort indexes of
# migration 0005 were built on (app.schema.SORT_INDEXES) and the planner can use them.
_NULL_SENTINELS: dict[str, Any] = {
    "str": literal_column("''", String),
    "date": literal_column("'9999-12-31'", Date),
    "num": literal_column("1e308", Float),
}


@dataclass(frozen=True)
class SortField:
    """A sortable field: its public name, the SQL expression and the kind of its values."""

    name: str
    expr: ColumnElement[Any]
    kind: Kind
    nullable: bool = False
    # keys that always follow this one, in the same direction (hidden tie-breakers)
    companions: tuple[SortField, ...] = ()

    @cached_property
    def key(self) -> ColumnElement[Any]:
        """The expression ordered on; NULLs become a sentinel so that keyset comparisons hold."""
        if not self.nullable:
            return self.expr
        return func.coalesce(self.expr, _NULL_SENTINELS[self.kind])


@dataclass(frozen=True)
class Sort:
    keys: tuple[tuple[SortField, bool], ...]  # (field, descending)
    text: str

    @cached_property
    def ordering(self) -> list[ColumnElement[Any]]:
        """The ORDER BY clauses (built once per sort: parse_sort memoizes its sorts)."""
        return [f.key.desc() if desc else f.key.asc() for f, desc in self.keys]

    @cached_property
    def after(self) -> ColumnElement[bool]:
        """Rows strictly after the row whose sort-key values are bound as `after_params(values)`.

        When every key runs the same way this is one row-value comparison, `(a, b) > (x, y)`,
        which both databases answer by seeking in an index on (a, b); mixed directions need the
        expanded form `a > x OR (a = x AND b > y)`. Built once per sort, with named parameters,
        so that a page statement can be reused from request to request."""
        bound = [
            bindparam(f"_after{i}", type_=field.key.type) for i, (field, _) in enumerate(self.keys)
        ]
        directions = {desc for _, desc in self.keys}
        if len(self.keys) > 1 and len(directions) == 1:
            keys = tuple_(*[field.key for field, _ in self.keys])
            return keys < tuple_(*bound) if directions == {True} else keys > tuple_(*bound)
        return _after(list(self.keys), bound)

    @staticmethod
    def after_params(values: list[Any]) -> dict[str, Any]:
        return {f"_after{i}": value for i, value in enumerate(values)}


def _after(keys: list[tuple[SortField, bool]], values: list[Any]) -> ColumnElement[bool]:
    (field, desc), value = keys[0], values[0]
    beyond: ColumnElement[bool] = field.key < value if desc else field.key > value
    if len(keys) == 1:
        return beyond
    return or_(beyond, and_(field.key == value, _after(keys[1:], values[1:])))


_SORTS: dict[tuple[int, str], Sort] = {}
_SORTS_KEPT = 512


def parse_sort(
    raw: str | None, fields: dict[str, SortField], default: str, id_field: SortField
) -> Sort:
    """The sort `raw` names (or `default`), with `id_field` as the last tie-breaker. Sorts are
    memoized, so that each builds its SQL clauses once, not once per request."""
    text = raw if raw is not None else default
    key = (id(fields), text)
    found = _SORTS.get(key)
    if found is None:
        found = _parse_sort(text, fields, id_field)
        if len(_SORTS) >= _SORTS_KEPT:
            _SORTS.clear()
        _SORTS[key] = found
    return found


def _parse_sort(text: str, fields: dict[str, SortField], id_field: SortField) -> Sort:
    names = [part.strip() for part in text.split(",")]
    keys: list[tuple[SortField, bool]] = []
    seen: set[str] = set()
    for name in names:
        descending = name.startswith("-")
        bare = name[1:] if descending else name
        if bare not in fields:
            allowed = ", ".join(sorted(fields))
            raise InvalidParameter("sort", f"cannot sort by {bare!r}; sortable fields: {allowed}")
        if bare in seen:
            continue  # named again: the first mention decides
        seen.add(bare)
        keys.append((fields[bare], descending))
        keys.extend((companion, descending) for companion in fields[bare].companions)
    if id_field.name not in seen:
        keys.append((id_field, False))
    canonical = ",".join(("-" if d else "") + f.name for f, d in keys if f.name in fields)
    return Sort(tuple(keys), canonical)


def sort_pattern(fields: dict[str, SortField]) -> str:
    """The regular expression of every `sort` value these fields allow."""
    names = "|".join(re.escape(name) for name in fields)
    return rf"^-?({names})(,-?({names}))*$"


# What a cursor looks like (the contract says so, so that clients and generators know): unpadded
# base64url. A string of this form that this API did not issue for the request's `sort` names no
# page: 404, not 400, since every value the schema allows is well formed.
CURSOR_PATTERN = "^[A-Za-z0-9_-]+$"
CURSOR_MIN_LENGTH = 1
CURSOR_MAX_LENGTH = 500


def encode_cursor(sort: Sort, values: list[Any]) -> str:
    payload = [sort.text, [v.isoformat() if isinstance(v, date) else v for v in values]]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_cursor(raw: str, sort: Sort) -> list[Any]:
    def bad(why: str) -> CursorNotFound:
        return CursorNotFound(f"No page at this cursor: {why}")

    try:
        padded = raw + "=" * (-len(raw) % 4)
        payload = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError, orjson.JSONDecodeError):
        raise bad("not a cursor this API issued; use the 'next' link of a page") from None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[1], list)):
        raise bad("not a cursor this API issued; use the 'next' link of a page")
    sort_text, values = payload
    if sort_text != sort.text:
        raise bad("the cursor was issued for another sort order; keep 'sort' as it was")
    if len(values) != len(sort.keys):
        raise bad("not a cursor this API issued; use the 'next' link of a page")
    decoded: list[Any] = []
    for (field, _), value in zip(sort.keys, values, strict=True):
        try:
            decoded.append(_decode_value(field.kind, value))
        except (TypeError, ValueError):
            raise bad("not a cursor this API issued; use the 'next' link of a page") from None
    return decoded


def _decode_value(kind: Kind, value: Any) -> Any:
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "num":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        return value
    if not isinstance(value, str):
        raise TypeError
    return value

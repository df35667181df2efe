"""Sorting and keyset pagination: `sort=a,-b`, an opaque cursor that names the last row seen,
and `run_page`, which reads one page (or every row) of a statement in that order.

A cursor holds the sort it was made for and the sort-key values of the last row, so a page
never shifts when rows are added or removed elsewhere, and no page costs a count or an offset.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from functools import cached_property
from typing import Any, Literal

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    tuple_,
)

from app.errors import CursorNotFound, InvalidParameter
from app.memo import Memo

Kind = Literal["str", "date", "num", "int"]
# NULLs sort as these values (last when ascending), so that keyset comparisons never meet a NULL.
# They are SQL literals, not parameters, so that the expression is the one the sort indexes of
# migration 0005 were built on (app.schema.SORT_INDEXES) and the planner can use them.
INT_LIMIT = 2**31 - 1  # the largest INTEGER (32 bits on PostgreSQL)
_NULL_SENTINELS: dict[str, Any] = {
    "str": literal_column("''", String),
    "date": literal_column("'9999-12-31'", Date),
    "num": literal_column("1e308", Float),
    "int": literal_column(str(INT_LIMIT), Integer),
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
    # keys that come before this one, ascending, when it is the first key asked for (hidden: a
    # ranked list orders within windows, and the cursor must say which window it is in)
    leaders: tuple[SortField, ...] = ()

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


_SORTS: Memo[Sort] = Memo(512)


def parse_sort(
    raw: str | None, fields: dict[str, SortField], default: str, id_field: SortField
) -> Sort:
    """The sort `raw` names (or `default`), with `id_field` as the last tie-breaker. Sorts are
    memoized, so that each builds its SQL clauses once, not once per request."""
    text = raw if raw is not None else default
    return _SORTS.get((id(fields), text), lambda: _parse_sort(text, fields, id_field))


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
        if not keys:
            keys.extend((leader, False) for leader in fields[bare].leaders)
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
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INT_LIMIT:
            raise TypeError
        return value
    if not isinstance(value, str):
        raise TypeError
    return value


# -- pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRequest:
    """Which rows of a list, in which order: a page of `limit` after the cursor's position, or
    with no `limit`, every row."""

    sort: Sort
    limit: int | None = None
    cursor_values: list[Any] | None = None
    # Facets asked for: (name, column) pairs; run_page writes each one's value counts into
    # `counts` (the same filters, every matching row, not only the page).
    facets: tuple[tuple[str, Any], ...] = ()
    # How to count them (the queries layer's, which knows the loader's counts); else grouped here.
    counter: Callable[[Connection, Any, Any, dict[str, Any]], list[tuple[Any, int]]] | None = None
    counts: dict[str, list[tuple[Any, int]]] = dataclass_field(default_factory=dict, compare=False)


def everything(fields: dict[str, SortField], default: str) -> PageRequest:
    """Every row of a list, in its default order."""
    return PageRequest(parse_sort(None, fields, default, fields["id"]))


@dataclass
class PageResult:
    rows: list[Any]
    next_cursor: str | None


_PAGE_STATEMENTS: Memo[Select[Any]] = Memo(1024)


def run_page(
    conn: Connection,
    stmt: Select[Any] | Callable[[], Select[Any]],
    page: PageRequest,
    params: dict[str, Any] | None = None,
    shape: tuple[Any, ...] | None = None,
) -> PageResult:
    """Order `stmt` by `sort`, resume after the cursor, and fetch one page (all rows if no page).

    With `shape` (what makes `stmt` differ, its values being bound `params`), the finished
    statement is kept and reused, and `stmt` may be a function that builds it on first use:
    building and hashing a statement costs more than running it."""
    sort = page.sort
    whole = page.limit is None
    labels = [f"_sort{i}" for i in range(len(sort.keys))]
    resume = page.cursor_values is not None

    def build() -> Select[Any]:
        base = stmt() if callable(stmt) else stmt
        built = base.add_columns(
            *[field.key.label(label) for (field, _), label in zip(sort.keys, labels, strict=True)]
        ).order_by(*sort.ordering)
        if resume:
            built = built.where(sort.after)
        return built if whole else built.limit(bindparam("_limit"))

    final = (
        build()
        if shape is None
        else _PAGE_STATEMENTS.get((*shape, sort.text, whole, resume), build)
    )
    values = dict(params or {})
    if page.facets:
        base = stmt() if callable(stmt) else stmt
        for name, column in page.facets:
            page.counts[name] = (page.counter or facet_counts)(conn, base, column, values)
    if page.limit is None:
        return PageResult(list(conn.execute(final, values).mappings().all()), None)
    if page.cursor_values is not None:
        values |= sort.after_params(page.cursor_values)
    values["_limit"] = page.limit + 1
    rows = list(conn.execute(final, values).mappings().all())
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, [last[label] for label in labels])
    return PageResult(rows, next_cursor)


# A facet shows its most frequent values, at most this many (as Datasette's facets do).
FACET_VALUES = 100


def facet_counts(
    conn: Connection, stmt: Select[Any], column: Any, params: dict[str, Any]
) -> list[tuple[Any, int]]:
    """How many rows `stmt` (its filters, not its columns) holds for each value of `column`,
    most first, then by value. Grouped by the database, on the column's index where it has one."""
    count = func.count().label("count")
    grouped = (
        stmt.with_only_columns(column.label("value"), count)
        .group_by(column)
        .order_by(count.desc(), column)
        .limit(FACET_VALUES)
    )
    return [(value, int(n)) for value, n in conn.execute(grouped, params)]


# What a list function answers a page with: its items (dicts or stored JSON documents) and the
# next cursor.
Fetch = Callable[[Connection, PageRequest], tuple[Sequence[Any], str | None]]


def bound(function: Callable[..., tuple[Sequence[Any], str | None]], *args: Any) -> Fetch:
    """A list function with its arguments (filters, a query) bound: `fetch(conn, page)`."""
    return lambda conn, page: function(conn, *args, page)


# Rows read per query when a whole list is written out (streamed CSV, the export).
BATCH = 500


def batches(
    conn: Connection, fetch: Fetch, sort: Sort, size: int = BATCH
) -> Iterator[Sequence[Any]]:
    """Every item of a list, a batch at a time, in the list's order (keyset pages)."""
    after = None
    while True:
        items, cursor = fetch(conn, PageRequest(sort, size, after))
        yield items
        if cursor is None:
            return
        after = decode_cursor(cursor, sort)

"""Pieces every resource query shares: paging, batches, text matching, partial dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    or_,
)

from app.dates import format_partial
from app.models import Citation, Source
from app.pagination import Sort, SortField, encode_cursor, parse_sort

CITATION = Citation.__table__  # type: ignore[attr-defined]
SOURCE = Source.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageRequest:
    """Which rows of a list, in which order: a page of `limit` after the cursor's position, or
    with no `limit`, every row."""

    sort: Sort
    limit: int | None = None
    cursor_values: list[Any] | None = None


def everything(fields: dict[str, SortField], default: str) -> PageRequest:
    """Every row of a list, in its default order."""
    return PageRequest(parse_sort(None, fields, default, fields["id"]))


@dataclass
class PageResult:
    rows: list[Any]
    next_cursor: str | None


_PAGE_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}
_PAGE_STATEMENTS_KEPT = 1024


# No statement carries more bound parameters than this: PostgreSQL refuses more than 65,535 and
# SQLite 32,766, and a CSV of everything can name every row. `IN` lists are sent in batches.
IN_BATCH = 1000


def batches(values: Iterable[Any]) -> Iterator[list[Any]]:
    """`values` in lists of at most IN_BATCH, for `column.in_(batch)`."""
    items = list(values)
    for start in range(0, len(items), IN_BATCH):
        yield items[start : start + IN_BATCH]


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
    key = None if shape is None else (*shape, sort.text, whole, resume)
    final = _PAGE_STATEMENTS.get(key) if key is not None else None
    if final is None:
        base = stmt() if callable(stmt) else stmt
        final = base.add_columns(
            *[field.key.label(label) for (field, _), label in zip(sort.keys, labels, strict=True)]
        ).order_by(*sort.ordering)
        if resume:
            final = final.where(sort.after)
        if not whole:
            final = final.limit(bindparam("_limit"))
        if key is not None:
            if len(_PAGE_STATEMENTS) >= _PAGE_STATEMENTS_KEPT:
                _PAGE_STATEMENTS.clear()
            _PAGE_STATEMENTS[key] = final
    values = dict(params or {})
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


def like_pattern(q: str) -> str:
    """The LIKE pattern matching `q` anywhere, case-insensitively (`\\` escapes)."""
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains_pattern(pattern: Any, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows where any of the columns, lowercased, is LIKE `pattern` (see like_pattern)."""
    return or_(*[func.lower(func.coalesce(c, "")).like(pattern, escape="\\") for c in columns])


def contains_text(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Case-insensitive substring match of `q` in any of the columns."""
    return contains_pattern(like_pattern(q), *columns)


def partial(row: Any, column: str) -> dict[str, Any]:
    """A stored partial date as its public pair: `column` and `column_precision`."""
    precision = row[f"{column}_precision"]
    return {column: format_partial(row[column], precision), f"{column}_precision": precision}


def number(value: float) -> int | float:
    """Whole numbers as integers, so 27600000000 is never shown as 27600000000.0."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value

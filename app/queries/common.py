"""Pieces every resource query shares: paging, batches, text matching, partial dates."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    any_,
    bindparam,
    func,
    or_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.visitors import InternalTraversal

from app.dates import format_partial
from app.models import Citation, Source
from app.vocabulary import resource_url

T = TypeVar("T")

CITATION = Citation.__table__  # type: ignore[attr-defined]
SOURCE = Source.__table__  # type: ignore[attr-defined]


# No statement carries more bound parameters than this: PostgreSQL refuses more than 65,535 and
# SQLite 32,766, and a CSV of everything can name every row. `IN` lists are sent in batches.
IN_BATCH = 1000


def batches(values: Iterable[T]) -> Iterator[list[T]]:
    """`values` in lists of at most IN_BATCH, for `Among` or `column.in_(batch)`: taken as they
    come, so that a stream (the loader's million facts) is never held whole."""
    items = iter(values)
    while batch := list(itertools.islice(items, IN_BATCH)):
        yield batch


class Among(ColumnElement[bool]):
    """`column` is one of the values of the list parameter `name` (given when the statement
    runs). SQLite reads the list as `IN (?, ?, ...)`; PostgreSQL as one array,
    `= ANY(%(name)s)`: a list of many values there was expanded again by SQLAlchemy on every
    run, and past 50 values parsed again by psycopg too (docs/PERFORMANCE.md, "What helped
    instead")."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it stands: not compared with 1 where no booleans
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own declaration)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


@compiles(Among)
def _among_listed(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(Among, "postgresql")
def _among_array(element: Among, compiler: SQLCompiler, **kw: Any) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(values), **kw)


def execute_many(conn: Connection, stmt: UpdateBase, rows: list[dict[str, Any]]) -> None:
    """`conn.execute(stmt, rows)`: one statement for many rows that share their keys.

    On SQLite the rows go straight to the driver's `executemany`, each value through the bind
    processor SQLAlchemy itself would use: the statement is compiled once per shape, where
    SQLAlchemy builds each row's parameters again in Python (about a sixth of a first load's
    writes at 10^6: docs/PERFORMANCE.md, "What SQLite itself spends on a first load"). A
    statement that would fill in a default, and every other database, go through SQLAlchemy.
    SQLAlchemy's cursor events do not see what goes to the driver; SQLite's own trace does."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, rows)
        return
    sql, names, processors = _compiled_for_many(conn.dialect, stmt, tuple(rows[0]))
    if names is None:  # a value the rows do not give (a default): SQLAlchemy fills it in
        conn.execute(stmt, rows)
        return
    converters = [(name, processors.get(name)) for name in names]
    values = [tuple(row[n] if p is None else p(row[n]) for n, p in converters) for row in rows]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


_MANY_SHAPES = 256


@functools.lru_cache(maxsize=_MANY_SHAPES)
def _compiled_for_many(
    dialect: Dialect, stmt: UpdateBase, keys: tuple[str, ...]
) -> tuple[str, list[str] | None, dict[str, Callable[[Any], Any]]]:
    """The SQL of `stmt` for rows with `keys`, its parameters in order (None if one is not
    among the keys), and each parameter's bind processor where it has one."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    names = list(compiled.positiontup or ())
    if not set(names) <= set(keys):
        return compiled.string, None, {}
    processors: dict[str, Callable[[Any], Any]] = {}
    for name in names:
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    return compiled.string, names, processors


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


def link(type_: str, ref: str) -> dict[str, str]:
    """A reference to another resource: its id and relative path."""
    return {"id": ref, "url": resource_url(type_, ref)}


def grouped(conn: Connection, stmt: Any, ids: list[str]) -> dict[str, list[str]]:
    """`stmt` (bound to `:ids`, expanding) answers (key, ref) pairs: each key's refs, in the
    order the statement gives them, each once."""
    found: dict[str, list[str]] = defaultdict(list)
    for batch in batches(ids):
        for key, ref in conn.execute(stmt, {"ids": batch}):
            if ref not in found[key]:
                found[key].append(ref)
    return found

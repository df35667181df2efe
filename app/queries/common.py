"""Pieces every resource query shares: paging, batches, text matching, partial dates."""

from __future__ import annotations

import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    Date,
    Insert,
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
from app.sqlite_inserts import insert_rows, values_group
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

    On SQLite the rows go straight to the driver, each value through the bind processor
    SQLAlchemy itself would use (for a date, a quicker one writing the same text): the
    statement is compiled once per shape, where SQLAlchemy builds each row's parameters again
    in Python (about a sixth of a first load's writes at 10^6: docs/PERFORMANCE.md, "What
    SQLite itself spends on a first load"). An insert carries many rows a statement, in their
    order (app/sqlite_inserts.py); any other statement goes one row at a time. A statement that
    would fill in a default, and every other database, go through SQLAlchemy. SQLAlchemy's
    cursor events do not see what goes to the driver; SQLite's own trace does."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, rows)
        return
    shape = _compiled_for_many(conn.dialect, stmt, tuple(rows[0]))
    if shape is None:  # a value the rows do not give (a default): SQLAlchemy fills it in
        conn.execute(stmt, rows)
        return
    values = shape.values(rows)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if shape.plain_insert:
            insert_rows(cursor, shape.sql, len(shape.names), values)
        else:
            cursor.executemany(shape.sql, values)
    finally:
        cursor.close()


_MANY_SHAPES = 256


@dataclass(frozen=True)
class _Shape:
    """A statement compiled for rows with given keys: its SQL, its parameters' names in order,
    each one's bind processor where it has one, and whether it is an insert of one VALUES
    group (which may carry many rows at once: `insert_rows`)."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    plain_insert: bool

    def values(self, rows: list[dict[str, Any]]) -> list[Any]:
        """Each row's parameters in order, each through its processor."""
        get = operator.itemgetter(*self.names)
        if len(self.names) == 1:
            found: list[Any] = [(get(row),) for row in rows]
        else:
            found = list(map(get, rows))
        if not self.processors:
            return found
        made = []
        for row in found:
            values = list(row)
            for at, process in self.processors:
                values[at] = process(values[at])
            made.append(values)
        return made


@functools.lru_cache(maxsize=_MANY_SHAPES)
def _compiled_for_many(dialect: Dialect, stmt: UpdateBase, keys: tuple[str, ...]) -> _Shape | None:
    """`stmt` compiled for rows with `keys` (None if a parameter is not among the keys)."""
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    if not set(names) <= set(keys):
        return None
    processors = []
    for at, name in enumerate(names):
        impl = compiled.binds[name].type.dialect_impl(dialect)
        processor = impl.bind_processor(dialect)
        if processor is not None:
            processors.append((at, _quicker(impl, processor)))
    group = " VALUES " + values_group(len(names))
    plain = isinstance(stmt, Insert) and compiled.string.endswith(group)
    return _Shape(compiled.string, names, tuple(processors), plain)


# How SQLAlchemy's SQLite DATE writes a date: what `date.isoformat` writes for every date.
_ISO_DATE = "%(year)04d-%(month)02d-%(day)02d"


def _quicker(impl: Any, processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`processor`, or for a date column stored as ISO text one that writes a `date` (not a
    datetime) by `isoformat`: the same text, with no formatting in Python (SQLAlchemy's own
    took 5 s of a first load of 10^6)."""
    if not (isinstance(impl, Date) and getattr(impl, "_storage_format", None) == _ISO_DATE):
        return processor

    def process(value: Any) -> Any:
        return value.isoformat() if type(value) is date else processor(value)

    return process


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

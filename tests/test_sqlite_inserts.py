"""`insert_rows` (app/sqlite_inserts.py): many rows to one SQLite insert, each row stored as
`executemany` would store it, in the order given, within SQLite's limit on parameters."""

from __future__ import annotations

import sqlite3

import pytest

from app.sqlite_inserts import ROWS_PER_INSERT, insert_rows

SQL = "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"


def _rows(count: int) -> list[tuple[object, ...]]:
    return [(n, f"row {n} — ü", None if n % 3 else n / 7) for n in range(count)]


def _stored(limit: int | None, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, a, b, c)")
    if limit is not None:
        conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    insert_rows(conn.cursor(), SQL, 3, rows)
    return conn.execute("SELECT a, b, c FROM t ORDER BY k").fetchall()


@pytest.mark.parametrize(
    "count", [0, 1, ROWS_PER_INSERT - 1, ROWS_PER_INSERT, 3 * ROWS_PER_INSERT + 7]
)
def test_rows_are_stored_in_the_order_given(count: int) -> None:
    rows = _rows(count)
    assert _stored(None, rows) == rows


@pytest.mark.parametrize("limit", [2, 3, 8, 100])
def test_no_statement_has_more_parameters_than_sqlite_allows(limit: int) -> None:
    """Fewer rows a statement where SQLite allows fewer parameters (one a statement where one
    row has as many as it allows, or more): an insert beyond the limit would be refused."""
    rows = _rows(2 * ROWS_PER_INSERT + 5)
    if limit < 3:
        with pytest.raises(sqlite3.OperationalError):
            _stored(limit, rows)  # one row is already too many: SQLite's own refusal
        return
    assert _stored(limit, rows) == rows


def test_a_statement_that_is_not_one_values_group_is_refused() -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(ValueError, match="not an insert of one VALUES group"):
        insert_rows(conn.cursor(), "INSERT INTO t SELECT 1, 2, 3", 3, _rows(2))

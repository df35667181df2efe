"""Many rows to one SQLite INSERT.

Run once per row (`executemany`), an insert opens its table and each of its indexes again, and
runs its triggers as a statement of their own. Carrying many rows in one statement
(`INSERT ... VALUES (...), (...), ...`) does that once: at 10^6 statistics the loader's
citations took 15.3 s to write one row a statement and 9.2 s 200 rows a statement, its search
documents 12.9 s and 6.8 s, its statistics 10.7 s and 9.0 s; 1,000 rows a statement gained
little more, or lost (docs/PERFORMANCE.md, "Many rows to an INSERT", `bench/many_rows.py`). The
loader's writes (app/queries/common.py `execute_many`) and the seed's scratch store
(app/seed/spill.py) both write so.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

ROWS_PER_INSERT = 200


def values_group(width: int) -> str:
    """The VALUES group of one row of `width` parameters."""
    return "(" + ", ".join("?" * width) + ")"


def insert_rows(cursor: Any, sql: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
    """`cursor.executemany(sql, rows)`, for `sql` an insert that ends in one VALUES group of
    `width` parameters: ROWS_PER_INSERT rows a statement (fewer if SQLite allows fewer
    parameters to one), in their order, so that each row's key is given in that order; the
    rows left over one a statement."""
    group = values_group(width)
    if not sql.endswith(" VALUES " + group):
        raise ValueError(f"not an insert of one VALUES group of {width}: {sql}")
    limit = cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_INSERT, limit // max(width, 1)))
    whole = len(rows) - len(rows) % per if per > 1 else 0
    if whole:
        many = sql + (", " + group) * (per - 1)
        for start in range(0, whole, per):
            cursor.execute(many, list(itertools.chain.from_iterable(rows[start : start + per])))
    if whole < len(rows):
        cursor.executemany(sql, rows[whole:])

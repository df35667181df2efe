"""What writing a table's rows costs SQLite, by how many rows each INSERT carries.

Every row of TABLE in a loaded database is read into memory, then written into a freshly
migrated database (in rollback-journal mode, with foreign keys on and the covering sort indexes
dropped, as a first load writes), in one transaction rolled back at the end, each of these ways:
one row a statement (`executemany`), ROWS rows a statement for each ROWS given, and by SQL alone
(`INSERT ... SELECT`, no Python per row). The rows it refers to (by its foreign keys, and
theirs) are copied first.

Usage: .venv/bin/python bench/many_rows.py [--without-triggers] LOADED.db FRESH.db TABLE [ROWS ...]
FRESH.db is migrated (`korus-facts migrate`) and empty; it is left empty. Prints seconds.
With `--without-triggers`, TABLE's triggers are dropped first (inside the transaction): what
they cost (docs/PERFORMANCE.md, session 24).
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import time


def _parents(conn: sqlite3.Connection, table: str, seen: list[str]) -> list[str]:
    """The tables `table`'s foreign keys lead to, each before the tables that refer to it."""
    for (parent,) in conn.execute(
        'SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', (table,)
    ).fetchall():
        if parent != table and parent not in seen:
            _parents(conn, parent, seen)
            seen.append(parent)
    return seen


def _write(fresh: str, loaded: str, table: str, per: int | None, triggers: bool) -> float:
    conn = sqlite3.connect(fresh, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("ATTACH DATABASE ? AS loaded", (loaded,))
    rows = conn.execute(f"SELECT * FROM loaded.{table} ORDER BY rowid").fetchall()
    columns = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
    conn.execute("BEGIN")
    for (name,) in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'index' AND name LIKE 'ix_sort_%'"
    ).fetchall():
        conn.execute(f"DROP INDEX main.{name}")
    if not triggers:
        for (name,) in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
        ).fetchall():
            conn.execute(f"DROP TRIGGER main.{name}")
    for parent in _parents(conn, table, []):
        conn.execute(f"INSERT INTO main.{parent} SELECT * FROM loaded.{parent}")
    group = "(" + ", ".join("?" * len(columns)) + ")"
    one = f"INSERT INTO main.{table} ({', '.join(columns)}) VALUES {group}"
    began = time.perf_counter()
    if per is None:
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM loaded.{table} ORDER BY rowid")
    elif per == 1:
        for start in range(0, len(rows), 5000):
            conn.executemany(one, rows[start : start + 5000])
    else:
        many = one + (", " + group) * (per - 1)
        whole = len(rows) - len(rows) % per
        for start in range(0, whole, per):
            conn.execute(many, list(itertools.chain.from_iterable(rows[start : start + per])))
        conn.executemany(one, rows[whole:])
    took = time.perf_counter() - began
    conn.execute("ROLLBACK")
    conn.close()
    return took


def main() -> None:
    args = sys.argv[1:]
    triggers = "--without-triggers" not in args
    loaded, fresh, table, *sizes = [a for a in args if a != "--without-triggers"]
    for per in [1, *(int(s) for s in sizes or ["200"]), None]:
        how = "INSERT ... SELECT" if per is None else f"{per} row(s) a statement"
        took = _write(fresh, loaded, table, per, triggers)
        print(f"{table:16s} {how:24s} {took:6.1f} s", flush=True)


if __name__ == "__main__":
    main()

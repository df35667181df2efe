"""What SQLite itself spends on a first load's writes: every row of a loaded database copied by
SQL (`INSERT ... SELECT`, no Python per row) into a freshly migrated one, in one transaction,
with the loader's own handling of the indexes (the covering sort index dropped and built after
the rows, the full-text indexes caught up from the triggers' notes) and the commit. No loader
can write the same rows for less, whatever it does in Python; so this, plus the reading and
checking that must come before any write, bounds a first load from below.

Usage: .venv/bin/python bench/write_floor.py LOADED.db FRESH.db
FRESH.db must be migrated (`korus-facts migrate`) and empty. Prints each step's seconds.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import text
from sqlmodel import SQLModel

from app.db import make_engine, serialise_writers, writing
from app.queries import search_index
from app.schema import SQLITE_COVERING, sort_index_sql
from app.seed.loader import _TABLES


def main() -> None:
    loaded, fresh = sys.argv[1], sys.argv[2]
    engine = make_engine(f"sqlite:///{fresh}")
    began = time.perf_counter()
    last = began

    def report(step: str) -> None:
        nonlocal last
        now = time.perf_counter()
        print(f"{now - began:7.1f} s  {now - last:6.1f} s  {step}", flush=True)
        last = now

    try:
        with writing(engine) as conn:
            # outside the transaction: SQLite attaches no database inside one
            conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                "ATTACH DATABASE ? AS loaded", (loaded,)
            )
            conn.begin()
            serialise_writers(conn)
            for name in SQLITE_COVERING:
                conn.execute(text(f"DROP INDEX {name}"))
            # parents before the rows that refer to them
            for table in SQLModel.metadata.sorted_tables:
                name = table.name
                if name not in _TABLES:
                    continue
                columns = ", ".join(c.name for c in table.c)
                conn.execute(
                    text(
                        f"INSERT INTO main.{name} ({columns}) "
                        f"SELECT {columns} FROM loaded.{name} ORDER BY rowid"
                    )
                )
                report(f"{name} rows")
            search_index.catch_up(conn, changed=True)
            report("full-text indexes")
            for name in SQLITE_COVERING:
                conn.execute(text(sort_index_sql(name, "sqlite")))
            report("covering index")
            conn.commit()
        report("commit")
    finally:
        engine.dispose()
    print(f"{time.perf_counter() - began:7.1f} s  in all")


if __name__ == "__main__":
    main()

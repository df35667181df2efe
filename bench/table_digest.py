"""A digest of every row of every table of a SQLite database, to show that two loads (two
versions of the code, say) wrote the same data.

Usage: .venv/bin/python bench/table_digest.py A.db [B.db]

Prints each table's row count and a digest of its rows in rowid order; given two databases,
prints only the tables that differ and exits 1 if any do. Left out: the load's own bookkeeping
(when it ran, the change logs, the migration), and the internal tables of the full-text indexes
(the indexes themselves are compared by what they hold). `dataset` differs between two versions
of the code by its `code_identity` alone.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

SKIPPED = {"dataset_load", "alembic_version"}
FTS_SHADOW = ("_data", "_idx", "_docsize", "_config", "_content")


def digests(path: str) -> dict[str, tuple[int, str]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found: dict[str, tuple[int, str]] = {}
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for name in sorted(names):
        if name.startswith("sqlite_") or name in SKIPPED:
            continue
        if "fts" in name and name.endswith(FTS_SHADOW):
            continue
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{name}")')]
        kept = ", ".join(f'"{c}"' for c in columns if c != "loaded_at")
        digest, count = hashlib.sha256(), 0
        for row in db.execute(f'SELECT {kept} FROM "{name}" ORDER BY rowid'):
            digest.update(repr(row).encode())
            count += 1
        found[name] = (count, digest.hexdigest()[:16])
    db.close()
    return found


def main() -> None:
    first = digests(sys.argv[1])
    if len(sys.argv) < 3:
        for name, (count, digest) in first.items():
            print(f"{name:32s} {count:10,d} {digest}")
        return
    second = digests(sys.argv[2])
    differ = sorted(n for n in first.keys() | second.keys() if first.get(n) != second.get(n))
    for name in differ:
        print(f"{name:32s} {first.get(name)} {second.get(name)}")
    print(f"{len(first)} tables, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

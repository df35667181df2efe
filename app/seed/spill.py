"""Where a seed waits while it is checked and loaded: a scratch SQLite file, not memory.

The reader writes each validated entry here as it reads it (its canonical JSON, with its file,
position and line), and each placed quote; the checks and the loader read them back a batch at a
time, look them up by id, and sort what must be compared (a discrepancy's group, a series) on
disk. So the seed's size costs disk, and memory stays that of a batch. The file is SQLite's
own temporary database: private to the connection, in the temporary directory (SQLITE_TMPDIR or
TMPDIR), and unlinked as soon as it is opened, so that nothing is left behind even by a process
that is killed. A worker process that needs the seed reads a copy of it (`copy_to`), a scratch
file of the worker's, removed with it (app/seed/worker.py).
"""

from __future__ import annotations

import pickle
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from app.sqlite_inserts import insert_rows

# Rows read back at a time.
BATCH = 2000

_SCHEMA = (
    "CREATE TABLE entry (kind TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT, file TEXT NOT NULL,"
    " idx INTEGER NOT NULL, line INTEGER, body TEXT NOT NULL, PRIMARY KEY (kind, seq))",
    "CREATE INDEX entry_id ON entry (kind, id, seq)",
    "CREATE TABLE span (kind TEXT NOT NULL, seq INTEGER NOT NULL, position INTEGER NOT NULL,"
    " id TEXT NOT NULL, source TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
    " prefix TEXT NOT NULL, suffix TEXT NOT NULL, as_reported TEXT,"
    " PRIMARY KEY (kind, seq, position))",
    "CREATE INDEX span_id ON span (kind, id, position, seq)",
    "CREATE INDEX span_source ON span (source)",
    "CREATE TABLE grouped (name TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " payload BLOB NOT NULL)",
    "CREATE TABLE stored (name TEXT NOT NULL, key TEXT NOT NULL, pk INTEGER,"
    " digest BLOB NOT NULL, seen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (name, key))",
    "CREATE TABLE held (name TEXT NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL,"
    " PRIMARY KEY (name, seq))",
)

EntryRow = tuple[int, str | None, str, int, int | None, str]  # seq, id, file, index, line, body
SpanRow = tuple[str, int, int, str, str, int, int, str, str, str | None]


class Spill:
    """The scratch store of one seed being read."""

    def __init__(self, copy: str = "", counts: dict[str, int] | None = None) -> None:
        """A new store, or with `copy` one that `copy_to` wrote, holding `counts` entries of
        each kind (a worker's: app/seed/derived.py)."""
        # a temporary database on disk, deleted on close; one thread at a time, any thread
        self._conn = sqlite3.connect(copy, check_same_thread=False)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-16384"):
            self._conn.execute(f"PRAGMA {pragma}")
        if not copy:
            for statement in _SCHEMA:
                self._conn.execute(statement)
        self._counts: dict[str, int] = dict(counts or {})
        self._gathered: dict[str, int] = {}  # rows kept so far under each name (`gather`)
        self._finalizer = weakref.finalize(self, self._conn.close)

    def close(self) -> None:
        self._finalizer()

    def copy_to(self, path: str) -> None:
        """Write the whole store to a file of its own, for a worker to read (`Spill(copy=path)`)."""
        self._conn.commit()
        target = sqlite3.connect(path)
        try:
            self._conn.backup(target)
        finally:
            target.close()

    @property
    def counts(self) -> dict[str, int]:
        """How many entries of each kind the store holds."""
        return dict(self._counts)

    # entries

    def add_entries(
        self, kind: str, rows: Iterable[tuple[str | None, str, int, int | None, str]]
    ) -> None:
        """Append entries of `kind`: (id, file, index in file, line or None, canonical JSON)."""
        count = self._counts.get(kind, 0)
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append((kind, count, *row))
            count += 1
            if len(batch) >= BATCH:
                self._insert("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)", 7, batch)
                batch.clear()
        self._insert("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?)", 7, batch)
        self._counts[kind] = count

    def _insert(self, sql: str, width: int, rows: Sequence[Any]) -> None:
        cursor = self._conn.cursor()
        try:
            insert_rows(cursor, sql, width, rows)
        finally:
            cursor.close()

    def count(self, kind: str) -> int:
        return self._counts.get(kind, 0)

    def entries(self, kind: str) -> Iterator[EntryRow]:
        """Every entry of `kind` in the order read."""
        yield from self._batches(
            "SELECT seq, id, file, idx, line, body FROM entry WHERE kind = ? AND seq >= ? "
            "ORDER BY seq LIMIT ?",
            kind,
        )

    def _batches(self, sql: str, *args: Any) -> Iterator[Any]:
        # keyset batches, so that no cursor stays open while the caller writes to the store
        after = 0
        while True:
            rows = self._conn.execute(sql, (*args, after, BATCH)).fetchall()
            yield from rows
            if len(rows) < BATCH:
                return
            after = rows[-1][0] + 1

    def entry(self, kind: str, entry_id: str) -> EntryRow | None:
        """The first entry of `kind` with this id."""
        row = self._conn.execute(
            "SELECT seq, id, file, idx, line, body FROM entry INDEXED BY entry_id "
            "WHERE kind = ? AND id = ? ORDER BY seq LIMIT 1",
            (kind, entry_id),
        ).fetchone()
        return row  # type: ignore[no-any-return]

    def has(self, kind: str, entry_id: str) -> bool:
        found = self._conn.execute(
            "SELECT 1 FROM entry INDEXED BY entry_id WHERE kind = ? AND id = ? LIMIT 1",
            (kind, entry_id),
        ).fetchone()
        return found is not None

    def duplicates(self, kind: str) -> Iterator[EntryRow]:
        """Every entry of `kind` whose id an earlier entry already has, in the order read."""
        yield from self._conn.execute(
            "SELECT e.seq, e.id, e.file, e.idx, e.line, e.body FROM entry e JOIN "
            "(SELECT id, min(seq) AS first FROM entry WHERE kind = ? AND id IS NOT NULL "
            "GROUP BY id HAVING count(*) > 1) d ON e.id = d.id AND e.seq > d.first "
            "WHERE e.kind = ? ORDER BY e.seq",
            (kind, kind),
        ).fetchall()

    def values(self, kind: str, field: str) -> set[Any]:
        """Every value the entries of `kind` give a top-level field (None where one has none),
        read from their JSON by SQLite: no entry is decoded."""
        rows = self._conn.execute(
            "SELECT DISTINCT json_extract(body, '$.' || ?) FROM entry WHERE kind = ?",
            (field, kind),
        )
        return {value for (value,) in rows}

    def entries_with(self, kind: str, field: str) -> Iterator[EntryRow]:
        """The entries of `kind` that give a top-level field a value (not null), in the order
        read: found by SQLite in their JSON, none of the others decoded."""
        yield from self._batches(
            "SELECT seq, id, file, idx, line, body FROM entry WHERE kind = ? "
            "AND json_extract(body, '$.' || ?) IS NOT NULL AND seq >= ? ORDER BY seq LIMIT ?",
            kind,
            field,
        )

    def bodies_by_id(self, kind: str) -> Iterator[str]:
        """Every entry's JSON of `kind`, in id order (what the seed's version digests)."""
        cursor = self._conn.execute(
            "SELECT body FROM entry INDEXED BY entry_id WHERE kind = ? ORDER BY id, seq", (kind,)
        )
        while rows := cursor.fetchmany(BATCH):
            for (body,) in rows:
                yield body

    # placed quotes

    def add_spans(self, rows: Sequence[SpanRow]) -> None:
        """(kind, entry seq, citation position, fact id, source, start, end, prefix, suffix,
        as_reported) for each placed quote."""
        self._insert("INSERT OR REPLACE INTO span VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 10, rows)

    def span(self, kind: str, fact_id: str, position: int) -> tuple[int, int, str, str] | None:
        row = self._conn.execute(
            "SELECT start, end, prefix, suffix FROM span INDEXED BY span_id "
            "WHERE kind = ? AND id = ? AND position = ? ORDER BY seq LIMIT 1",
            (kind, fact_id, position),
        ).fetchone()
        return row  # type: ignore[no-any-return]

    def spans_of_kind(self, kind: str) -> Iterator[tuple[int, str, int, int, int, str, str]]:
        """(entry seq, fact id, position, start, end, prefix, suffix) of every quote placed for
        `kind`, in the order read."""
        yield from _fetched(
            self._conn.execute(
                "SELECT seq, id, position, start, end, prefix, suffix FROM span WHERE kind = ? "
                "ORDER BY seq, position",
                (kind,),
            )
        )

    def span_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM span").fetchone()[0])

    def spans_of_source(self, source: str) -> list[tuple[str, str, int, int, str | None]]:
        """(kind, fact id, start, end, as_reported) of every quote placed in `source`, in the
        order the facts were read."""
        return self._conn.execute(
            "SELECT kind, id, start, end, as_reported FROM span INDEXED BY span_source "
            "WHERE source = ? "
            "ORDER BY kind, seq, position",
            (source,),
        ).fetchall()

    # a table's stored rows, to compare the wanted rows against

    def remember(self, name: str, rows: Iterable[tuple[str, int | None, bytes]]) -> None:
        """Keep (key, pk, digest) of each stored row of table `name` (what was kept before goes)."""
        self._conn.execute("DELETE FROM stored WHERE name = ?", (name,))
        self._conn.executemany(
            "INSERT INTO stored (name, key, pk, digest) VALUES (?, ?, ?, ?)",
            ((name, *row) for row in rows),
        )

    def recall(self, name: str, key: str) -> tuple[int | None, bytes] | None:
        """The (pk, digest) of the stored row with this key, which is marked as wanted."""
        found = self._conn.execute(
            "UPDATE stored SET seen = 1 WHERE name = ? AND key = ? RETURNING pk, digest",
            (name, key),
        ).fetchone()
        return found  # type: ignore[no-any-return]

    def unwanted(self, name: str) -> list[tuple[str, int | None]]:
        """(key, pk) of every stored row of `name` that no wanted row recalled."""
        return self._conn.execute(
            "SELECT key, pk FROM stored WHERE name = ? AND seen = 0 ORDER BY key", (name,)
        ).fetchall()

    def hold(self, name: str, rows: Iterable[Any]) -> None:
        """Keep `rows` under `name`, after what is held there already, until `release`."""
        start = self._conn.execute(
            "SELECT coalesce(max(seq) + 1, 0) FROM held WHERE name = ?", (name,)
        ).fetchone()[0]
        self._conn.executemany(
            "INSERT INTO held VALUES (?, ?, ?)",
            ((name, start + n, pickle.dumps(row)) for n, row in enumerate(rows)),
        )

    def release(self, name: str) -> Iterator[list[Any]]:
        """What is held under `name`, in the order given, BATCH rows at a time; then it is gone."""
        cursor = self._conn.execute("SELECT payload FROM held WHERE name = ? ORDER BY seq", (name,))
        while batch := cursor.fetchmany(BATCH):
            yield [pickle.loads(payload) for (payload,) in batch]
        self._conn.execute("DELETE FROM held WHERE name = ?", (name,))

    def entries_at(self, kind: str, seqs: list[int]) -> list[EntryRow]:
        """The entries of `kind` at these places in the order read, in that order."""
        found: list[EntryRow] = []
        for start in range(0, len(seqs), BATCH):
            batch = sorted(seqs[start : start + BATCH])
            found += self._conn.execute(
                "SELECT seq, id, file, idx, line, body FROM entry "
                f"WHERE kind = ? AND seq IN ({','.join('?' * len(batch))}) ORDER BY seq",
                (kind, *batch),
            ).fetchall()
        return found

    # sorting on disk

    def gather(self, name: str, rows: Iterable[tuple[str, int]]) -> None:
        """Keep `rows` (key, number) under `name`, after those kept before, to be grouped by
        `repeated_gathered`: only keys and numbers are written, so the many cost no payload."""
        first = self._gathered.get(name, 0)
        if not first:
            self._conn.execute("DELETE FROM grouped WHERE name = ?", (name,))
        numbered = [(name, key, n, value) for n, (key, value) in enumerate(rows, first + 1)]
        self._conn.executemany("INSERT INTO grouped VALUES (?, ?, ?, ?)", numbered)
        self._gathered[name] = first + len(numbered)

    def repeated_gathered(self, name: str) -> Iterator[list[int]]:
        """Of the rows gathered under `name`, the numbers of each key given more than once,
        grouped by key in key order, each group in the order given; a key given once is
        dropped unread. The rows are gone once the caller has every group."""
        self._gathered.pop(name, None)
        yield from self._read_groups(
            name,
            "AND key IN (SELECT key FROM grouped WHERE name = :name GROUP BY key "
            "HAVING count(*) > 1)",
        )

    def groups(self, name: str, rows: Iterable[tuple[str, Any]]) -> Iterator[list[Any]]:
        """`rows` of (key, payload) grouped by key, in key order, each group in the order given.
        The payloads are pickled to disk meanwhile."""
        pickled = ((key, pickle.dumps(payload)) for key, payload in rows)
        for group in self._grouped(name, pickled, ""):
            yield [pickle.loads(payload) for payload in group]

    def _grouped(self, name: str, rows: Iterable[tuple[str, Any]], which: str) -> Iterator[Any]:
        # rows written under `name`, read back in key order (`which` narrows the keys), a run of
        # equal keys at a time; the scratch rows are gone once the caller has them all
        self._conn.execute("DELETE FROM grouped WHERE name = ?", (name,))
        self._conn.executemany(
            "INSERT INTO grouped VALUES (?, ?, ?, ?)",
            ((name, key, n, value) for n, (key, value) in enumerate(rows)),
        )
        yield from self._read_groups(name, which)

    def _read_groups(self, name: str, which: str) -> Iterator[Any]:
        cursor = self._conn.execute(
            f"SELECT key, payload FROM grouped WHERE name = :name {which} ORDER BY key, seq",
            {"name": name},
        )
        group: list[Any] = []
        current: str | None = None
        for key, value in _fetched(cursor):
            if group and key != current:
                yield group
                group = []
            current = key
            group.append(value)
        if group:
            yield group
        self._conn.execute("DELETE FROM grouped WHERE name = ?", (name,))


def _fetched(cursor: sqlite3.Cursor) -> Iterator[Any]:
    while rows := cursor.fetchmany(BATCH):
        yield from rows

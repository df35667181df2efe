"""Engine construction: the same code path for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import create_engine

from app.native import ranker

WRITERS_LOCK = 0x4B4F5255  # "KORU": the PostgreSQL advisory lock that migrations and loads share
WRITE_BEGIN = "BEGIN IMMEDIATE"
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite statement waits for a lock
WAIT_POLL_MS = 1_000  # how long a waiting writer waits between two tries (and before it says so)


# Rows per multi-row INSERT: a statistic has ~25 columns, so a statement carries at most ~5,000
# bound parameters (PostgreSQL refuses more than 65,535; SQLAlchemy's default page is 1,000 rows).
INSERT_PAGE_ROWS = 200


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs to serve readers during a reload."""
    kwargs.setdefault("insertmanyvalues_page_size", INSERT_PAGE_ROWS)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        ranker()  # before any connection opens: each then has search's ranking function
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and never issues BEGIN IMMEDIATE;
    # take control so that a writer locks the database up front instead of failing midway.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _write_ahead_log(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        mode = options.get("sqlite_begin", "BEGIN")
        if mode != WRITE_BEGIN:
            connection.exec_driver_sql(mode)
            return
        # A writer waits for the running one as long as it takes, saying so once, instead of
        # giving up after the busy timeout with a "database is locked" traceback.
        raw = connection.connection.dbapi_connection
        raw.execute(f"PRAGMA busy_timeout={WAIT_POLL_MS}")
        try:
            _retry_while_locked(lambda: raw.execute(WRITE_BEGIN), options.get("on_wait"))
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _write_ahead_log(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so), so that readers read while a load writes. A first
    load that has the file to itself writes it through a rollback journal instead
    (`rollback_journal_while_alone`): until it ends the mode cannot change, and this connection
    opens as the file is (without waiting longer than a poll), and the load puts WAL back when
    it ends. Leaves the connection's busy timeout at BUSY_TIMEOUT_MS."""
    cursor.execute(f"PRAGMA busy_timeout={WAIT_POLL_MS}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        if not locked(exc):
            raise
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def locked(exc: BaseException | None) -> bool:
    """Whether SQLite gave up waiting for a lock another connection holds."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc)
    )


@contextmanager
def rollback_journal_while_alone(conn: Connection) -> Iterator[bool]:
    """Outside a transaction, on SQLite: if no other connection has the file open, write it
    through a rollback journal until the block ends, then go back to WAL; yields whether it did.

    In WAL mode every page a load writes goes to the log and is copied into the file at the
    commit, and each page read looks through the log's index first: at 10^6 statistics the
    commit alone copied 6 GB (26 s), and the rows were written about a third slower (docs/
    PERFORMANCE.md, "A first load through a rollback journal"). A rollback journal writes each
    new page once, and the transaction stays atomic: a load killed midway is rolled back by the
    next connection that opens the file. The price: while the load writes, no one else reads the
    file (each statement waits up to the busy timeout, and the API then answers 503). So it is
    only asked for when no one else has the file open (SQLite refuses to leave WAL otherwise),
    and the loader asks only for a first load, when there is nothing yet to read."""
    if conn.dialect.name != "sqlite":
        yield False
        return
    raw: Any = conn.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout=0")  # someone else has the file open: say so at once
    try:
        alone = raw.execute("PRAGMA journal_mode=DELETE").fetchall() == [("delete",)]
    except sqlite3.OperationalError as exc:
        if not locked(exc):
            raise
        alone = False
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        yield alone
    finally:
        if alone:
            _write_ahead_log(raw.cursor())  # or the next connection to open the file does


def _retry_while_locked(begin: Callable[[], Any], on_wait: Callable[[], None] | None) -> None:
    said = False
    while True:
        try:
            begin()
            return
        except sqlite3.OperationalError as exc:
            if not locked(exc):
                raise
            if not said and on_wait is not None:
                on_wait()
                said = True


def say_waiting() -> None:
    print(
        "waiting for another writer (a load or a migration) to finish...",
        file=sys.stderr,
        flush=True,
    )


def writing(engine: Engine, on_wait: Callable[[], None] | None = say_waiting) -> Connection:
    """A connection for one writing transaction that waits for every other writer: migrations
    and loads run one at a time, whichever process starts them (compose replicas all migrate and
    load on start). SQLite: `BEGIN IMMEDIATE` takes the write lock before anything is read.
    PostgreSQL: `serialise_writers` inside the transaction. Either way a writer that has to
    wait calls `on_wait` once and waits as long as the running writer needs."""
    return engine.connect().execution_options(sqlite_begin=WRITE_BEGIN, on_wait=on_wait)


def serialise_writers(conn: Connection) -> None:
    """Inside a writing transaction: wait until no other migration or load is running."""
    if conn.dialect.name == "postgresql":
        lock = {"id": WRITERS_LOCK}
        if not conn.execute(text("SELECT pg_try_advisory_xact_lock(:id)"), lock).scalar():
            on_wait = conn.get_execution_options().get("on_wait")
            if on_wait is not None:
                on_wait()
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), lock)

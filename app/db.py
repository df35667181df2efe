"""Engine construction: the same code path for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlmodel import create_engine

WRITERS_LOCK = 0x4B4F5255  # "KORU": the PostgreSQL advisory lock that migrations and loads share


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs to serve readers during a reload."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "BEGIN")
        connection.exec_driver_sql(mode)


def writing(engine: Engine) -> Connection:
    """A connection for one writing transaction that waits for every other writer: migrations
    and loads run one at a time, whichever process starts them (compose replicas all migrate and
    load on start). SQLite: `BEGIN IMMEDIATE` takes the write lock before anything is read.
    PostgreSQL: `serialise_writers` inside the transaction."""
    return engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE")


def serialise_writers(conn: Connection) -> None:
    """Inside a writing transaction: wait until no other migration or load is running."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": WRITERS_LOCK})

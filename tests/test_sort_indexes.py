"""Every list's default order is read from an index, on both databases: the planner is shown the
exact statements a request runs and must choose the sort index for them (so a deep page costs
what a first page does, and no page sorts the whole table)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.schema import SORT_INDEXES
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import traced


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            # a tiny table is cheaper to sort than to read by index: ask whether it *can*
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")
            cursor.execute("EXPLAIN " + statement, parameters)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        plan = "\n".join(str(row) for row in cursor.fetchall())
        cursor.close()
        conn.rollback()
        return plan


@pytest.mark.parametrize(
    ("path", "index"),
    [
        ("/v1/statistics", "ix_sort_statistic"),
        ("/v1/sources", "ix_sort_source"),
        ("/v1/provisions", "ix_sort_provision"),
        ("/v1/meetings", "ix_sort_meeting"),
        ("/v1/milestones", "ix_sort_milestone"),
        ("/v1/people", "ix_sort_person"),
        ("/v1/organizations", "ix_sort_organization"),
        ("/v1/statements", "ix_sort_statement"),
        ("/v1/series", "ix_sort_series"),
    ],
)
def test_first_and_later_pages_read_the_sort_index(seeded_url: str, path: str, index: str) -> None:
    assert index in SORT_INDEXES
    table = SORT_INDEXES[index][0]
    app = create_app(Settings(database_url=seeded_url, response_cache_mb=0))
    with TestClient(app) as client:
        engine: Engine = app.state.engine
        with _statements(engine) as seen:
            first = client.get(path, params={"limit": 2})
            assert first.status_code == 200, first.text
            second = client.get(first.json()["next"])
            assert second.status_code == 200
        pages = [(s, p) for s, p in seen if "LIMIT" in s and f"FROM {table}" in s]
        assert len(pages) == 2, seen
        assert "count(*)" not in " ".join(s.lower() for s, _ in seen)  # no page counts its list
        for statement, parameters in pages:
            plan = _plan(engine, statement, parameters)
            assert index in plan, plan


def _indexes(engine: Engine) -> list[tuple[str, str]]:
    """Every index's name and definition, as the database itself states it."""
    if engine.dialect.name == "postgresql":
        statement = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "ORDER BY indexname"
        )
    else:
        statement = (
            "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
    with engine.connect() as conn:
        return [(name, definition) for name, definition in conn.exec_driver_sql(statement)]


class _Stop(Exception):
    pass


def test_a_first_load_leaves_the_indexes_as_migrated_whether_it_fails_or_not(
    engine: Engine,
) -> None:
    """A first load on SQLite builds the covering sort index after the rows (app/seed/loader.py):
    inside its transaction, so that a load that fails part-way has dropped nothing, and one that
    succeeds leaves the very index the migrations made."""
    migrated = _indexes(engine)
    assert "ix_sort_statistic" in dict(migrated)
    bundle = read_seed(SEED_DIR)

    def fail_late(step: str) -> None:
        if step == "search index":  # after every statistic and its document are written
            raise _Stop

    with pytest.raises(_Stop):
        load_seed(engine, bundle, progress=fail_late)
    assert _indexes(engine) == migrated
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM statistic").scalar() == 0

    load_seed(engine, read_seed(SEED_DIR))
    assert _indexes(engine) == migrated
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM statistic").scalar()


def test_a_first_load_sorts_the_covering_index_with_a_helper_thread_a_core(
    engine: Engine,
) -> None:
    """SQLite sorts a new index's entries with as many helper threads as it is allowed, none
    unless told: a first load allows one a core while it builds the covering index, and gives
    its connection back as it found it. PostgreSQL builds no index in a load."""
    seen = traced(engine)
    load_seed(engine, read_seed(SEED_DIR))
    if engine.dialect.name != "sqlite":
        assert not [s for s in seen if s.lstrip().upper().startswith(("PRAGMA", "CREATE INDEX"))]
        return
    build = next(i for i, s in enumerate(seen) if s.startswith("CREATE INDEX ix_sort_statistic"))
    allowed = [s for s in seen[:build] if s.startswith("PRAGMA threads =")]
    assert allowed[-1] == f"PRAGMA threads = {os.cpu_count() or 1}"
    given_back = next(s for s in seen[build:] if s.startswith("PRAGMA threads ="))
    assert given_back == "PRAGMA threads = 0"

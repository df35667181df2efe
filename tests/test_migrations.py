"""Alembic is the only way the schema is made: it goes up, down and up again, and it agrees with
the models, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app import schema
from app.db import make_engine
from app.models import metadata


def _diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # SQLite's reflection cannot read the expression indexes of migration 0005 and says
            # so; include_object leaves them out (tests/test_sort_indexes.py checks them).
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index ix_sort_"
            )
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": schema.include_object}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {n for n in names if schema.include_object(None, n, "table", True, None)}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    schema.upgrade(empty_url)
    assert _tables(empty_url) == set(metadata.tables)
    schema.downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    schema.upgrade(empty_url)
    assert _tables(empty_url) == set(metadata.tables)


def test_models_and_migrations_agree(migrated_url: str) -> None:
    assert _diff(migrated_url) == []


def test_upgrade_twice_is_harmless(migrated_url: str) -> None:
    schema.upgrade(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision(migrated_url)
    finally:
        engine.dispose()


def test_concurrent_migrations_run_one_at_a_time(empty_url: str) -> None:
    # Compose replicas all run `korus-facts migrate` on start, against one empty database: each
    # must wait for the one before it, then find the schema at head.
    env = {**os.environ, "DATABASE_URL": empty_url}
    command = [sys.executable, "-m", "app.cli", "migrate"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert _tables(empty_url) == set(metadata.tables)
    assert _diff(empty_url) == []

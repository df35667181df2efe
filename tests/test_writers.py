"""A second writer waits for the first as long as it takes, says that it is waiting, and then
does its work: never a "database is locked" traceback (SQLite gave up after 30 s before)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.db import serialise_writers, writing
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit

HOLD = 4.0  # seconds the first writer keeps the lock; longer than one poll of the second


@pytest.mark.slow
@pytest.mark.parametrize("command", ["load", "migrate"])
def test_a_second_writer_waits_and_says_so(
    engine: Engine, migrated_url: str, seed_copy: Path, command: str
) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    edit(seed_copy / "milestones.yaml", "title: KORUS enters into force", "title: In force")
    args = ["--seed-dir", str(seed_copy)] if command == "load" else []
    with writing(engine, on_wait=None) as holder:
        first = holder.begin()  # SQLite: BEGIN IMMEDIATE, the write lock
        if holder.dialect.name == "postgresql":
            serialise_writers(holder)
        second = subprocess.Popen(
            [sys.executable, "-m", "app.cli", command, *args, "--database-url", migrated_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(HOLD)
        assert second.poll() is None, "the second writer did not wait"
        first.rollback()
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "waiting for another writer" in err
    assert err.count("waiting") == 1
    assert "Traceback" not in err
    if command == "load":
        assert "'In force'" in str(dump(engine)["milestone"])

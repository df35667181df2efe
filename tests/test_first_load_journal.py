"""A first load into a SQLite file that no one else has open writes it through a rollback
journal, not the write-ahead log (app/db.py, `rollback_journal_while_alone`), and leaves the file
in WAL mode; any other load, or a first load while the file is open elsewhere, keeps WAL, so that
readers read while it writes. What is written is the same either way. Meanwhile the file is the
load's: a connection opened then still opens, a request waits for its turn and then answers a
503 to retry, and a load killed midway leaves the file as it was."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from app import db, schema
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit, traced

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

TO_DELETE = "PRAGMA journal_mode=DELETE"
KILLS = 5


def _path(url: str) -> str:
    return url.split("///", 1)[1]


def _mode(url: str) -> str:
    """The journal mode the file is in, as a connection without this app's settings sees it."""
    with closing(sqlite3.connect(_path(url))) as raw:  # closed: the file is copied over later
        return str(raw.execute("PRAGMA journal_mode").fetchall()[0][0])


def _data(engine: Engine) -> dict[str, object]:
    """Every table but those that say when it was loaded."""
    return {k: v for k, v in dump(engine).items() if k not in ("dataset", "dataset_load")}


@pytest.fixture
def other(make_database: Callable[[str], str]) -> Iterator[Engine]:
    """A second migrated file."""
    url = make_database("sqlite")
    schema.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_first_load_alone_goes_through_a_rollback_journal(
    engine: Engine, migrated_url: str, other: Engine, seed_copy: Path
) -> None:
    seen = traced(engine)
    load_seed(engine, read_seed(SEED_DIR))
    assert seen.index(TO_DELETE) < seen.index("BEGIN IMMEDIATE")
    assert "PRAGMA journal_mode=WAL" in seen[seen.index("COMMIT") :]
    engine.dispose()
    assert _mode(migrated_url) == "wal"
    # The same rows as a first load that kept WAL, because the file was open elsewhere.
    with closing(sqlite3.connect(_path(str(other.url)))) as reader:
        reader.execute("SELECT count(*) FROM dataset").fetchall()
        load_seed(other, read_seed(SEED_DIR))
        assert reader.execute("SELECT count(*) FROM dataset").fetchall() == [(1,)]
    assert _data(other) == _data(engine)
    # A reload keeps WAL.
    seen.clear()
    edit(seed_copy / "milestones.yaml", "title: KORUS enters into force", "title: In force")
    load_seed(engine, read_seed(seed_copy))
    assert "In force" in str(dump(engine)["milestone"])
    assert TO_DELETE not in seen
    assert _mode(migrated_url) == "wal"


@pytest.fixture
def held(engine: Engine, migrated_url: str) -> Iterator[sqlite3.Connection]:
    """A loaded file, then held as a first load holds it: rollback journal, a write lock."""
    load_seed(engine, read_seed(SEED_DIR))
    engine.dispose()
    holder = sqlite3.connect(_path(migrated_url), isolation_level=None)
    assert holder.execute(TO_DELETE).fetchone() == ("delete",)
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.execute("PRAGMA journal_mode=WAL")
    holder.close()


def test_a_connection_opened_meanwhile_opens(held: sqlite3.Connection, migrated_url: str) -> None:
    held.execute("BEGIN IMMEDIATE")  # the lock a load takes first; readers still read
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as conn:  # asking for WAL is refused while the load holds it
            assert conn.exec_driver_sql("SELECT count(*) FROM dataset").scalar() == 1
        held.execute("COMMIT")
        assert held.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        assert _mode(migrated_url) == "wal"
        with engine.connect() as conn:  # the same connection, now reading the file in WAL
            assert conn.exec_driver_sql("SELECT count(*) FROM dataset").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_a_request_meanwhile_is_told_to_retry(
    held: sqlite3.Connection, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)  # a request waits this long for its turn
    app = create_app(Settings(database_url=migrated_url, response_cache_mb=0))
    with TestClient(app, base_url="http://testserver") as client:
        held.execute("BEGIN EXCLUSIVE")  # the lock of a load whose pages reach the file
        response = client.get("/v1/statistics", params={"limit": 2})
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        assert response.json()["type"] == "/problems/unavailable"
        assert client.get("/readyz").status_code == 503
        held.execute("ROLLBACK")
        assert client.get("/v1/statistics", params={"limit": 2}).status_code == 200


@pytest.mark.slow
def test_a_killed_first_load_leaves_the_file_as_it_was(
    engine: Engine, migrated_url: str, tmp_path: Path
) -> None:
    """Killed while it writes (its journal is there), at random moments: the next connection to
    open the file rolls the load back, and the file is as migrated, in WAL mode, and loads."""
    empty = dump(engine)
    engine.dispose()
    migrated = tmp_path / "migrated.db"
    shutil.copyfile(_path(migrated_url), migrated)
    journal = Path(_path(migrated_url) + "-journal")
    command = [sys.executable, "-m", "app.cli", "load", "--seed-dir", str(SEED_DIR)]
    command += ["--database-url", migrated_url]
    rng = random.Random(20180907)
    seen = set()
    for _ in range(KILLS):
        shutil.copyfile(migrated, _path(migrated_url))  # as migrated, nothing loaded
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not journal.exists() and process.poll() is None:  # until it writes
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if journal.exists() and journal.stat().st_size:
            seen.add("killed while it wrote")
        assert dump(engine) == empty  # the first connection rolls the load back
        engine.dispose()
        assert _mode(migrated_url) == "wal"
    assert "killed while it wrote" in seen
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert dump(engine)["statistic"]

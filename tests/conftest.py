"""Fixtures: a database per backend built by Alembic, the shipped seed loaded into it, and an
httpx client on the real app. Every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from app import schema
from app.config import ROOT, Settings
from app.db import make_engine
from app.main import create_app
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.helpers import running_server
from tests.postgres import PostgresServer, start_postgres

BACKENDS = ["sqlite", "postgresql"]
SEED_DIR = ROOT / "seed"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def make_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Make an empty database on a backend and return its URL."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("sqlite") / "korus.db"
            return f"sqlite:///{path}"
        server: PostgresServer = request.getfixturevalue("postgres")
        return server.create_database()

    return make


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, make_database: Callable[[str], str]) -> str:
    """A fresh database with no schema, for migration tests."""
    return make_database(backend)


@pytest.fixture
def migrated_url(empty_url: str) -> str:
    """A fresh database at head, with nothing loaded, for loader tests."""
    schema.upgrade(empty_url)
    return empty_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def _seeded(url: str) -> str:
    """Migrate an empty database and load the shipped seed into it."""
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        load_seed(engine, read_seed(SEED_DIR))
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, make_database: Callable[[str], str]) -> str:
    """One database per backend with the shipped seed, shared by read-only tests."""
    return _seeded(make_database(str(request.param)))


@pytest.fixture(scope="session")
def sqlite_seeded_url(make_database: Callable[[str], str]) -> str:
    """A SQLite database with the shipped seed, for tests that need only one backend."""
    return _seeded(make_database("sqlite"))


@pytest.fixture(scope="session")
def client(seeded_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=seeded_url))
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped seed that a test may break."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture(scope="session")
def served(sqlite_seeded_url: str) -> Iterator[str]:
    """A real `korus-facts serve` process on a free loopback port, on SQLite."""
    with running_server(sqlite_seeded_url) as (base, _ready):
        yield base

"""The response cache: a repeated request is answered without the database, exactly as the first
was; a new dataset version is never answered from the old one; limits still apply to it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from app.api import deps
from app.config import Settings
from app.main import create_app
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import edit


@contextmanager
def _cached_client(url: str, **settings: Any) -> Iterator[tuple[TestClient, list[str]]]:
    """A fresh app with the cache on, and the list of SQL statements it runs."""
    app = create_app(Settings(database_url=url, response_cache_mb=8, **settings))
    statements: list[str] = []
    with TestClient(app) as client:
        engine: Engine = app.state.engine

        def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield client, statements
        finally:
            event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_request_is_answered_without_the_database(seeded_url: str) -> None:
    with _cached_client(seeded_url) as (client, statements):
        plain = {"Accept-Encoding": "identity"}
        first = client.get("/v1/statistics?limit=3&sort=-value", headers=plain)
        assert first.status_code == 200 and statements
        statements.clear()
        again = client.get("/v1/statistics?sort=-value&limit=3", headers=plain)  # other order
        gzipped = client.get(
            "/v1/statistics?limit=3&sort=-value", headers={"Accept-Encoding": "gzip"}
        )
        head = client.head("/v1/statistics?limit=3&sort=-value", headers=plain)
        unchanged = client.get(
            "/v1/statistics?limit=3&sort=-value",
            headers={**plain, "If-None-Match": first.headers["etag"]},
        )
        assert statements == []
        assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
        assert gzipped.headers["content-encoding"] == "gzip" and gzipped.json() == first.json()
        assert gzipped.headers["etag"] != first.headers["etag"]
        assert head.content == b"" and head.headers["etag"] == first.headers["etag"]
        assert unchanged.status_code == 304 and unchanged.content == b""
        for name in ("x-dataset-version", "cache-control", "vary", "x-content-type-options"):
            assert again.headers[name] == first.headers[name]
        # another representation is another entry, and is computed
        as_csv = client.get("/v1/statistics?limit=3&sort=-value", headers={"Accept": "text/csv"})
        assert as_csv.headers["content-type"].startswith("text/csv") and statements


def test_errors_and_probes_are_not_cached(seeded_url: str) -> None:
    with _cached_client(seeded_url) as (client, statements):
        for path, status in (("/readyz", 200), ("/v1/statistics/no-such-figure", 404)):
            assert client.get(path).status_code == status
            statements.clear()
            assert client.get(path).status_code == status
            assert statements, path


def test_a_new_dataset_version_is_never_answered_from_the_old(
    migrated_url: str, seed_copy: Path
) -> None:
    engine_url = migrated_url
    with _cached_client(engine_url, version_check_seconds=0) as (client, _):
        engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
        load_seed(engine, read_seed(SEED_DIR))
        before = client.get("/v1/statistics/as-exports-2016")
        assert before.json()["label"] == "U.S. goods exports to Korea in 2016"
        edit(
            seed_copy / "statistics.yaml",
            "label: U.S. goods exports to Korea in 2016",
            "label: U.S. goods exports to Korea, 2016",
        )
        load_seed(engine, read_seed(seed_copy))
        after = client.get("/v1/statistics/as-exports-2016")
        assert after.json()["label"] == "U.S. goods exports to Korea, 2016"
        assert after.headers["x-dataset-version"] != before.headers["x-dataset-version"]


def test_the_rate_limit_applies_to_cached_answers(sqlite_seeded_url: str) -> None:
    with _cached_client(sqlite_seeded_url, rate_limit_per_minute=3) as (client, _):
        codes = [client.get("/v1/metrics").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]


def test_the_version_is_read_again_by_one_request_at_a_time(monkeypatch: Any) -> None:
    """When the version's trust runs out under load, one request reads it again; the others
    answer with the last one meanwhile (a herd of reads was the cached answers' slowest 1%)."""
    reads: list[int] = []

    def slow_read(conn: Any) -> str:
        reads.append(1)
        time.sleep(0.05)
        return "new"

    monkeypatch.setattr(deps, "dataset_version", slow_read)
    app = FastAPI()
    app.state.engine = SimpleNamespace(connect=lambda: nullcontext(None))
    app.state.settings = SimpleNamespace(version_check_seconds=0.0)
    app.state.version_cache = ("old", 1.0)  # read once, long ago
    provide = deps.dataset_version_provider(app)

    async def many() -> list[str | None]:
        return list(await asyncio.gather(*(provide() for _ in range(20))))

    values = asyncio.run(many())
    assert len(reads) == 1
    assert "new" in values and set(values) <= {"old", "new"}

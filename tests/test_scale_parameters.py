"""PostgreSQL refuses a statement with more than 65,535 bound parameters, SQLite one with more
than 32,766: at a size above that (a generated seed of 70,000 statistics, 110,000 citations), a
CSV of every statistic and of every search hit answers, and a reload that removes more rows of a
kind than that runs. Statement sizes are bounded by batching (`app.queries.common.batches`,
which the queries and the loader share), not by the data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.models import Statistic
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from bench.corpus import generate

LARGE = 70_000
SMALL = 100


def _corpus(size: int, out: Path) -> Path:
    generate(size, out)
    return out


@pytest.fixture
def large(engine: Engine, migrated_url: str, tmp_path: Path) -> Iterator[TestClient]:
    load_seed(engine, read_seed(_corpus(LARGE, tmp_path / "large")))
    with TestClient(create_app(Settings(database_url=migrated_url))) as client:
        yield client


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_more_rows_than_a_statement_can_name(
    large: TestClient, engine: Engine, tmp_path: Path
) -> None:
    every = large.get("/v1/statistics", params={"format": "csv"})
    assert every.status_code == 200
    assert every.text.count("\r\n") == LARGE + 1
    hits = large.get("/v1/search", params={"q": "exports", "format": "csv"})
    assert hits.status_code == 200, hits.text[:500]
    assert hits.text.count("\r\n") > 65_535
    report = load_seed(engine, read_seed(_corpus(SMALL, tmp_path / "small")), allow_deletes=True)
    assert report.counts["statistic"]["deleted"] > 65_535
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Statistic)).scalar() == SMALL

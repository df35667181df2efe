"""Search on SQLite scores a match with FTS5's bm25, whichever way the score is computed: with the
compiled ranker (each phrase's document count known ahead, app/native/fts5rank.c) or with
FTS5's own bm25() where the ranker is missing. Expected scores come from FTS5's bm25() itself,
asked directly in SQL, never from the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from app import schema
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.native import ranker
from app.queries import search_rank
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.helpers import edit

# Real questions and single words of the five documents: common words (many matches, where the
# document counts weigh most), rare ones, tokens such as U.S. and 27.6, and a word in no text.
QUERIES = [
    "steel",
    "Korea",
    "tariff",
    "U.S.",
    "the",
    "27.6",
    "eco-credits",
    "steel quota",
    "truck tariff 2041",
    "exchange rate",
    "Lighthizer letter",
    "withdraw from KORUS",
    "Korea United States trade",
    "quetzalcoatl",
]
DAYS = ["2017-07-12", "2018-03-28"]
WEIGHTS = "4.0, 1.0"  # title, body: the weights docs/API.md gives the title and the body


def _api_scores(
    client: TestClient, q: str, as_of: str | None = None
) -> dict[tuple[str, str], float]:
    params: dict[str, Any] = {"q": q, "limit": 500}
    if as_of is not None:
        params["as_of"] = as_of
    response = client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next"] is None  # every match of the real seed on one page
    return {(h["type"], h["id"]): h["score"] for h in body["items"]}


def _bm25(engine: Engine, q: str, as_of: str | None = None) -> dict[tuple[str, str], float]:
    """FTS5's own bm25() of every match, asked in SQL: every word a phrase, as docs/API.md says
    search reads the words."""
    match = " ".join('"' + w.replace('"', '""') + '"' for w in q.split())
    if as_of is None:
        index, held = "search_fts", "d.stage = 0"
    else:
        index = "search_versions_fts"
        held = "d.first_published <= :day AND (d.until IS NULL OR d.until > :day)"
    sql = (
        f"SELECT d.type, d.ref_id, -bm25({index}, {WEIGHTS}) FROM {index} "
        f"JOIN search_document d ON d.pk = {index}.rowid WHERE {index} MATCH :match AND {held}"
    )
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"match": match, "day": as_of})
        return {(kind, ref): score for kind, ref, score in rows}


@pytest.fixture(scope="module")
def seeded_engine(sqlite_seeded_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_seeded_url)
    yield engine
    engine.dispose()


def _client(url: str) -> Callable[[], TestClient]:
    # no response cache: each answer is ranked again
    return lambda: TestClient(create_app(Settings(database_url=url, response_cache_mb=0)))


def test_the_compiled_ranker_is_built_and_runs() -> None:
    # `make install` builds it; a machine that cannot falls back, but CI's must not
    assert ranker() == "bm25_given"


@pytest.mark.parametrize("q", QUERIES)
def test_each_match_scores_what_fts5s_bm25_gives(
    sqlite_seeded_url: str, seeded_engine: Engine, q: str
) -> None:
    with _client(sqlite_seeded_url)() as client:
        assert _api_scores(client, q) == _bm25(seeded_engine, q)
        assert _api_scores(client, q) == _bm25(seeded_engine, q)  # counts now known


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("q", ["steel", "Lighthizer", "U.S. Trade Representative"])
def test_as_of_scores_what_fts5s_bm25_gives_over_the_versions(
    sqlite_seeded_url: str, seeded_engine: Engine, q: str, day: str
) -> None:
    with _client(sqlite_seeded_url)() as client:
        assert _api_scores(client, q, day) == _bm25(seeded_engine, q, day)


def test_without_the_compiled_ranker_the_answers_are_the_same(
    sqlite_seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bodies() -> list[bytes]:
        with _client(sqlite_seeded_url)() as client:
            return [client.get("/v1/search", params={"q": q, "limit": 20}).content for q in QUERIES]

    with_ranker = bodies()
    monkeypatch.setattr(search_rank, "ranker", lambda: None)
    assert bodies() == with_ranker


def test_a_connection_without_the_ranker_is_scored_by_bm25(seeded_engine: Engine) -> None:
    # whether a connection has the ranker is asked per connection (one opened before it was
    # registered has not): one without it is scored by bm25(), not refused
    with seeded_engine.connect() as conn:
        conn.connection.info[search_rank._RANKER_KEY] = False
        try:
            assert search_rank.counts(conn, "search_fts", ['"steel"']) is None
        finally:
            del conn.connection.info[search_rank._RANKER_KEY]
        assert search_rank.counts(conn, "search_fts", ['"steel"']) is not None
    sql = str(search_rank.score("search_fts", None).compile())
    assert "bm25(search_fts" in sql and "bm25_given" not in sql


def test_counts_follow_a_reload(make_database: Callable[[str], str], seed_copy: Path) -> None:
    url = make_database("sqlite")  # PostgreSQL ranks with ts_rank, which needs no counts
    schema.upgrade(url)
    engine = make_engine(url)
    try:
        load_seed(engine, read_seed(seed_copy))
        with _client(url)() as client:
            before = _api_scores(client, "steel")
            assert before == _bm25(engine, "steel")
            # one more document holds "steel", so every match weighs it less
            label = "label: U.S. goods exports to Korea in 2016"
            edit(seed_copy / "statistics.yaml", label, f"{label} (steel)")
            load_seed(engine, read_seed(seed_copy))
            after = _api_scores(client, "steel")
        assert after == _bm25(engine, "steel")
        assert set(after) == set(before) | {("statistic", "as-exports-2016")}
        assert all(after[hit] != before[hit] for hit in before)
    finally:
        engine.dispose()

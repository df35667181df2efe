"""A PostgreSQL search walks its matches in key order from where its words can first meet: the
first document holding the word that appears latest (walking back: the last document holding
the word that stops earliest). The ends are each word's own, found here by SQL of this test's
(`plainto_tsquery` of the word alone), not by the code under test. A query with OR or NOT, or
with no word at all, is walked from where it was asked to start. That the answers stay the same
is tests/test_search_ranking.py's `test_a_walk_begun_late_loses_nothing`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, event, text

from app.db import make_engine
from app.pagination import INT_LIMIT
from app.queries import search_reach
from app.queries.dataset import dataset_loaded, snapshot_version

# On the real seed each of these pairs first meets well after the first document (asserted
# below): words of the notes on quotations, which come late in the seed's order.
REQUIRED = [["quoted", "paraphrased"], ["position", "unspecified"], ["Korea", "quoted"]]
NOT_ALL_REQUIRED = ["quoted or paraphrased", "quoted -paraphrased", "the", "zzqxv quoted"]


@pytest.fixture
def conn(seeded_url: str) -> Iterator[Connection]:
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()


def _end(conn: Connection, word: str, forward: bool) -> int:
    """The first (forward) or last key of the documents that hold `word`, any version."""
    sql = f"SELECT {'min' if forward else 'max'}(pk) FROM search_document "
    sql += "WHERE tsv @@ plainto_tsquery('english', :word)"
    return int(conn.execute(text(sql), {"word": word}).scalar_one())


def _begin(conn: Connection, query: str, start: int, forward: bool) -> int:
    return search_reach.begin(conn, query, start, forward)


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("words", REQUIRED)
def test_a_walk_begins_where_every_word_has_appeared(conn: Connection, words: list[str]) -> None:
    first = max(_end(conn, w, forward=True) for w in words)
    last = min(_end(conn, w, forward=False) for w in words)
    assert first > 1  # a real skip, not the table's first key
    for query in (" ".join(words), '"' + " ".join(words) + '"'):  # words, then a phrase
        for _ in range(2):  # the second time from what was kept
            assert _begin(conn, query, 0, forward=True) == first
            assert _begin(conn, query, INT_LIMIT, forward=False) == last
        # never before the start it is given
        assert _begin(conn, query, first + 7, forward=True) == first + 7
        assert _begin(conn, query, last - 7, forward=False) == last - 7


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("query", NOT_ALL_REQUIRED)
def test_a_query_not_all_required_is_walked_from_its_start(conn: Connection, query: str) -> None:
    assert _begin(conn, query, 0, forward=True) == 0
    assert _begin(conn, query, INT_LIMIT, forward=False) == INT_LIMIT


def test_a_request_reads_what_was_loaded_when_once(seeded_url: str) -> None:
    """A request's transaction reads the dataset's version and load time as it begins
    (`snapshot_version`); a search then finds them there, not by asking again."""
    engine = make_engine(seeded_url)
    asked: list[str] = []
    try:
        with engine.connect() as conn, conn.begin():
            version = snapshot_version(conn)
            event.listen(conn, "before_cursor_execute", lambda *a: asked.append(a[2]))
            assert dataset_loaded(conn)[0] == version
            assert not [s for s in asked if "FROM dataset" in s]
        with engine.connect() as conn, conn.begin():  # a transaction without it asks
            event.listen(conn, "before_cursor_execute", lambda *a: asked.append(a[2]))
            assert dataset_loaded(conn)[0] == version
            assert [s for s in asked if "FROM dataset" in s]
    finally:
        engine.dispose()

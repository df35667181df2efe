"""PostgreSQL plans each search for its own words. psycopg prepares a statement it has run five
times, and PostgreSQL may then plan a prepared statement once for any values: for search, a plan
that guesses how many documents any words match, and reads every match to find the first ones
in key order (docs/PERFORMANCE.md, "Search as of a day"). So no statement that finds a search's
matches is ever prepared, while every other statement still is: the snippets' statement, which
reads the page's documents by key, among them."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from app.db import make_engine
from app.models.filters import SearchFilters
from app.pagination import PageRequest, parse_sort
from app.queries import search

WORDS = ["steel", "steel quota", "Korea", "tariff", "exchange rate", "truck tariff 2041"]


def _prepared(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars())


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
def test_no_statement_that_finds_a_search_s_matches_is_prepared(seeded_url: str) -> None:
    sort = parse_sort(None, search.SORT_FIELDS, search.DEFAULT_SORT, search.SORT_FIELDS["id"])
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as conn, conn.begin():
            for _ in range(3):  # each statement of a search's shape runs 18 times
                for words in WORDS:
                    items, _cursor = search.search(
                        conn, words, SearchFilters(), PageRequest(sort, 3)
                    )
                    assert items
            prepared = _prepared(conn)
            assert not [s for s in prepared if "@@" in s]  # what finds the matches
            assert [s for s in prepared if "d.spans" in s]  # the snippets' statement
            # the rest of the connection's statements are prepared as before
            for _ in range(6):
                conn.execute(
                    text("SELECT count(*) FROM statistic WHERE unit = :unit"), {"unit": "USD"}
                )
            assert [s for s in _prepared(conn) if "FROM statistic WHERE unit" in s]
    finally:
        engine.dispose()

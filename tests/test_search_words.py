"""A tsquery's text read back into lexemes (app/queries/search_words.py), by PostgreSQL's way of
writing one: each operand quoted, a quote and a backslash inside doubled."""

from __future__ import annotations

from app.queries.search_words import lexemes, required


def test_every_lexeme_once_and_unquoted() -> None:
    written = "'steel' & 'o''neil' | !'a\\\\b' & 'steel' <-> 'usa'"
    assert lexemes(written) == ["steel", "o'neil", "a\\b", "usa"]


def test_only_a_query_of_words_and_phrases_has_required_lexemes() -> None:
    assert required("'steel' & 'usa' <-> 'korea'") == ("'steel'", "'usa'", "'korea'")
    assert required("'steel' | 'usa'") == ()
    assert required("'steel' & !'usa'") == ()
    assert required("") == ()

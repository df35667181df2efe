"""A PostgreSQL search's words as PostgreSQL reads them: the text of the query's tsquery, read once
per query and remembered, and what the search needs from it. search_reach takes the lexemes every
match holds (to begin its walk); search_snippet takes every lexeme (to mark). One reading, one
rule for a lexeme as PostgreSQL writes a tsquery."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sqlalchemy import Connection, String, bindparam, cast, func, literal_column, select

from app.memo import Memo

_OPERAND = r"'(?:[^']|'')+'"  # a lexeme as PostgreSQL writes a tsquery (no weight, no prefix)
_OPERANDS = re.compile(_OPERAND)
# Only AND and phrases: every operand is required. Anything else (OR, NOT, brackets) is not read.
_REQUIRED = re.compile(rf"{_OPERAND}(?: (?:&|<->|<\d+>) {_OPERAND})*")

# a query's words -> its tsquery's text
_WRITTEN: Memo[str] = Memo(4096)


@cache
def tsquery() -> Any:
    """The words of a query, as PostgreSQL reads them (the parameter `query`). Built on first
    use: SQLAlchemy's PostgreSQL dialect must be imported before the function is made."""
    return func.websearch_to_tsquery(literal_column("'english'"), bindparam("query", type_=String))


def written(conn: Connection, query: str) -> str:
    """The text of `tsquery()` for the words `query` (remembered by the words: it is the only
    reading of them)."""
    return _WRITTEN.get(
        query, lambda: conn.execute(select(cast(tsquery(), String)), {"query": query}).scalar_one()
    )


def required(text: str) -> tuple[str, ...]:
    """The lexemes of a tsquery's `text` that every match holds, as tsquery operands (quoted);
    none unless the query is only words and phrases, all required."""
    if not _REQUIRED.fullmatch(text):
        return ()
    return tuple(dict.fromkeys(_OPERANDS.findall(text)))


def lexemes(text: str) -> list[str]:
    """Every lexeme of a tsquery's `text`, once each, in order, as the lexemes themselves (a
    tsquery doubles a quote and a backslash inside one)."""
    return [
        w[1:-1].replace("''", "'").replace("\\\\", "\\")
        for w in dict.fromkeys(_OPERANDS.findall(text))
    ]

"""search: where each word of a document is, for PostgreSQL's snippets

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-25 08:00:00

A snippet marks the words of a document that match the query. PostgreSQL's `ts_headline` finds
them by parsing and stemming the whole text again for every document of every page: about three
quarters of PostgreSQL's time per search at 10^6 documents (docs/PERFORMANCE.md). The stored
`tsv` already says at which word places each word is; what it does not say is where in the text
each place is. `spans` (PostgreSQL only) says that. For a document's text as a snippet shows it
(`title`, a newline, `body`), it holds the character offset of each word place `tsv` numbers,
then each place's length (negative for a whole whose parts follow), each a 4-byte big-endian
integer (`int4send`): read as raw bytes, they cost the API about a third of what parsing an
`int4[]` did. PostgreSQL's own parser computes it (`korus_word_spans`) in a generated column, so
that it is always in step with `tsv`. The function is PL/pgSQL, whose statement is planned once
a session: written in SQL, it was planned again for every row a load inserts (0.5 ms a row, where
it now costs 0.1 ms for a fact's document and 0.5 ms for a source text of 1,100 characters). A
document with 16,383 places or more, where `tsv` stops numbering them exactly, has none
(app/queries/search_snippet.py then asks `ts_headline`).

How `to_tsvector` numbers places, which the function follows: every token of a type the `english`
configuration maps to a dictionary takes the next place, stop words included; blanks, tags,
protocols and entities take none, nor a token of 2,047 bytes or more. A hyphenated word, a URL
and a hyphenated number take a place of their own and their parts then take theirs (the parts
cover the same characters again). `tsv` joins the title's and the body's vectors, and the body's
places follow the title's last place that has a word (its trailing stop words are not counted).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default parser's token types (ts_token_type('default')): those that take no place in the
# `english` configuration, and those whose parts follow them.
_UNPLACED = "12, 13, 14, 23"  # blank, tag, protocol, entity
_WHOLES = "5, 15, 16, 17"  # url, numhword, asciihword, hword

_FUNCTION = f"""
CREATE FUNCTION korus_word_spans(title text, body text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $body$ BEGIN RETURN (
  WITH tokens AS (
    SELECT 0 AS part, n, CASE WHEN tokid IN ({_WHOLES}) THEN -1 ELSE 1 END * length(token) AS len,
           CASE WHEN tokid IN ({_WHOLES}) THEN 0 ELSE length(token) END AS covers,
           tokid NOT IN ({_UNPLACED}) AND octet_length(token) < 2047 AS placed
    FROM ts_parse('default', title) WITH ORDINALITY AS t(tokid, token, n)
    UNION ALL
    SELECT 1, n, CASE WHEN tokid IN ({_WHOLES}) THEN -1 ELSE 1 END * length(token),
           CASE WHEN tokid IN ({_WHOLES}) THEN 0 ELSE length(token) END,
           tokid NOT IN ({_UNPLACED}) AND octet_length(token) < 2047
    FROM ts_parse('default', body) WITH ORDINALITY AS t(tokid, token, n)
  ), places AS (
    SELECT part, n, placed, len,
           (sum(covers) OVER (PARTITION BY part ORDER BY n) - covers
            + CASE part WHEN 1 THEN length(title) + 1 ELSE 0 END)::int AS start,
           count(*) FILTER (WHERE placed) OVER (PARTITION BY part ORDER BY n) AS place
    FROM tokens
  ), titled AS (
    SELECT coalesce(max(p), 0) AS last
    FROM unnest(to_tsvector('english', title)) AS u, unnest(u.positions) AS p
  ), kept AS (
    SELECT part, n, start, len FROM places, titled
    WHERE placed AND (part = 1 OR place <= titled.last)
  )
  SELECT CASE WHEN count(*) < 16383
    THEN coalesce(string_agg(int4send(start), ''::bytea ORDER BY part, n)
                  || string_agg(int4send(len), ''::bytea ORDER BY part, n), ''::bytea)
  END
  FROM kept
); END $body$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # FTS5 marks its own matches
        return
    op.execute(_FUNCTION)
    op.execute(
        "ALTER TABLE search_document ADD COLUMN spans bytea GENERATED ALWAYS AS "
        "(korus_word_spans(coalesce(title, ''), coalesce(body, ''))) STORED"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE search_document DROP COLUMN spans")
    op.execute("DROP FUNCTION korus_word_spans(text, text)")

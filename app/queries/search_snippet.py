"""PostgreSQL's snippets, from where each document's words are (its `spans`, migration 0019) and
where the query's words are among them (its `tsv`): no text is parsed again.

`ts_headline` parses and stems every word of every document of a page for each search: about
three quarters of PostgreSQL's time a search at 10^6 documents (docs/PERFORMANCE.md, "PostgreSQL's
snippets from stored word places"). Here PostgreSQL reads, for each document, the places of the
query's words from `tsv` and hands them over with the text and `spans`; the fragments are cut and
the words marked here. A word is marked when one of its lexemes is one of the query's, as
`ts_headline` marks it (tests/test_search_snippet.py holds the two to the same marks).

What a snippet is (docs/API.md, "Snippets (search)"): at most FRAGMENTS fragments of at most
MAX_WORDS consecutive words of the text (its title, a newline, its body), in text order, joined
by DELIMITER. The first fragment holds the run of matches, no more than MAX_WORDS words long,
that has the most of the query's distinct words, then the most matches, then comes first; its
words are centred in the fragment, which the text's ends may shift. The second is chosen the
same way from the matches before the first fragment or after it (the better run; the earlier on
a tie), within what the first leaves. A text with no match shows its first MAX_WORDS words.

A document whose places `tsv` does not hold exactly has its snippet from `ts_headline`: one of
16,383 words or more (no `spans`), or one in which a query word is found 255 times or more
(`tsv` keeps only its first 255 places)."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, Connection, Integer, Text, bindparam, text

from app.native import Cut, snippet_cutter

OPEN, CLOSE = "\x02", "\x03"  # match markers no text contains; replaced after escaping
MAX_WORDS = 35
FRAGMENTS = 2  # the first and one more: what `cut` and snippetcut.c choose
DELIMITER = " ... "  # ts_headline's
# What `ts_headline` is asked for the documents whose places are not exact.
HEADLINE_OPTIONS = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords={MAX_WORDS}, MinWords=12, MaxFragments={FRAGMENTS}"
)
_KEPT_PLACES = 255  # MAXNUMPOS - 1: the places a tsvector keeps of one word
_LITTLE_ENDIAN = sys.byteorder == "little"
_WORD = 1024  # `found` is place * _WORD + the lexeme's number in `lexemes` (at most 200 characters)


@cache
def statement() -> Any:
    """Each of the page's documents (`pks`) with the places of the query's lexemes (`lexemes`,
    search_words.lexemes of the query's tsquery), and either its text and `spans` or, where its
    places are not exact, `ts_headline`'s snippet (of the words `query`, as the search reads
    them)."""
    return text(
        "SELECT d.pk, m.exact, "
        "CASE WHEN m.exact THEN d.title || chr(10) || d.body END, "
        "CASE WHEN m.exact THEN d.spans END, m.found, "
        "CASE WHEN NOT m.exact THEN ts_headline('english', d.title || chr(10) || d.body, "
        "websearch_to_tsquery('english', :query), :options) END "
        "FROM search_document AS d CROSS JOIN LATERAL (SELECT "
        f"array_agg(p * {_WORD} + array_position(:lexemes, u.lexeme) ORDER BY p) AS found, "
        "d.spans IS NOT NULL AND "
        f"coalesce(bool_and(cardinality(u.positions) < {_KEPT_PLACES}), true) AS exact "
        "FROM unnest(d.tsv) AS u, unnest(u.positions) AS p "
        "WHERE u.lexeme = ANY(:lexemes)) AS m "
        "WHERE d.pk = ANY(:pks)"
    ).bindparams(bindparam("pks", type_=ARRAY(Integer)), bindparam("lexemes", type_=ARRAY(Text)))


def snippets(conn: Connection, query: str, lexemes: list[str], pks: list[int]) -> dict[int, str]:
    """The page's documents' snippets, with matches between OPEN and CLOSE (`query`: the words,
    `lexemes`: their tsquery's, search_words.lexemes)."""
    values = {"query": query, "lexemes": lexemes, "pks": pks, "options": HEADLINE_OPTIONS}
    cutter = _cutter()
    return {
        pk: cutter(whole, packed, found or ()) if exact else headline
        for pk, exact, whole, packed, found, headline in conn.execute(statement(), values)
    }


def _cutter() -> Cut:
    """`cut` compiled (app/native/snippetcut.c: a twelfth of the time), else `cut`."""
    return snippet_cutter(MAX_WORDS, _WORD, OPEN, CLOSE, DELIMITER) or _cut_packed


def _cut_packed(whole: str, packed: bytes, found: Sequence[int]) -> str:
    return cut(whole, spans_of(packed), found)


def spans_of(packed: bytes) -> array[int]:
    """A document's `spans` as integers (stored as 4-byte big-endian integers)."""
    spans = array("i", packed)
    if _LITTLE_ENDIAN:
        spans.byteswap()
    return spans


def cut(whole: str, spans: Sequence[int], found: Sequence[int]) -> str:
    """The snippet of `whole`, whose word places are `spans` (each place's offset, then each
    place's length), the query's words at the places `found` (place * _WORD + the word)."""
    count = len(spans) // 2
    if not count:
        return ""
    if not found:
        return _marked(whole, spans, count, [], 1, min(count, MAX_WORDS))
    places = [f // _WORD for f in found]
    words = [f % _WORD for f in found]
    first = _best(places, words, 0, len(places))
    fragments = [_placed(first[1], first[2], 1, count)]
    begin, end = fragments[0]
    before, after = bisect_left(places, begin), bisect_right(places, end)
    runs = []
    if before:
        runs.append((_best(places, words, 0, before), 1, begin - 1))
    if after < len(places):
        runs.append((_best(places, words, after, len(places)), end + 1, count))
    if runs:
        run, low, high = max(runs, key=lambda r: r[0][0])  # the earlier on a tie
        fragments.append(_placed(run[1], run[2], low, high))
        fragments.sort()
    return DELIMITER.join(_marked(whole, spans, count, places, b, e) for b, e in fragments)


def _best(
    places: list[int], words: list[int], lo: int, hi: int
) -> tuple[tuple[int, int], int, int]:
    """The best run among the matches places[lo:hi] (sorted, at least one): (its score, its
    first and last place). A run begins at a match and holds the matches less than MAX_WORDS
    places after it."""
    best = ((0, 0), 0, 0)
    end = lo
    for i in range(lo, hi):
        limit = places[i] + MAX_WORDS
        while end < hi and places[end] < limit:
            end += 1
        score = (len(set(words[i:end])), end - i)
        if score > best[0]:
            best = (score, places[i], places[end - 1])
    return best


def _placed(first: int, last: int, low: int, high: int) -> tuple[int, int]:
    """MAX_WORDS places (or as many as there are between low and high) with first..last in the
    middle."""
    begin = max(low, first - (MAX_WORDS - (last - first + 1)) // 2)
    end = min(high, begin + MAX_WORDS - 1)
    return max(low, end - MAX_WORDS + 1), end


def _marked(
    whole: str, spans: Sequence[int], count: int, places: list[int], begin: int, end: int
) -> str:
    """The text from place `begin` to place `end`, each match's characters between OPEN and
    CLOSE. A whole whose parts have places of their own (a hyphenated word, a URL) is not marked
    itself: its parts are, each that matches, as `ts_headline` marks them."""
    at, stop = spans[begin - 1], spans[end - 1] + abs(spans[count + end - 1])
    pieces: list[str] = []
    mark_from = mark_to = -1
    for place in places:
        if place < begin:
            continue
        if place > end:
            break
        length = spans[count + place - 1]
        if length < 0:  # a whole (a hyphenated word, a URL): its parts are marked, as they match
            continue
        a = spans[place - 1]
        b = a + length
        if a < mark_to:
            mark_to = max(mark_to, b)
            continue
        if mark_to >= 0:
            pieces += (whole[at:mark_from], OPEN, whole[mark_from:mark_to], CLOSE)
            at = mark_to
        mark_from, mark_to = a, b
    if mark_to >= 0:
        pieces += (whole[at:mark_from], OPEN, whole[mark_from:mark_to], CLOSE)
        at = mark_to
    pieces.append(whole[at:stop])
    return "".join(pieces)

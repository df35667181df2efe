"""PostgreSQL's snippets from stored word places (app/queries/search_snippet.py, migration 0019).

Three things are held here. The places: each place PostgreSQL's `tsv` numbers is, in `spans`,
the characters of a word that gives that place's lexeme. The marks: on every document of the
shipped seed, for every word of the seed asked as a query, exactly the characters `ts_headline`
marks (with `HighlightAll`, which marks every match). The fragments: the rule written in the
module and in docs/API.md, with expected snippets written from the rule. And the compiled cut
(app/native/snippetcut.c) answers as the Python one does, on generated texts and on the seed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from app.db import make_engine
from app.native import Cut, snippet_cutter
from app.queries import search_snippet, search_words
from app.queries.search_snippet import CLOSE, DELIMITER, MAX_WORDS, OPEN, cut

# A word place is found at place * 1024 + the query word's number (search_snippet._WORD).
WORD = 1024


def _spans(whole: str) -> list[int]:
    """Places for a text of plain words split by single spaces (each word one place)."""
    starts = [m.start() for m in re.finditer(r"\S+", whole)]
    return starts + [len(w) for w in whole.split()]


def _found(whole: str, words: dict[str, int]) -> list[int]:
    return [(i + 1) * WORD + words[w] for i, w in enumerate(whole.split()) if w in words]


def _words(n: int, prefix: str = "w") -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


def _marked(words: list[str], matches: set[str]) -> str:
    return " ".join(f"{OPEN}{w}{CLOSE}" if w in matches else w for w in words)


# --- the fragments, from the rule ---


def test_a_short_text_is_shown_whole_with_its_matches_marked() -> None:
    whole = "steel exports rose while steel imports fell"
    snippet = cut(whole, _spans(whole), _found(whole, {"steel": 1}))
    assert snippet == f"{OPEN}steel{CLOSE} exports rose while {OPEN}steel{CLOSE} imports fell"


def test_a_text_without_a_match_shows_its_first_words() -> None:
    words = _words(50)
    whole = " ".join(words)
    assert cut(whole, _spans(whole), []) == " ".join(words[:MAX_WORDS])


def test_the_first_fragment_centres_the_run_of_matches() -> None:
    words = _words(100)
    words[59] = "steel"  # place 60
    whole = " ".join(words)
    # one match: 34 more places, 17 before it and 17 after it
    expected = _marked(words[59 - 17 : 60 + 17], {"steel"})
    assert cut(whole, _spans(whole), _found(whole, {"steel": 1})) == expected


def test_the_text_s_ends_shift_a_fragment() -> None:
    words = _words(100)
    words[2] = "steel"  # place 3: the fragment is the first 35 places
    whole = " ".join(words)
    assert cut(whole, _spans(whole), _found(whole, {"steel": 1})) == _marked(
        words[:MAX_WORDS], {"steel"}
    )
    words = _words(100)
    words[97] = "steel"  # place 98: the last 35
    whole = " ".join(words)
    assert cut(whole, _spans(whole), _found(whole, {"steel": 1})) == _marked(
        words[-MAX_WORDS:], {"steel"}
    )


def test_more_of_the_query_s_words_outweigh_more_matches() -> None:
    words = _words(300)
    for place in (10, 12, 14, 16):  # one word of the query, four times
        words[place - 1] = "steel"
    words[199], words[204] = "steel", "korea"  # both words, once each
    whole = " ".join(words)
    found = _found(whole, {"steel": 1, "korea": 2})
    # the first fragment: places 200..205 centred (29 more: 14 before, 15 after)
    first = _marked(words[200 - 14 - 1 : 205 + 15], {"steel", "korea"})
    # the second: the four matches of one word, 10..16 centred (28 more: 14 before, 14 after),
    # shifted by the text's start
    second = _marked(words[:MAX_WORDS], {"steel"})
    assert cut(whole, _spans(whole), found) == second + DELIMITER + first


def test_on_a_tie_the_earlier_run_comes_first() -> None:
    words = _words(300)
    words[99], words[249] = "steel", "steel"
    whole = " ".join(words)
    found = _found(whole, {"steel": 1})
    first = _marked(words[100 - 17 - 1 : 100 + 17], {"steel"})
    second = _marked(words[250 - 17 - 1 : 250 + 17], {"steel"})
    assert cut(whole, _spans(whole), found) == first + DELIMITER + second
    # three equal runs: the first two
    words[179] = "steel"
    whole = " ".join(words)
    third = _marked(words[180 - 17 - 1 : 180 + 17], {"steel"})
    assert cut(whole, _spans(whole), _found(whole, {"steel": 1})) == first + DELIMITER + third


def test_the_second_fragment_never_overlaps_the_first() -> None:
    words = _words(100)
    words[39], words[44] = "steel", "korea"  # the first: places 40..45 centred, 26..60
    words[74] = "steel"  # place 75: a run of its own (35 places after 40), after the first
    whole = " ".join(words)
    found = _found(whole, {"steel": 1, "korea": 2})
    first = _marked(words[25:60], {"steel", "korea"})
    # place 75 centred would begin at 58; it begins after the first fragment (61) instead
    second = _marked(words[60:95], {"steel"})
    assert cut(whole, _spans(whole), found) == first + DELIMITER + second


def test_a_whole_is_not_marked_its_parts_are() -> None:
    # "eco-credits": the whole at place 2, its parts at 3 and 4 (the characters again)
    whole = "new eco-credits rules"
    starts, lengths = [0, 4, 4, 8, 16], [3, -11, 3, 7, 5]
    spans = [*starts, *lengths]
    found = [2 * WORD + 1, 3 * WORD + 2, 4 * WORD + 3]  # the whole and both parts match
    assert cut(whole, spans, found) == f"new {OPEN}eco{CLOSE}-{OPEN}credits{CLOSE} rules"
    # words that touch are marked each on its own, as ts_headline does ("2015", "-2017")
    whole = "in 2015-2017"
    starts, lengths = [0, 3, 7], [2, 4, 5]
    spans = [*starts, *lengths]
    found = [2 * WORD + 1, 3 * WORD + 2]
    assert cut(whole, spans, found) == f"in {OPEN}2015{CLOSE}{OPEN}-2017{CLOSE}"


def test_an_empty_text_has_an_empty_snippet() -> None:
    assert cut("\n", [], []) == ""


# --- the compiled cut (app/native/snippetcut.c) answers as `cut` does ---


def _compiled() -> Cut:
    compiled = snippet_cutter(MAX_WORDS, WORD, OPEN, CLOSE, DELIMITER)
    assert compiled is not None  # `make install` builds it; a machine that cannot falls back
    return compiled


def _packed(spans: list[int]) -> bytes:
    return b"".join(v.to_bytes(4, "big", signed=True) for v in spans)


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, list[int], list[int]]:
    """A text of words and hyphenated words (a whole, then its parts), its spans, and matches:
    some of its places, each with a word of the query (1 to 4)."""
    text_, starts, lengths = "", [], []
    for _ in range(draw(st.integers(0, 160))):
        parts = draw(
            st.lists(st.sampled_from(["ab", "c", "déf", "korea", "U.S"]), min_size=1, max_size=3)
        )
        if text_:
            text_ += draw(st.sampled_from([" ", ", ", "\n", " — "]))
        at = len(text_)
        word = "-".join(parts)
        if len(parts) > 1:  # the whole, then its parts
            starts.append(at)
            lengths.append(-len(word))
        offset = at
        for part in parts if len(parts) > 1 else [word]:
            starts.append(offset)
            lengths.append(len(part))
            offset += len(part) + 1
        text_ += word
    count = len(starts)
    places = sorted(draw(st.sets(st.integers(1, count), max_size=count))) if count else []
    found = [p * WORD + draw(st.integers(1, 4)) for p in places]
    return text_, starts + lengths, found


@settings(max_examples=400, deadline=None)
@given(_documents())
def test_the_compiled_cut_answers_as_cut_does(document: tuple[str, list[int], list[int]]) -> None:
    whole, spans, found = document
    assert _compiled()(whole, _packed(spans), found) == cut(whole, spans, found)


# --- the places and the marks, on PostgreSQL ---


@pytest.fixture
def pg(seeded_url: str) -> Iterator[Connection]:
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as conn:
            yield conn
            conn.rollback()
    finally:
        engine.dispose()


def _lexemes(conn: Connection, words: list[str]) -> dict[str, set[str]]:
    rows = conn.execute(
        text(
            "SELECT w, tsvector_to_array(to_tsvector('english', w)) "
            "FROM unnest(CAST(:ws AS text[])) AS w"
        ),
        {"ws": words},
    )
    return {w: set(lexemes) for w, lexemes in rows}


def _places_hold_their_words(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Each place's characters, read alone, give that place's lexeme."""
    told: dict[str, set[str]] = {}
    for whole, packed, placed in rows:
        spans = search_snippet.spans_of(packed)
        count = len(spans) // 2
        for place, lexeme in placed or ():
            assert int(place) <= count, (whole[:40], place)
            start, length = spans[int(place) - 1], abs(spans[count + int(place) - 1])
            told.setdefault(whole[start : start + length], set()).add(lexeme)
    given = _lexemes(conn, list(told))
    assert {w: lx for w, lx in told.items() if not lx <= given[w]} == {}


_PLACED = (
    "(SELECT array_agg(ARRAY[p::text, u.lexeme]) FROM unnest({tsv}) AS u, unnest(u.positions) AS p)"
)


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
def test_every_place_of_the_seed_s_documents_holds_its_word(pg: Connection) -> None:
    rows = pg.execute(
        text(
            "SELECT title || chr(10) || body, spans, "
            + _PLACED.format(tsv="tsv")
            + " FROM search_document"
        )
    ).all()
    assert rows and all(spans is not None for _w, spans, _p in rows)
    _places_hold_their_words(pg, [tuple(r) for r in rows])


HARD_TEXTS = [
    ("The U.S. and the", "eco-credits, 27.6% of www.ustr.gov/a/b 2015-2017 foo@bar.com"),
    ("", "only a body, with <b>tags</b> &amp; entities"),
    ("of the", "a title of stop words only; abc-123 v1.2.3 -5.5e3 self-made-man"),
    ("Title only", ""),
    ("A long " + "x" * 3000 + " word", "and " + "y" * 2500 + " after it"),
    ("Korea–U.S. “quotes” — dash", "U.S.-Korea FTA; KORUS-FTA's 1.5-2.0 (2017/18) o'neil"),
    ("Tabs\tand\nnew lines", "line one\r\nline two\u00a0nbsp café's naïve Ünïcode-wörds"),
]


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
def test_places_of_hard_texts_hold_their_words(pg: Connection) -> None:
    tsv = "setweight(to_tsvector('english', :t), 'A') || setweight(to_tsvector('english', :b), 'B')"
    rows = []
    for title, body in HARD_TEXTS:
        row = pg.execute(
            text(
                "SELECT :t || chr(10) || :b, korus_word_spans(:t, :b), " + _PLACED.format(tsv=tsv)
            ),
            {"t": title, "b": body},
        ).one()
        rows.append(tuple(row))
    _places_hold_their_words(pg, rows)


def _lexemes_of(conn: Connection, words: str) -> list[str]:
    """The lexemes of the words' tsquery, as a search reads them."""
    return search_words.lexemes(search_words.written(conn, words))


def _intervals(marked: str) -> list[tuple[int, int]]:
    """The marked characters' (start, end) in the text without its marks."""
    found, at, opened = [], 0, 0
    for ch in marked:
        if ch == OPEN:
            opened = at
        elif ch == CLOSE:
            found.append((opened, at))
        else:
            at += 1
    return found


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
def test_marks_are_ts_headline_s_for_every_word_of_the_seed(pg: Connection) -> None:
    docs = pg.execute(text("SELECT title || ' ' || body FROM search_document")).scalars()
    queries = sorted({w for doc in docs for w in re.findall(r"\S+", doc)})
    compared, compiled = 0, _compiled()
    for q in queries:
        pks = list(
            pg.execute(
                text(
                    "SELECT pk FROM search_document "
                    "WHERE tsv @@ websearch_to_tsquery('english', :q)"
                ),
                {"q": q},
            ).scalars()
        )
        if not pks:
            continue
        theirs: dict[int, str] = dict(
            pg.execute(
                text(
                    "SELECT pk, ts_headline('english', title || chr(10) || body, "
                    "websearch_to_tsquery('english', :q), :options) "
                    "FROM search_document WHERE pk = ANY(:pks)"
                ),
                {
                    "q": q,
                    "pks": pks,
                    "options": f"HighlightAll=true, StartSel={OPEN}, StopSel={CLOSE}",
                },
            ).all()
        )
        rows = pg.execute(
            search_snippet.statement(),
            {
                "query": q,
                "lexemes": _lexemes_of(pg, q),
                "pks": pks,
                "options": search_snippet.HEADLINE_OPTIONS,
            },
        )
        for pk, exact, whole, packed, found, _headline in rows:
            assert exact, (q, pk)
            spans = search_snippet.spans_of(packed)
            count = len(spans) // 2
            # every place marked: one fragment from the first place to the last
            places = sorted(f // WORD for f in found or ())
            mine = search_snippet._marked(whole, spans, count, places, 1, count)
            assert compiled(whole, packed, found or ()) == cut(whole, spans, found or ())
            shift = spans[0] if count else 0
            assert [(a + shift, b + shift) for a, b in _intervals(mine)] == _intervals(
                theirs[pk]
            ), (q, pk)
            compared += 1
    assert compared > 10_000  # 14,944 documents found by 1,593 words when written


@pytest.mark.parametrize("seeded_url", ["postgresql"], indirect=True)
def test_documents_whose_places_are_not_exact_get_ts_headline_s_snippet(
    pg: Connection,
) -> None:
    many = " ".join(["steel"] * 300 + ["korea"])  # 300 times: tsv keeps 255 places of it
    long = " ".join(f"w{i}" for i in range(17_000)) + " steel"  # past tsv's last place
    pks = []
    for i, body in enumerate((many, long)):
        pks.append(
            pg.execute(
                text(
                    "INSERT INTO search_document (type, ref_id, title, body, url, stage) "
                    "VALUES ('source', :id, 'Test', :body, '/v1/sources/x', 0) RETURNING pk"
                ),
                {"id": f"not-exact-{i}", "body": body},
            ).scalar_one()
        )
    spans: dict[int, bool] = dict(
        pg.execute(
            text("SELECT pk, spans IS NULL FROM search_document WHERE pk = ANY(:pks)"),
            {"pks": pks},
        ).all()
    )
    assert spans == {pks[0]: False, pks[1]: True}
    headline: dict[int, str] = dict(
        pg.execute(
            text(
                "SELECT pk, ts_headline('english', title || chr(10) || body, "
                "websearch_to_tsquery('english', 'steel'), :options) "
                "FROM search_document WHERE pk = ANY(:pks)"
            ),
            {"pks": pks, "options": search_snippet.HEADLINE_OPTIONS},
        ).all()
    )
    assert search_snippet.snippets(pg, "steel", _lexemes_of(pg, "steel"), pks) == headline
    # a query word found fewer times than tsv keeps: cut from the places
    snippet = search_snippet.snippets(pg, "korea", _lexemes_of(pg, "korea"), pks[:1])[pks[0]]
    assert snippet.endswith(f"steel {OPEN}korea{CLOSE}") and DELIMITER not in snippet

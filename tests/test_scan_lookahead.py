"""The scanners' patterns begin with a lookahead for the characters a match can begin with, so
that the rest is tried only there (docs/PERFORMANCE.md, "Patterns that look ahead"). A lookahead
must never change what is found: each pattern finds exactly what it finds without it, in the
real seed's texts, in the synthetic corpus's and in text made to trip it (every case, the
long s and the Kelvin sign that fold to s and k, no-break spaces, hyphens)."""

from __future__ import annotations

import random
import re

import pytest

from app.analysis import mentions, numbers, scanner, wording
from app.analysis.mentions import NameIndex
from app.seed.reader import read_seed
from bench.corpus import generate
from tests.conftest import SEED_DIR

_LOOKAHEAD = re.compile(r"\(\?=\[[^\]]*\]\)")


def _without_lookahead(pattern: re.Pattern[str]) -> re.Pattern[str]:
    plain, found = _LOOKAHEAD.subn("", pattern.pattern, count=1)
    assert found == 1, pattern.pattern
    return re.compile(plain, pattern.flags)


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    corpus = tmp_path_factory.mktemp("corpus") / "seed"
    generate(300, corpus)
    found = [p.read_text(encoding="utf-8") for p in sorted((SEED_DIR / "sources").glob("*"))]
    found += [p.read_text(encoding="utf-8") for p in sorted((corpus / "texts").glob("*"))[:50]]
    rnd = random.Random(18)
    pieces = [
        *"0123456789 $₩,.%-/#:\n\u00a0\u212aſ",
        "US$", "usd ", "KRW", "krw\u00a0", "\u212aRW", "percent", "per cent", "billion",
        "Second", "SIXTH-largest", "ſecond", "Twice", "doubled", "TEN", "twenty", "the two",
        "nearly ", "ABOUT ", "up\u00a0to ", "more than ", "Ministry of Trade", "U.S.", "KORUS",
        "Mr. ", "O'Neil's ", "7Eleven ", "G20 ", "In ", "Section 232 ", "Jan. 5, 2018",
    ]  # fmt: skip
    found += ["".join(rnd.choice(pieces) for _ in range(200)) for _ in range(400)]
    return found


@pytest.fixture(scope="module")
def name_index() -> NameIndex:
    names, titles, countries = read_seed(SEED_DIR).name_index_parts()
    return NameIndex(names, titles, countries)


@pytest.mark.parametrize(
    "pattern",
    [numbers.FIGURE, scanner._WORDS, wording._HEDGE_BEFORE, mentions._RUN],
    ids=["figure", "figure words", "hedge", "capitalised run"],
)
def test_a_pattern_finds_what_it_finds_without_its_lookahead(
    pattern: re.Pattern[str], texts: list[str]
) -> None:
    plain = _without_lookahead(pattern)
    for text in texts:
        assert _found(pattern, text) == _found(plain, text)


def test_the_name_index_finds_what_it_finds_without_its_lookahead(
    name_index: NameIndex, texts: list[str]
) -> None:
    plain = _without_lookahead(name_index.pattern)
    for text in texts:
        assert _found(name_index.pattern, text) == _found(plain, text)


def test_a_name_index_looks_ahead_for_each_first_letter_and_not_past_an_empty_name() -> None:
    assert NameIndex({"": "someone"}, [], []).pattern.pattern.startswith("(?<!")
    ahead = _LOOKAHEAD.match(NameIndex({"Ümit": "umit"}, [], []).pattern.pattern)
    assert ahead is not None and "Ü" in ahead.group()

"""The pure pieces of the seed path: strict YAML, figure parsing, quote placement, dates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.analysis.numbers import FigureSyntaxError, as_decimal, parse_figure
from app.dates import PartialDate
from app.seed import strict_yaml
from app.seed.citations import CitationError, locate_quote, span_holds


@pytest.mark.parametrize(
    ("raw", "value", "unit", "approximate"),
    [
        ("$27.6 billion", "27600000000", "USD", False),
        ("US$27.7\u00a0billion", "27700000000", "USD", False),
        ("US$ 904 million", "904000000", "USD", False),
        ("$144.6 billion", "144600000000", "USD", False),
        ("73 percent", "73", "percent", False),
        ("2.7 percent", "2.7", "percent", False),
        ("70%", "70", "percent", False),
        ("25,000", "25000", None, False),
        ("1000", "1000", None, False),
        ("nearly $20 billion", "20000000000", "USD", True),
        ("about 90 percent", "90", "percent", True),
        ("almost 1000", "1000", None, True),
        ("sixth", "6", None, False),
        ("two", "2", None, False),
    ],
)
def test_figures_parse_to_their_value(
    raw: str, value: str, unit: str | None, approximate: bool
) -> None:
    figure = parse_figure(raw)
    assert figure.value == Decimal(value)
    assert figure.unit_hint == unit
    assert figure.approximate is approximate


@pytest.mark.parametrize("raw", ["", "billion", "$", "27.6 bn dollars", "1.2.3", "twenty-two"])
def test_non_figures_are_refused(raw: str) -> None:
    with pytest.raises(FigureSyntaxError):
        parse_figure(raw)


def test_stored_floats_compare_as_written() -> None:
    assert as_decimal(2.7) == Decimal("2.7")
    assert as_decimal(27600000000) == parse_figure("$27.6 billion").value


TEXT = "The deficit rose from $13.2 billion to $27.6 billion. It rose again: $27.6 billion."


def test_quote_is_placed_with_context() -> None:
    span = locate_quote(TEXT, "from $13.2 billion")
    assert TEXT[span.start : span.end] == "from $13.2 billion"
    assert span.prefix == "The deficit rose "
    assert TEXT[span.end :].startswith(span.suffix) and len(span.suffix) == 32
    assert span_holds(TEXT, span.start, span.end, "from $13.2 billion")


def test_ambiguous_quote_needs_an_occurrence() -> None:
    with pytest.raises(CitationError, match="occurs 2 times"):
        locate_quote(TEXT, "$27.6 billion")
    second = locate_quote(TEXT, "$27.6 billion", occurrence=2)
    assert second.start == TEXT.rindex("$27.6 billion")
    with pytest.raises(CitationError, match="occurrence 3"):
        locate_quote(TEXT, "$27.6 billion", occurrence=3)


def test_offsets_count_code_points() -> None:
    text = "caf\u00e9 \U0001f600 \u201cUS$27.7\u00a0billion\u201d"
    span = locate_quote(text, "US$27.7\u00a0billion")
    assert span.start == text.index("U")
    assert len("caf\u00e9 \U0001f600 \u201c") == span.start


def test_typography_mismatch_is_explained() -> None:
    with pytest.raises(CitationError, match="folded"):
        locate_quote("countries\u2019 trade", "countries' trade")


def test_strict_yaml_reads_plain_values() -> None:
    doc = strict_yaml.load('a: 1\nb: 2.5\nc: true\nd: null\ne: 2017-07\nf: "NO"\ng: text\n')
    assert doc == {"a": 1, "b": 2.5, "c": True, "d": None, "e": "2017-07", "f": "NO", "g": "text"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: NO\n", 2, "bool"),
        ("a: yes\n", 1, "bool"),
        ("a: 0201\n", 1, "int"),
        ("a: 1_000\n", 1, "int"),
        ("a: 0x1F\n", 1, "int"),
        ("a: .inf\n", 1, "float"),
        ("a: 2017-07-12 10:00:00\n", 1, "timestamp"),
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
        ("a: !!int 3\n", 1, "explicit tag"),
        ("a: [1, 2\n", 2, "expected"),
    ],
)
def test_strict_yaml_refuses_surprises(text: str, line: int, words: str) -> None:
    with pytest.raises(strict_yaml.StrictYamlError) as caught:
        strict_yaml.load(text)
    assert words in caught.value.message
    assert caught.value.line == line


def test_lines_are_located() -> None:
    doc = strict_yaml.load("items:\n  - id: a\n  - id: b\n    quote: x\n")
    assert strict_yaml.line_of(doc, ("items", 1, "quote")) == 4
    assert strict_yaml.line_of(doc, ("items", 0)) == 2


@pytest.mark.parametrize(
    ("raw", "text", "precision", "last"),
    [
        ("2017", "2017", "year", "2017-12-31"),
        (2017, "2017", "year", "2017-12-31"),
        ("2017-02", "2017-02", "month", "2017-02-28"),
        ("2016-02", "2016-02", "month", "2016-02-29"),
        ("2018-01-05", "2018-01-05", "day", "2018-01-05"),
    ],
)
def test_partial_dates(raw: object, text: str, precision: str, last: str) -> None:
    value = PartialDate.parse(raw)
    assert str(value) == text
    assert value.precision == precision
    assert value.last.isoformat() == last


@pytest.mark.parametrize("raw", ["2017-13", "2017-02-30", "17", "July 2017", True, None])
def test_bad_partial_dates(raw: object) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(raw)

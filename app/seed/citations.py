"""The citation check: the one function that decides whether a quote stands in a text, and where.

The loader, the CLI and the tests all call `locate_quote`; nothing else computes offsets.
Offsets count Unicode code points (Python string indices), as the W3C TextPositionSelector does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT = 32
_FOLD = str.maketrans(
    {
        "\u00a0": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


class CitationError(ValueError):
    """A quote that cannot be placed in its source, with what would fix it."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    prefix: str
    suffix: str


def occurrences(text: str, quote: str) -> list[int]:
    """Every start offset of `quote` in `text`, overlapping ones included."""
    found: list[int] = []
    index = text.find(quote)
    while index != -1:
        found.append(index)
        index = text.find(quote, index + 1)
    return found


def locate_quote(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Place a verbatim quote in `text`, or say precisely why it cannot be placed."""
    if not quote:
        raise CitationError("the quote is empty")
    starts = occurrences(text, quote)
    if not starts:
        raise CitationError(_why_missing(text, quote))
    if occurrence is None:
        if len(starts) > 1:
            raise CitationError(
                f"the quote occurs {len(starts)} times (at offsets "
                f"{', '.join(map(str, starts))}); add 'occurrence: N' (1-{len(starts)}) "
                "or quote more of the sentence"
            )
        occurrence = 1
    if occurrence > len(starts):
        raise CitationError(
            f"occurrence {occurrence} asked for, but the quote occurs {len(starts)} time(s)"
        )
    start = starts[occurrence - 1]
    end = start + len(quote)
    return Span(start, end, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def span_holds(text: str, start: int, end: int, quote: str) -> bool:
    """True when the served offsets give back the quote exactly."""
    return 0 <= start <= end <= len(text) and text[start:end] == quote


def _why_missing(text: str, quote: str) -> str:
    folded_text = _fold(text)
    folded_quote = _fold(quote)
    if folded_quote and folded_quote in folded_text:
        return (
            "the quote is not in the text verbatim, but is when quotes, dashes, no-break spaces "
            "and runs of white space are folded; copy those characters exactly from the source "
            "(YAML escapes such as \\u00a0 and \\u2019 help)"
        )
    return "the quote does not occur in the source text"


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value.translate(_FOLD)).strip()

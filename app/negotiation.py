"""Content negotiation, the one rule (RFC 9110 §12.5.1), as a pure function.

- No Accept header (or a blank one): the endpoint's default representation, its first offer.
- Each offer gets the quality of the most specific range that covers it (`type/subtype`, then
  `type/*`, then `*/*`; a bare `*`, which old Java clients send, counts as `*/*`). Parameters
  other than `q` (`charset=UTF-8`, `version=...`) do not change what a range covers.
- The offer of highest quality wins; ties go to the earlier offer (the default first).
- A header that admits no offer but admits `application/problem+json` gets the default: problems
  are what the API sends on error, so a client that asks only for them is asking for JSON.
- Otherwise 406 Not Acceptable: the header names only what the endpoint cannot produce.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import PROBLEM_MEDIA_TYPE, NotAcceptable

JSON = "application/json"
CSV = "text/csv"
TEXT = "text/plain"
HTML = "text/html"
CALENDAR = "text/calendar"


def accept_ranges(header: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept (or Accept-Encoding) header with their qualities."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(("*/*" if media == "*" else media, q))
    return ranges


def quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """How much the ranges want `offer`: the weight of the most specific range covering it."""
    kind = offer.split("/", 1)[0]
    best_rank, q = -1, 0.0
    for media, weight in ranges:
        rank = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if rank > best_rank:
            best_rank, q = rank, weight
    return q


def negotiate(header: str | None, offers: Sequence[str]) -> str:
    """The offer the Accept header prefers, by the rule in this module's docstring."""
    if not header or not header.strip():
        return offers[0]
    ranges = accept_ranges(header)
    if not ranges:
        return offers[0]
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    if best is not None:
        return best
    if quality(PROBLEM_MEDIA_TYPE, [r for r in ranges if r[0] == PROBLEM_MEDIA_TYPE]) > 0:
        return offers[0]
    raise NotAcceptable(f"This endpoint can produce {', '.join(offers)}; the request accepts none.")

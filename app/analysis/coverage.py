"""Coverage: does every figure mention of a text have a fact that cites it, or a stated reason?

A money or percent mention is covered by a statistic whose citation contains it and whose
`as_reported` contains the mention's text. A count, rank or multiple is covered the same way, or
by any other fact whose citation contains it. Anything else needs a curator's exclusion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.analysis.scanner import Mention, scan

STRICT_KINDS = ("money", "percent")


@dataclass(frozen=True)
class CitedSpan:
    start: int
    end: int
    fact_type: str  # statistic, provision, meeting, milestone
    fact_id: str
    as_reported: str | None = None


@dataclass(frozen=True)
class Exclusion:
    mention: str
    reason: str
    occurrence: int | None = None
    index: int = 0  # its position in the seed, to name it in messages


@dataclass
class Covered:
    mention: Mention
    status: str  # cited, excluded, uncovered
    facts: list[tuple[str, str]] = field(default_factory=list)
    reason: str | None = None


@dataclass
class CoverageReport:
    mentions: list[Covered]
    unused_exclusions: list[Exclusion]

    @property
    def uncovered(self) -> list[Covered]:
        return [c for c in self.mentions if c.status == "uncovered"]


def _norm(value: str) -> str:
    return value.replace("\u00a0", " ").lower()


def _citing(mention: Mention, spans: Iterable[CitedSpan]) -> list[tuple[str, str]]:
    inside = [s for s in spans if s.start <= mention.start and mention.end <= s.end]
    statistics = [
        s
        for s in inside
        if s.fact_type == "statistic"
        and s.as_reported
        and _norm(mention.text) in _norm(s.as_reported)
    ]
    chosen = statistics or ([] if mention.kind in STRICT_KINDS else inside)
    return list(dict.fromkeys((s.fact_type, s.fact_id) for s in chosen))


def cover(text: str, spans: list[CitedSpan], exclusions: list[Exclusion]) -> CoverageReport:
    """Match every mention the scanner finds in `text` to citing facts or an exclusion."""
    return cover_mentions(scan(text), spans, exclusions)


def cover_mentions(
    mentions: list[Mention], spans: list[CitedSpan], exclusions: list[Exclusion]
) -> CoverageReport:
    """Match each of a text's mentions (`scan`'s, in order) to citing facts or an exclusion."""
    seen: dict[str, int] = {}
    used: set[int] = set()
    result = []
    for mention in mentions:
        seen[mention.text] = seen.get(mention.text, 0) + 1
        facts = _citing(mention, spans)
        if facts:
            result.append(Covered(mention, "cited", facts))
            continue
        match = next(
            (
                e
                for e in exclusions
                if e.mention == mention.text and e.occurrence in (None, seen[mention.text])
            ),
            None,
        )
        if match is not None:
            used.add(match.index)
            result.append(Covered(mention, "excluded", reason=match.reason))
        else:
            result.append(Covered(mention, "uncovered"))
    unused = [e for e in exclusions if e.index not in used]
    return CoverageReport(result, unused)

"""What the explorer pages need beyond the API's own queries: a source's cited spans."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import Connection, select

from app.queries.citations import SourceCitation, source_citations
from app.queries.common import SOURCE


@dataclass(frozen=True)
class CitedSpan(SourceCitation):
    """A citation of the source, with the anchor the source page gives it."""

    @property
    def key(self) -> str:
        return cite_key(self.fact_type, self.fact_id, self.position)


def cite_key(fact_type: str, fact_id: str, position: int) -> str:
    """The anchor of one citation in its source page."""
    return f"cite-{fact_type}-{fact_id}-{position}"


def source_spans(conn: Connection, source_id: str) -> list[CitedSpan]:
    source_pk = conn.execute(select(SOURCE.c.pk).where(SOURCE.c.id == source_id)).scalar()
    if source_pk is None:
        return []
    return [CitedSpan(**vars(c)) for c in source_citations(conn, source_pk)]


@dataclass
class Segment:
    text: str
    spans: list[CitedSpan]
    anchors: list[str]  # the citations that start here
    garbled: list[CitedSpan]  # citations judged to rest on a garbled sentence that end here


def segments(text: str, spans: list[CitedSpan]) -> list[Segment]:
    """The text cut at every span boundary; each piece knows the citations covering it."""
    cuts = sorted({0, len(text), *[s.start for s in spans], *[s.end for s in spans]})
    out = []
    for left, right in itertools.pairwise(cuts):
        covering = [s for s in spans if s.start <= left and right <= s.end]
        starting = [s.key for s in covering if s.start == left]
        ending = [s for s in covering if s.end == right and s.source_error]
        out.append(Segment(text[left:right], covering, starting, ending))
    return out

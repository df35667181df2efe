"""What the explorer pages need beyond the API's own queries: a source's cited spans."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from app.models import Meeting, Milestone, Provision, Statistic
from app.queries.common import CITATION, SOURCE

FACT_TABLES: dict[str, Any] = {
    "statistic": Statistic.__table__,  # type: ignore[attr-defined]
    "provision": Provision.__table__,  # type: ignore[attr-defined]
    "meeting": Meeting.__table__,  # type: ignore[attr-defined]
    "milestone": Milestone.__table__,  # type: ignore[attr-defined]
}


@dataclass(frozen=True)
class CitedSpan:
    start: int
    end: int
    fact_type: str
    fact_id: str
    position: int
    title: str

    @property
    def key(self) -> str:
        return cite_key(self.fact_type, self.fact_id, self.position)


def cite_key(fact_type: str, fact_id: str, position: int) -> str:
    """The anchor of one citation in its source page."""
    return f"cite-{fact_type}-{fact_id}-{position}"


def source_spans(conn: Connection, source_id: str) -> list[CitedSpan]:
    spans: list[CitedSpan] = []
    for fact, table in FACT_TABLES.items():
        title = table.c.label if fact == "statistic" else table.c.title
        stmt = (
            select(
                CITATION.c.start_offset,
                CITATION.c.end_offset,
                table.c.id,
                CITATION.c.position,
                title,
            )
            .join(table, table.c.pk == CITATION.c[f"{fact}_pk"])
            .join(SOURCE, SOURCE.c.pk == CITATION.c.source_pk)
            .where(SOURCE.c.id == source_id)
        )
        spans.extend(CitedSpan(r[0], r[1], fact, r[2], r[3], r[4]) for r in conn.execute(stmt))
    return sorted(spans, key=lambda s: (s.start, s.end, s.key))


@dataclass
class Segment:
    text: str
    spans: list[CitedSpan]
    anchors: list[str]  # the citations that start here


def segments(text: str, spans: list[CitedSpan]) -> list[Segment]:
    """The text cut at every span boundary; each piece knows the citations covering it."""
    cuts = sorted({0, len(text), *[s.start for s in spans], *[s.end for s in spans]})
    out = []
    for left, right in itertools.pairwise(cuts):
        covering = [s for s in spans if s.start <= left and right <= s.end]
        starting = [s.key for s in covering if s.start == left]
        out.append(Segment(text[left:right], covering, starting))
    return out

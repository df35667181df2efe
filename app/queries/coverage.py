"""A source's coverage, computed from what is loaded with the same function `check` uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from app.analysis.coverage import CitedSpan, Exclusion, cover
from app.models import Exclusion as ExclusionRow
from app.models import NameMention
from app.queries.citations import source_citations
from app.queries.common import SOURCE
from app.vocabulary import coverage_url, resource_url

EXCLUSION = ExclusionRow.__table__  # type: ignore[attr-defined]
NAME_MENTION = NameMention.__table__  # type: ignore[attr-defined]


def source_coverage(conn: Connection, source_id: str) -> dict[str, Any] | None:
    source = conn.execute(
        select(SOURCE.c.pk, SOURCE.c.text).where(SOURCE.c.id == source_id)
    ).first()
    if source is None:
        return None
    spans = [
        CitedSpan(c.start, c.end, c.fact_type, c.fact_id, c.as_reported)
        for c in source_citations(conn, source.pk)
    ]
    exclusions = [
        Exclusion(row.mention, row.reason, row.occurrence, row.pk)
        for row in conn.execute(
            select(EXCLUSION).where(EXCLUSION.c.source_pk == source.pk).order_by(EXCLUSION.c.pk)
        )
    ]
    report = cover(source.text, spans, exclusions)
    mentions = [
        {
            "text": c.mention.text,
            "kind": c.mention.kind,
            "start": c.mention.start,
            "end": c.mention.end,
            "approximate": c.mention.approximate,
            "year": c.mention.year,
            "status": c.status,
            "facts": [{"type": t, "id": i, "url": resource_url(t, i)} for t, i in c.facts],
            "reason": c.reason,
        }
        for c in report.mentions
    ]
    names = _names(conn, source.pk)
    summary = {"mentions": len(mentions)} | {
        status: sum(1 for m in mentions if m["status"] == status)
        for status in ("cited", "excluded", "uncovered")
    }
    summary |= {
        "names": len(names),
        "names_resolved": sum(1 for n in names if n["status"] == "resolved"),
        "names_excluded": sum(1 for n in names if n["status"] == "excluded"),
    }
    return {
        "source_id": source_id,
        "url": coverage_url(source_id),
        "summary": summary,
        "mentions": mentions,
        "names": names,
    }


def _names(conn: Connection, source_pk: int) -> list[dict[str, Any]]:
    """The names the loader recorded for the source, in text order."""
    rows = conn.execute(
        select(NAME_MENTION)
        .where(NAME_MENTION.c.source_pk == source_pk)
        .order_by(NAME_MENTION.c.position)
    ).mappings()
    return [
        {
            "text": r["text"],
            "start": r["start"],
            "end": r["end"],
            "status": r["status"],
            "entity": {
                "type": r["entity_type"],
                "id": r["entity_id"],
                "url": resource_url(r["entity_type"], r["entity_id"]),
            }
            if r["entity_id"]
            else None,
            "reason": r["reason"],
        }
        for r in rows
    ]

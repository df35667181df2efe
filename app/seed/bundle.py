"""The seed as read: its entries, texts and placed citations, and the problems found in it.

`SeedBundle` is what the reader hands the loader once every check has passed; `SeedIssue`,
`Issues` and `SeedError` are how problems are collected and reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from app.analysis.arithmetic import CheckResult
from app.analysis.coverage import CitedSpan, CoverageReport, Exclusion, cover
from app.analysis.discrepancies import Discrepancy
from app.analysis.mentions import NameScan
from app.models import (
    CheckSeed,
    DiscrepancyNoteSeed,
    ExclusionSeed,
    MeetingSeed,
    MentionExclusionSeed,
    MetricSeed,
    MilestoneSeed,
    OrganizationSeed,
    PersonSeed,
    ProvisionSeed,
    SourceSeed,
    StatementSeed,
    StatisticSeed,
)
from app.seed import strict_yaml
from app.seed.citations import Span
from app.vocabulary import FACT_KINDS, SINGULAR

# The kinds of seed file, in load order, with the model of one entry.
KINDS: dict[str, type[BaseModel]] = {
    "sources": SourceSeed,
    "metrics": MetricSeed,
    "organizations": OrganizationSeed,
    "people": PersonSeed,
    "statistics": StatisticSeed,
    "provisions": ProvisionSeed,
    "meetings": MeetingSeed,
    "milestones": MilestoneSeed,
    "statements": StatementSeed,
    "exclusions": ExclusionSeed,
    "mention_exclusions": MentionExclusionSeed,
    "checks": CheckSeed,
    "discrepancy_notes": DiscrepancyNoteSeed,
}


@dataclass(frozen=True)
class SeedIssue:
    file: str
    message: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class SeedError(Exception):
    """The seed cannot be loaded; `issues` says the reasons found (at most MAX_ISSUES_PER_FILE a
    file: `skipped` counts the rest; reading stops at MAX_ISSUES, and `stopped` says so)."""

    def __init__(self, issues: list[SeedIssue], skipped: int = 0, stopped: bool = False) -> None:
        lines = [str(issue) for issue in issues]
        if skipped:
            lines.append(f"... and {skipped:,} more problems not listed: fix these first")
        if stopped:
            lines.append(f"... reading stopped after {len(issues):,} problems: fix these first")
        super().__init__("\n".join(lines))
        self.issues = issues
        self.skipped = skipped
        self.stopped = stopped


# A broken file can hold a problem per line: say enough to act on, in bounded time and output.
MAX_ISSUES_PER_FILE = 50
MAX_ISSUES = 500


class TooMany(Exception):
    pass


class Issues(list[SeedIssue]):
    """The problems found so far, at most MAX_ISSUES_PER_FILE per file and MAX_ISSUES in all:
    past those, further problems are counted, not kept, and reading stops at MAX_ISSUES."""

    def __init__(self) -> None:
        super().__init__()
        self.per_file: dict[str, int] = {}
        self.skipped = 0

    def append(self, issue: SeedIssue) -> None:
        count = self.per_file.get(issue.file, 0) + 1
        self.per_file[issue.file] = count
        if count > MAX_ISSUES_PER_FILE:
            self.skipped += 1
            return
        super().append(issue)
        if len(self) >= MAX_ISSUES:
            raise TooMany

    def file_is_full(self, name: str) -> bool:
        return self.per_file.get(name, 0) > MAX_ISSUES_PER_FILE


@dataclass(slots=True)
class Entry:
    """One validated entry with where it came from, for messages."""

    model: Any
    file: str
    index: int
    document: Any

    @property
    def label(self) -> str:
        kind = self.file_kind
        return f"{kind}[{self.index}] (id={self.model.id})"

    @property
    def file_kind(self) -> str:
        return next(k for k, m in KINDS.items() if isinstance(self.model, m))

    def line(self, *path: int | str) -> int | None:
        if self.document is None:  # released once every check passed (SeedBundle.settle)
            return None
        return strict_yaml.line_of(self.document, (self.file_kind, self.index, *path))

    def issue(self, message: str, *path: int | str) -> SeedIssue:
        """A problem with this entry, located at the field `path` names."""
        return SeedIssue(
            self.file, message, entry=self.label, field=dotted(path) or None, line=self.line(*path)
        )


@dataclass
class SourceText:
    seed: SourceSeed
    text: str
    sha256: str


@dataclass
class SeedBundle:
    """A seed that passed every check, with each citation already placed in its text."""

    root: Path
    entries: dict[str, list[Entry]]
    texts: dict[str, SourceText]
    spans: dict[tuple[str, str, int], Span] = field(default_factory=dict)
    checks: dict[str, CheckResult] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    coverage: dict[str, CoverageReport] = field(default_factory=dict)  # by source, once checked
    name_scans: dict[str, NameScan] = field(default_factory=dict)  # by source, once checked
    _by_source: dict[str, list[CitedSpan]] | None = field(default=None, repr=False)
    _metric_scopes: dict[str, str | None] | None = field(default=None, repr=False)
    _names: dict[str, str] | None = field(default=None, repr=False)
    _entities: dict[str, Any] | None = field(default=None, repr=False)

    def spans_by_source(self) -> dict[str, list[CitedSpan]]:
        """Every placed citation grouped by the source it cites (built once, on first use)."""
        if self._by_source is None:
            grouped: dict[str, list[CitedSpan]] = {}
            for kind in FACT_KINDS:
                for model in self.models(kind):
                    for i, citation in enumerate(model.citations):
                        span = self.spans.get((kind, model.id, i))
                        if span is not None:
                            grouped.setdefault(citation.source, []).append(
                                CitedSpan(
                                    span.start,
                                    span.end,
                                    SINGULAR[kind],
                                    model.id,
                                    getattr(model, "as_reported", None),
                                )
                            )
            self._by_source = grouped
        return self._by_source

    def models(self, kind: str) -> list[Any]:
        return [entry.model for entry in self.entries[kind]]

    def entity_names(self) -> dict[str, str]:
        """Every curated form of a person's or organisation's name, with its id (built once)."""
        if self._names is None:
            names: dict[str, str] = {}
            for kind in ("organizations", "people"):
                for model in self.models(kind):
                    for name in model.names:
                        names.setdefault(name.name, model.id)
            self._names = names
        return self._names

    def entity(self, entity_id: str) -> PersonSeed | OrganizationSeed | None:
        """The person or organisation with this id (built once)."""
        if self._entities is None:
            self._entities = {
                m.id: m for kind in ("organizations", "people") for m in self.models(kind)
            }
        return self._entities.get(entity_id)

    def first_published(self, model: Any) -> date | None:
        """The earliest day by which a source citing `model` was surely published (the last
        day of its publication date): what `as_of` compares. None if no citing source is dated."""
        days = [
            published.last
            for citation in model.citations
            if (source := self.texts.get(citation.source)) is not None
            and (published := source.seed.published_on) is not None
        ]
        return min(days, default=None)

    def country_codes(self) -> set[str]:
        """Every ISO 3166-1 alpha-3 code the seed uses for a country."""
        codes = {c for s in self.models("statistics") for c in (s.reporter, s.partner) if c}
        for kind in ("people", "organizations"):
            codes |= {m.country for m in self.models(kind) if m.country}
        for meeting in self.models("meetings"):
            codes |= {p.country for p in meeting.participants if p.country}
            if meeting.location and meeting.location.country:
                codes.add(meeting.location.country)
        return codes

    def person_named(self, name: str) -> str | None:
        """The person a printed name stands for (a meeting's participant), if any."""
        found = self.entity(self.entity_names().get(name, ""))
        return found.id if isinstance(found, PersonSeed) else None

    def scope_of(self, statistic: StatisticSeed) -> str | None:
        """A statistic's scope: its own, or the one its metric fixes for all its statistics."""
        if self._metric_scopes is None:
            self._metric_scopes = {m.id: m.scope for m in self.models("metrics")}
        return statistic.scope or self._metric_scopes.get(statistic.metric)

    @property
    def version(self) -> str:
        """Digest of everything the seed says: changes when and only when the data does."""
        digest = hashlib.sha256()
        for kind in KINDS:
            for model in sorted(self.models(kind), key=lambda m: m.id):
                digest.update(kind.encode())
                digest.update(json.dumps(model.model_dump(mode="json"), sort_keys=True).encode())
        for source_id in sorted(self.texts):
            digest.update(self.texts[source_id].sha256.encode())
        return digest.hexdigest()[:16]


def citation_path(model: Any, position: int) -> tuple[int | str, ...]:
    """Where a fact's `position`-th citation's quote is written in its seed entry."""
    path = getattr(model, "citation_path", None)
    return tuple(path(position)) if path else ("citations", position, "quote")


def dotted(loc: Iterable[int | str]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def cited_spans(bundle: SeedBundle, source_id: str) -> list[CitedSpan]:
    """Every placed citation of one source, with the fact it belongs to."""
    return bundle.spans_by_source().get(source_id, [])


def coverage(bundle: SeedBundle, source_id: str) -> CoverageReport:
    exclusions = [
        Exclusion(e.model.mention, e.model.reason, e.model.occurrence, e.index)
        for e in bundle.entries["exclusions"]
        if e.model.source == source_id
    ]
    return cover(bundle.texts[source_id].text, cited_spans(bundle, source_id), exclusions)

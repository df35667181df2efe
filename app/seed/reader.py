"""Seed files -> validated models -> cross-reference and citation checks, all without a database.

Every problem is collected, with file, entry, field and line, before anything is loaded: a curator
sees all of them at once, and a seed with any problem never reaches the loader.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.analysis.arithmetic import CheckResult
from app.analysis.coverage import CitedSpan, CoverageReport, Exclusion, cover
from app.analysis.discrepancies import Discrepancy, Measured, Member, find_discrepancies
from app.models import (
    CheckSeed,
    CitationSeed,
    DiscrepancyNoteSeed,
    ExclusionSeed,
    MeetingSeed,
    MetricSeed,
    MilestoneSeed,
    ProvisionSeed,
    SourceSeed,
    StatisticSeed,
)
from app.seed import json_lines, rules, strict_yaml
from app.seed.citations import CitationError, Span, locate_quote
from app.seed.claims import ClaimError, Facts, judge_check
from app.seed.files import MAX_TEXT_BYTES, SeedFileError, limit_for, read_bounded, seed_files
from app.seed.numbers import FigureSyntaxError, as_decimal, parse_figure
from app.seed.scanner import scan

M = TypeVar("M", bound=BaseModel)

# The kinds of seed file, in load order, with the model of one entry.
KINDS: dict[str, type[BaseModel]] = {
    "sources": SourceSeed,
    "metrics": MetricSeed,
    "statistics": StatisticSeed,
    "provisions": ProvisionSeed,
    "meetings": MeetingSeed,
    "milestones": MilestoneSeed,
    "exclusions": ExclusionSeed,
    "checks": CheckSeed,
    "discrepancy_notes": DiscrepancyNoteSeed,
}
FACT_KINDS = ("statistics", "provisions", "meetings", "milestones")


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


class _TooMany(Exception):
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
            raise _TooMany

    def file_is_full(self, name: str) -> bool:
        return self.per_file.get(name, 0) > MAX_ISSUES_PER_FILE


@dataclass
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
        return strict_yaml.line_of(self.document, (self.file_kind, self.index, *path))

    def issue(self, message: str, *path: int | str) -> SeedIssue:
        """A problem with this entry, located at the field `path` names."""
        return SeedIssue(
            self.file, message, entry=self.label, field=_dotted(path) or None, line=self.line(*path)
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
    _by_source: dict[str, list[CitedSpan]] | None = field(default=None, repr=False)

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
                                    kind[:-1],
                                    model.id,
                                    getattr(model, "as_reported", None),
                                )
                            )
            self._by_source = grouped
        return self._by_source

    def models(self, kind: str) -> list[Any]:
        return [entry.model for entry in self.entries[kind]]

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


def read_seed(root: Path) -> SeedBundle:
    """Read and check the whole seed under `root`; raise SeedError listing the problems."""
    issues = Issues()
    try:
        bundle = _read_and_check(root, issues)
    except _TooMany:
        raise SeedError(list(issues), issues.skipped, stopped=True) from None
    if issues:
        raise SeedError(list(issues), issues.skipped)
    return bundle


def _read_and_check(root: Path, issues: Issues) -> SeedBundle:
    entries: dict[str, list[Entry]] = {}
    for kind, model in KINDS.items():
        if not seed_files(root, kind):
            issues.append(
                SeedIssue(
                    _rel(root / f"{kind}.yaml", root),
                    f"missing: every kind's file must exist ({kind}.yaml, or files in {kind}/); "
                    f"write '{kind}: []' for a kind with no entries",
                )
            )
        entries[kind] = list(_read_kind(root, kind, model, issues))
    _check_unique_ids(entries, issues)
    texts = _read_texts(root, entries["sources"], issues)
    bundle = SeedBundle(root, entries, texts)
    _check_references(bundle, issues)
    _place_citations(bundle, issues)
    _check_figures(bundle, issues)
    _check_rules(bundle, issues)
    _check_coverage(bundle, issues)
    _run_checks(bundle, issues)
    _find_discrepancies(bundle, issues)
    return bundle


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_kind(root: Path, kind: str, model: type[BaseModel], issues: Issues) -> Iterator[Entry]:
    for path in seed_files(root, kind):
        name = _rel(path, root)
        try:
            data = read_bounded(root, path, limit_for(path))
            if path.suffix == ".jsonl":
                document = json_lines.load(data, kind)
            else:
                document = strict_yaml.load(data.decode("utf-8"))
        except SeedFileError as exc:
            issues.append(SeedIssue(name, exc.message))
            continue
        except UnicodeDecodeError as exc:
            issues.append(SeedIssue(name, f"not valid UTF-8: {exc}"))
            continue
        except strict_yaml.StrictYamlError as exc:
            issues.append(SeedIssue(name, exc.message, line=exc.line))
            continue
        if not isinstance(document, dict) or set(document) != {kind}:
            issues.append(
                SeedIssue(name, f"the file must be a mapping with the single key '{kind}'", line=1)
            )
            continue
        items = document[kind]
        if not isinstance(items, list):
            issues.append(SeedIssue(name, f"'{kind}' must be a list", line=1))
            continue
        for index, raw in enumerate(items):
            if issues.file_is_full(name):
                break
            entry_id = raw.get("id") if isinstance(raw, dict) else None
            label = f"{kind}[{index}]" + (f" (id={entry_id})" if entry_id else "")
            try:
                parsed = model.model_validate(raw)
            except ValidationError as exc:
                for error in exc.errors():
                    loc = tuple(error["loc"])
                    issues.append(
                        SeedIssue(
                            name,
                            error["msg"],
                            entry=label,
                            field=_dotted(loc) or None,
                            line=strict_yaml.line_of(document, (kind, index, *loc)),
                        )
                    )
                continue
            yield Entry(parsed, name, index, document)


def _dotted(loc: Iterable[int | str]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _check_unique_ids(entries: dict[str, list[Entry]], issues: list[SeedIssue]) -> None:
    for items in entries.values():
        seen: dict[str, Entry] = {}
        for entry in items:
            first = seen.get(entry.model.id)
            if first is not None:
                issues.append(
                    entry.issue(
                        f"duplicate id {entry.model.id!r}: already used at "
                        f"{first.file}:{first.line('id')}",
                        "id",
                    )
                )
            else:
                seen[entry.model.id] = entry


def _read_texts(root: Path, sources: list[Entry], issues: list[SeedIssue]) -> dict[str, SourceText]:
    texts: dict[str, SourceText] = {}
    for entry in sources:
        seed: SourceSeed = entry.model
        path = root / seed.file
        if not (path.exists() or path.is_symlink()):
            issues.append(entry.issue(f"no file {seed.file!r} in the seed directory", "file"))
            continue
        try:
            data = read_bounded(root, path, MAX_TEXT_BYTES)
        except SeedFileError as exc:
            issues.append(entry.issue(f"{seed.file} {exc.message}", "file"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha != seed.sha256:
            issues.append(
                entry.issue(
                    f"the text of {seed.file} has changed: its sha256 is {sha}, the seed records "
                    f"{seed.sha256}; a changed document is a new source, not an edit",
                    "sha256",
                )
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            issues.append(entry.issue(f"{seed.file} is not valid UTF-8: {exc}", "file"))
            continue
        texts[seed.id] = SourceText(seed, text, sha)
    return texts


def _check_references(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    metrics = {m.id: m for m in bundle.models("metrics")}
    statistics = {s.id for s in bundle.models("statistics")}
    sources = {s.id for s in bundle.models("sources")}

    def dangling(entry: Entry, field_path: tuple[int | str, ...], what: str, ref: str) -> None:
        issues.append(entry.issue(f"no {what} with id {ref!r}", *field_path))

    for entry in bundle.entries["statistics"]:
        stat: StatisticSeed = entry.model
        metric = metrics.get(stat.metric)
        if metric is None:
            dangling(entry, ("metric",), "metric", stat.metric)
        else:
            if metric.unit != stat.unit:
                issues.append(
                    entry.issue(
                        f"unit {stat.unit!r} differs from its metric's unit {metric.unit!r}", "unit"
                    )
                )
            if metric.scope is not None and stat.scope is None:
                stat.scope = metric.scope  # the metric fixes it; say so on the statistic too
            elif metric.scope is not None and stat.scope != metric.scope:
                issues.append(
                    entry.issue(
                        f"scope {stat.scope!r} differs from the scope its metric fixes "
                        f"({metric.scope!r})",
                        "scope",
                    )
                )
        if stat.period_start and stat.period_end and stat.period_end.last < stat.period_start.first:
            issues.append(entry.issue("period_end is before period_start", "period_end"))
    for entry in bundle.entries["provisions"]:
        for i, ref in enumerate(entry.model.statistic_ids):
            if ref not in statistics:
                dangling(entry, ("statistic_ids", i), "statistic", ref)
    for entry in bundle.entries["meetings"]:
        meeting: MeetingSeed = entry.model
        if meeting.end_date and meeting.end_date.last < meeting.start_date.first:
            issues.append(entry.issue("end_date is before start_date", "end_date"))
    for kind in FACT_KINDS:
        for entry in bundle.entries[kind]:
            for i, citation in enumerate(entry.model.citations):
                if citation.source not in sources:
                    dangling(entry, ("citations", i, "source"), "source", citation.source)
    for entry in bundle.entries["exclusions"]:
        if entry.model.source not in sources:
            dangling(entry, ("source",), "source", entry.model.source)


def _place_citations(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    for kind in FACT_KINDS:
        for entry in bundle.entries[kind]:
            citation: CitationSeed
            for i, citation in enumerate(entry.model.citations):
                source = bundle.texts.get(citation.source)
                if source is None:
                    continue  # reported as a dangling reference or a bad source already
                try:
                    span = locate_quote(source.text, citation.quote, citation.occurrence)
                except CitationError as exc:
                    issues.append(entry.issue(str(exc), "citations", i, "quote"))
                    continue
                bundle.spans[(kind, entry.model.id, i)] = span


def _check_figures(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    for entry in bundle.entries["statistics"]:
        stat: StatisticSeed = entry.model
        reported = stat.as_reported
        if not any(reported in c.quote for c in stat.citations):
            issues.append(
                entry.issue(
                    f"as_reported {reported!r} does not stand inside any of the statistic's quotes",
                    "as_reported",
                )
            )
        try:
            figure = parse_figure(reported)
        except FigureSyntaxError as exc:
            issues.append(entry.issue(str(exc), "as_reported"))
            continue
        # the sign follows the metric's convention; the text gives direction in words ("a drop of")
        if figure.value != abs(as_decimal(stat.value)):
            issues.append(
                entry.issue(
                    f"as_reported {reported!r} reads as {figure.value.normalize():f}, "
                    f"but value is {stat.value!r}",
                    "value",
                )
            )
        if figure.unit_hint and figure.unit_hint != stat.unit:
            issues.append(
                entry.issue(
                    f"as_reported {reported!r} is in {figure.unit_hint}, but unit is {stat.unit!r}",
                    "unit",
                )
            )


def _check_rules(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    """The curation rules (app/seed/rules.py), with the exemptions curators stated."""
    ctx = rules.Context(
        texts={source_id: t.text for source_id, t in bundle.texts.items()},
        spans={key: span.start for key, span in bundle.spans.items()},
        metrics={m.id: m for m in bundle.models("metrics")},
        sources={s.id: s for s in bundle.models("sources")},
    )
    for entry in bundle.entries["statistics"]:
        stat: StatisticSeed = entry.model
        broken = set()
        for breach in rules.statistic_breaches(stat, ctx):
            broken.add(breach.rule)
            if breach.rule not in stat.exemptions:
                issues.append(entry.issue(breach.message, *breach.path))
        for rule in stat.exemptions:
            if rule not in broken:
                issues.append(
                    entry.issue(
                        f"the statistic keeps rule {rule!r}: the exemption is stale",
                        "exemptions",
                        rule,
                    )
                )
    for entry in bundle.entries["provisions"]:
        for breach in rules.provision_breaches(entry.model):
            issues.append(entry.issue(breach.message, *breach.path))


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


def _check_coverage(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return  # coverage is only meaningful once every citation is placed
    exclusions = {e.index: e for e in bundle.entries["exclusions"]}
    for source_id, source in bundle.texts.items():
        report = coverage(bundle, source_id)
        name = _rel(bundle.root / source.seed.file, bundle.root)
        for item in report.uncovered:
            m = item.mention
            line = source.text.count("\n", 0, m.start) + 1
            issues.append(
                SeedIssue(
                    name,
                    f"figure {m.text!r} ({m.kind}) is cited by no fact: cite it in a statistic "
                    f"whose as_reported contains it, or add an exclusion for source {source_id} "
                    "with the reason it is left out",
                    line=line,
                )
            )
        for unused in report.unused_exclusions:
            entry = exclusions[unused.index]
            issues.append(
                entry.issue(
                    f"no uncited mention {unused.mention!r} in {source_id}: the exclusion is stale",
                    "mention",
                )
            )


def _run_checks(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return  # arithmetic over figures that failed their own checks would mislead
    facts = Facts(
        {s.id: s for s in bundle.models("statistics")},
        {m.id: m for m in bundle.models("milestones")},
        {s.id: s for s in bundle.models("sources")},
    )
    for entry in bundle.entries["checks"]:
        try:
            bundle.checks[entry.model.id] = judge_check(entry.model, facts)
        except ClaimError as exc:
            issues.append(entry.issue(exc.message, *exc.path))


def _find_discrepancies(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return
    measured = [
        Measured(
            s.metric,
            s.reporter,
            s.partner,
            s.scope,
            s.period_start.first if s.period_start else None,
            s.period_start.precision if s.period_start else None,
            s.period_end.first if s.period_end else None,
            s.period_end.precision if s.period_end else None,
            Member(s.id, float(s.value), s.as_reported, s.citations[0].source),
            s.unit,
        )
        for s in bundle.models("statistics")
    ]
    bundle.discrepancies = find_discrepancies(measured)
    for entry in bundle.entries["discrepancy_notes"]:
        wanted = set(entry.model.statistics)
        group = next((d for d in bundle.discrepancies if wanted & {m.id for m in d.members}), None)
        members = {m.id for m in group.members} if group else set()
        if group is None or not wanted <= members:
            issues.append(
                entry.issue(
                    "these statistics do not form one discrepancy (same metric, parties, scope and "
                    "period, different values): the note is stale",
                    "statistics",
                )
            )
            continue
        if wanted != members:
            issues.append(
                entry.issue(
                    f"the note's group also holds {', '.join(sorted(members - wanted))}: list "
                    "every statistic of the group",
                    "statistics",
                )
            )
        stated = {abs(as_decimal(m.value)) for m in group.members}
        for mention in scan(entry.model.note):
            try:
                value = parse_figure(mention.text).value
            except FigureSyntaxError:
                continue
            if mention.kind in ("money", "percent") and value not in stated:
                issues.append(
                    entry.issue(
                        f"the note gives {mention.text!r}, which no statistic of the group "
                        "states: a note presents only the sources' figures",
                        "note",
                    )
                )
        group.note = entry.model.note

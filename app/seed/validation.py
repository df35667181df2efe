"""The checks a seed must pass before anything is loaded, one function per rule, each adding
what it finds to `issues` (file, entry, field and line) and never changing the seed.

Order matters only where a check needs another's result: citations are placed before the rules
and coverage read them, and arithmetic runs only over a seed that passed everything else.

The statistics, a million in a large seed, are decoded once for every check that looks at one
statistic at a time (`check_statistics`: its references, its quotes, its figure, the curation
rules, and what it measures). Each of those checks keeps its problems apart and tells them in
its own turn, so that a curator is told the same problems in the same order, within the same
caps, as if each check had passed over the statistics itself (tests/test_statistics_pass.py).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from app.analysis.discrepancies import Discrepancy, Measured, Member, find_discrepancies
from app.analysis.mentions import NameIndex, adjacent_titles
from app.analysis.numbers import FigureSyntaxError, as_decimal, parse_figure
from app.analysis.scanner import scan
from app.models import CitationSeed, MeetingSeed, StatisticSeed
from app.seed import rules
from app.seed.bundle import (
    Deferred,
    Entry,
    Found,
    Issues,
    SeedBundle,
    SeedIssue,
    StoredEntries,
    citation_path,
    coverage,
    relative,
)
from app.seed.citations import CitationError, Span, locate_quote
from app.seed.claims import ClaimError, Facts, judge_check
from app.seed.spill import BATCH, SpanRow
from app.vocabulary import FACT_KINDS


def ids_are_unique(entries: dict[str, StoredEntries], issues: list[SeedIssue]) -> None:
    for items in entries.values():
        for entry in items.duplicates():
            first = items.get(entry.model.id)
            where = f"{first.file}:{first.line('id')}" if first is not None else "?"
            issues.append(
                entry.issue(f"duplicate id {entry.model.id!r}: already used at {where}", "id")
            )


class _References:
    """What a statistic's references are resolved against."""

    def __init__(self, bundle: SeedBundle) -> None:
        self.metrics = {m.id: m for m in bundle.models("metrics")}
        self.sources = bundle.ids("sources")
        self.organizations = bundle.ids("organizations")
        self.people = bundle.ids("people")


def _dangling(entry: Entry, field_path: tuple[int | str, ...], what: str, ref: str) -> SeedIssue:
    return entry.issue(f"no {what} with id {ref!r}", *field_path)


def _cited_sources_exist(entry: Entry, sources: Container[str], issues: Found) -> None:
    for i, citation in enumerate(entry.model.citations):
        if citation.source not in sources:
            issues.append(_dangling(entry, ("citations", i, "source"), "source", citation.source))


def _statistic_references(entry: Entry, refs: _References, issues: Found) -> None:
    """Every reference of one statistic, checked together."""
    stat: StatisticSeed = entry.model
    _cited_sources_exist(entry, refs.sources, issues)
    ref = stat.attributed_to_id
    if ref is not None and ref not in refs.people and ref not in refs.organizations:
        issues.append(_dangling(entry, ("attributed_to_id",), "person or organization", ref))
    metric = refs.metrics.get(stat.metric)
    if metric is None:
        issues.append(_dangling(entry, ("metric",), "metric", stat.metric))
    else:
        if metric.unit != stat.unit:
            issues.append(
                entry.issue(
                    f"unit {stat.unit!r} differs from its metric's unit {metric.unit!r}", "unit"
                )
            )
        if metric.scope is not None and stat.scope not in (None, metric.scope):
            issues.append(
                entry.issue(
                    f"scope {stat.scope!r} differs from the scope its metric fixes "
                    f"({metric.scope!r})",
                    "scope",
                )
            )
    if stat.period_start and stat.period_end and stat.period_end.last < stat.period_start.first:
        issues.append(entry.issue("period_end is before period_start", "period_end"))


def references_resolve(bundle: SeedBundle, issues: Issues, checked: StatisticsChecked) -> None:
    statistics = bundle.ids("statistics")
    sources = bundle.ids("sources")

    def dangling(entry: Entry, field_path: tuple[int | str, ...], what: str, ref: str) -> None:
        issues.append(_dangling(entry, field_path, what, ref))

    def cited_sources_exist(entry: Entry) -> None:
        _cited_sources_exist(entry, sources, issues)

    checked.references.tell(issues)  # the statistics', each found in the one pass over them
    for entry in bundle.entries["provisions"]:
        cited_sources_exist(entry)
        for i, ref in enumerate(entry.model.statistic_ids):
            if ref not in statistics:
                dangling(entry, ("statistic_ids", i), "statistic", ref)
    for entry in bundle.entries["meetings"]:
        meeting: MeetingSeed = entry.model
        if meeting.end_date and meeting.end_date.last < meeting.start_date.first:
            issues.append(entry.issue("end_date is before start_date", "end_date"))
    for kind in FACT_KINDS:
        if kind not in ("statistics", "provisions"):
            for entry in bundle.entries[kind]:
                cited_sources_exist(entry)
    for kind in ("exclusions", "mention_exclusions"):
        for entry in bundle.entries[kind]:
            if entry.model.source not in sources:
                dangling(entry, ("source",), "source", entry.model.source)
    _people_and_statements_resolve(bundle, dangling)


def _people_and_statements_resolve(bundle: SeedBundle, dangling: Any) -> None:
    organizations = bundle.ids("organizations")
    people = bundle.ids("people")
    ids = {kind: bundle.ids(kind) for kind in ("statistics", "provisions", "meetings")}
    for entry in bundle.entries["sources"]:
        ref = entry.model.publisher_id
        if ref is not None and ref not in organizations:
            dangling(entry, ("publisher_id",), "organization", ref)
    for entry in bundle.entries["people"]:
        for i, role in enumerate(entry.model.roles):
            if role.organization is not None and role.organization not in organizations:
                dangling(entry, ("roles", i, "organization"), "organization", role.organization)
    for entry in bundle.entries["meetings"]:
        for i, participant in enumerate(entry.model.participants):
            ref = participant.organization_id
            if ref is not None and ref not in organizations:
                dangling(entry, ("participants", i, "organization_id"), "organization", ref)
    for entry in bundle.entries["statements"]:
        statement = entry.model
        for i, ref in enumerate(statement.speakers):
            if ref not in people and ref not in organizations:
                dangling(entry, ("speakers", i), "person or organization", ref)
        for field_name in ("organization", "reported_by"):
            ref = getattr(statement, field_name)
            if ref is not None and ref not in organizations:
                dangling(entry, (field_name,), "organization", ref)
        if statement.meeting is not None and statement.meeting not in ids["meetings"]:
            dangling(entry, ("meeting",), "meeting", statement.meeting)
        for field_name, kind in (("statistic_ids", "statistics"), ("provision_ids", "provisions")):
            for i, ref in enumerate(getattr(statement, field_name)):
                if ref not in ids[kind]:
                    dangling(entry, (field_name, i), kind[:-1], ref)


def _place_quotes(
    bundle: SeedBundle, kind: str, entry: Entry, issues: Found, placed: list[SpanRow]
) -> dict[int, Span]:
    """Place each quote of one fact in its text (added to `placed`); returns them by position."""
    spans: dict[int, Span] = {}
    citation: CitationSeed
    for i, citation in enumerate(entry.model.citations):
        source = bundle.texts.get(citation.source)
        if source is None:
            continue  # reported as a dangling reference or a bad source already
        try:
            span = locate_quote(source.text, citation.quote, citation.occurrence)
        except CitationError as exc:
            issues.append(entry.issue(str(exc), *citation_path(entry.model, i)))
            continue
        as_reported = getattr(entry.model, "as_reported", None)
        fact = (kind, entry.seq, i, entry.model.id, citation.source)
        placed.append((*fact, span.start, span.end, span.prefix, span.suffix, as_reported))
        spans[i] = span
    if len(placed) >= BATCH:
        bundle.spill.add_spans(placed)
        placed.clear()
    return spans


def quotes_are_placed(bundle: SeedBundle, issues: Issues, checked: StatisticsChecked) -> None:
    checked.quotes.tell(issues)  # the statistics', placed in the one pass over them
    placed: list[SpanRow] = []
    for kind in FACT_KINDS:
        if kind != "statistics":
            for entry in bundle.entries[kind]:
                _place_quotes(bundle, kind, entry, issues, placed)
    bundle.spill.add_spans(placed)


def _figure_read_as_stored(entry: Entry, issues: Found) -> None:
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
        return
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


def figures_read_as_stored(issues: Issues, checked: StatisticsChecked) -> None:
    checked.figures.tell(issues)  # found in the one pass over the statistics


class _OwnSpans:
    """The rules' view of placed quotes in the one pass: those of the statistic being checked."""

    def __init__(self) -> None:
        self.of: str = ""
        self.spans: dict[int, Span] = {}

    def get(self, key: tuple[str, str, int], /) -> Span | None:
        kind, fact_id, position = key
        if kind != "statistics" or fact_id != self.of:
            raise LookupError(f"only the quotes of {self.of} are at hand, not {key}")
        return self.spans.get(position)


def _statistic_rules_hold(entry: Entry, ctx: rules.Context, issues: Found) -> None:
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


def curation_rules_hold(bundle: SeedBundle, issues: Issues, checked: StatisticsChecked) -> None:
    """The curation rules (app/seed/rules.py), with the exemptions curators stated."""
    checked.rules.tell(issues)  # the statistics', found in the one pass over them
    for entry in bundle.entries["provisions"]:
        for breach in rules.provision_breaches(entry.model):
            issues.append(entry.issue(breach.message, *breach.path))


@dataclass
class StatisticsChecked:
    """What the checks that look at one statistic at a time found, in one pass over them
    (`check_statistics`): each check tells its part in its own turn, so that a seed's problems
    come in the same order, and stop at the same caps, as if each check had passed over them.
    Every statistic is decoded once for all of them, not once for each."""

    references: Deferred = field(default_factory=Deferred)
    quotes: Deferred = field(default_factory=Deferred)
    figures: Deferred = field(default_factory=Deferred)
    rules: Deferred = field(default_factory=Deferred)


# What the discrepancies check groups the statistics by, kept in the scratch store by the one pass.
DISCREPANCY_KEYS = "discrepancies"


def check_statistics(bundle: SeedBundle) -> StatisticsChecked:
    """One pass over the statistics: for each, its references, the placing of its quotes, its
    figure, and the curation rules (with its own placed quotes), each check's problems kept
    apart; and what it measures, for `discrepancies_are_found` (used only if nothing fails)."""
    checked = StatisticsChecked()
    refs = _References(bundle)
    own = _OwnSpans()
    ctx = rules.Context(bundle.source_texts(), own, refs.metrics, bundle.by_id("sources"))
    placed: list[SpanRow] = []
    measured: list[tuple[str, int]] = []
    for entry in bundle.entries["statistics"]:
        _statistic_references(entry, refs, checked.references)
        own.of = entry.model.id
        own.spans = _place_quotes(bundle, "statistics", entry, checked.quotes, placed)
        _figure_read_as_stored(entry, checked.figures)
        _statistic_rules_hold(entry, ctx, checked.rules)
        if (key := _measured(bundle, entry.model)) is not None:
            measured.append((repr(key.key), entry.seq))
            if len(measured) >= BATCH:
                bundle.spill.gather(DISCREPANCY_KEYS, measured)
                measured.clear()
        if checked.references.full:
            break  # told first, its problems alone stop the reading
    bundle.spill.add_spans(placed)
    bundle.spill.gather(DISCREPANCY_KEYS, measured)
    return checked


def words_stand_in_their_quotes(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    """A name, a title, a statement's text and a milestone's cause are the source's own words:
    each must stand verbatim in its quote. A misspelling is kept only with a note saying so."""
    for kind in ("organizations", "people"):
        for entry in bundle.entries[kind]:
            for i, name in enumerate(entry.model.names):
                if name.name not in name.quote:
                    issues.append(
                        entry.issue(f"name {name.name!r} does not stand in its quote", "names", i)
                    )
                if name.form == "misspelling" and not name.note:
                    issues.append(
                        entry.issue(
                            "a misspelling is kept as printed and needs a note saying so",
                            "names",
                            i,
                            "note",
                        )
                    )
    for entry in bundle.entries["people"]:
        for i, role in enumerate(entry.model.roles):
            if role.title is not None and role.title not in role.quote:
                issues.append(
                    entry.issue(
                        f"title {role.title!r} does not stand in its quote", "roles", i, "title"
                    )
                )
    for entry in bundle.entries["statements"]:
        statement = entry.model
        if not any(statement.text in c.quote for c in statement.citations):
            issues.append(entry.issue("text does not stand inside any of its quotes", "text"))
        if statement.speaker_as_stated and not any(
            statement.speaker_as_stated in c.quote for c in statement.citations
        ):
            issues.append(
                entry.issue("speaker_as_stated does not stand in its quotes", "speaker_as_stated")
            )
    for entry in bundle.entries["milestones"]:
        cause = entry.model.cause
        if cause and not any(cause in c.quote for c in entry.model.citations):
            issues.append(entry.issue("cause does not stand inside any of its quotes", "cause"))
    publishers = {s.publisher_id for s in bundle.models("sources")}
    for entry in bundle.entries["organizations"]:
        if not entry.model.names and entry.model.id not in publishers:
            issues.append(
                entry.issue(
                    "an organisation no text names must be some source's publisher_id", "names"
                )
            )
    for entry in bundle.entries["meetings"]:
        for i, participant in enumerate(entry.model.participants):
            if bundle.person_named(participant.name) is None:
                issues.append(
                    entry.issue(
                        f"participant {participant.name!r} is no person's name: add it to "
                        "people.yaml",
                        "participants",
                        i,
                        "name",
                    )
                )


def every_name_is_resolved(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    """The mention scanner's proof: every name in every text resolves to a person or an
    organisation or is excluded with a reason, and a title next to a person's name is one of
    that person's roles from that source."""
    if issues:
        return  # names are matched against curated names that passed their own checks
    people = {p.id: p for p in bundle.models("people")}
    index: NameIndex | None = None  # built if a text was not scanned by the worker
    # each source's exclusions, by their place in the file: grouped once, not sought per source
    exclusions_of: dict[str, dict[int, Entry]] = {}
    for entry in bundle.entries["mention_exclusions"]:
        exclusions_of.setdefault(entry.model.source, {})[entry.index] = entry
    for source_id, source in bundle.texts.items():
        scan = bundle.prescan.names(source_id) if bundle.prescan is not None else None
        if scan is None:
            index = index or bundle.name_index()
            scan = index.scan(source.text)
        bundle.name_scans[source_id] = scan
        file = relative(bundle.root / source.file, bundle.root)
        exclusions = exclusions_of.get(source_id, {})
        excluded = {e.model.mention: position for position, e in exclusions.items()}
        used = set()
        for mention in scan.unresolved:
            if mention.text in excluded:
                used.add(excluded[mention.text])
                continue
            issues.append(
                SeedIssue(
                    file,
                    f"name {mention.text!r} resolves to no person or organisation: add it to "
                    "people.yaml or organizations.yaml (a misspelling too, noted), or to "
                    f"mention_exclusions.yaml for source {source_id} with the reason",
                    line=source.text.count("\n", 0, mention.start) + 1,
                )
            )
        for position, entry in exclusions.items():
            if position not in used:
                issues.append(
                    entry.issue(
                        f"no unresolved name {entry.model.mention!r} in {source_id}: the "
                        "exclusion is stale",
                        "mention",
                    )
                )
        for title, name in adjacent_titles(source.text, scan):
            person = people.get(name.entity or "")
            if person is None:
                continue
            if not any(r.source == source_id and r.title == title.text for r in person.roles):
                issues.append(
                    SeedIssue(
                        file,
                        f"{title.text!r} stands next to {name.text!r}: add it to the roles of "
                        f"{person.id} with source {source_id}",
                        line=source.text.count("\n", 0, title.start) + 1,
                    )
                )


def every_figure_is_cited(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return  # coverage is only meaningful once every citation is placed
    exclusions = {e.index: e for e in bundle.entries["exclusions"]}
    for source_id, source in bundle.texts.items():
        report = coverage(bundle, source_id)
        name = relative(bundle.root / source.file, bundle.root)
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


def arithmetic_is_redone(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return  # arithmetic over figures that failed their own checks would mislead
    facts = Facts(bundle.by_id("statistics"), bundle.by_id("milestones"), bundle.by_id("sources"))
    for entry in bundle.entries["checks"]:
        try:
            bundle.checks[entry.model.id] = judge_check(entry.model, facts)
        except ClaimError as exc:
            issues.append(entry.issue(exc.message, *exc.path))


def _measured(bundle: SeedBundle, s: StatisticSeed) -> Measured | None:
    """What a statistic measures, to compare; None without a period (it compares to nothing)."""
    if s.period_start is None:
        return None
    return Measured(
        s.metric,
        s.reporter,
        s.partner,
        bundle.scope_of(s),
        s.period_start.first,
        s.period_start.precision,
        s.period_end.first if s.period_end else None,
        s.period_end.precision if s.period_end else None,
        Member(s.id, float(s.value), s.as_reported, s.citations[0].source),
        s.unit,
    )


def discrepancies_are_found(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return
    statistics = bundle.entries["statistics"]
    # grouped on disk by what they measure (gathered by `check_statistics`); only statistics
    # that share it are read again
    found: list[Discrepancy] = []
    for seqs in bundle.spill.repeated_gathered(DISCREPANCY_KEYS):
        alike = (_measured(bundle, e.model) for e in statistics.at(seqs))
        found.extend(find_discrepancies(m for m in alike if m is not None))
    bundle.discrepancies = sorted(found, key=lambda d: d.id)
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

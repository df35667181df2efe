"""The checks a seed must pass before anything is loaded, one function per rule, each adding
what it finds to `issues` (file, entry, field and line) and never changing the seed.

Order matters only where a check needs another's result: citations are placed before the rules
and coverage read them, and arithmetic runs only over a seed that passed everything else.
"""

from __future__ import annotations

from app.analysis.discrepancies import Measured, Member, find_discrepancies
from app.analysis.numbers import FigureSyntaxError, as_decimal, parse_figure
from app.analysis.scanner import scan
from app.models import CitationSeed, MeetingSeed, StatisticSeed
from app.seed import rules
from app.seed.bundle import Entry, SeedBundle, SeedIssue, coverage, relative
from app.seed.citations import CitationError, locate_quote
from app.seed.claims import ClaimError, Facts, judge_check
from app.vocabulary import FACT_KINDS


def ids_are_unique(entries: dict[str, list[Entry]], issues: list[SeedIssue]) -> None:
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


def references_resolve(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
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


def quotes_are_placed(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
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


def figures_read_as_stored(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
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


def curation_rules_hold(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
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


def every_figure_is_cited(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return  # coverage is only meaningful once every citation is placed
    exclusions = {e.index: e for e in bundle.entries["exclusions"]}
    for source_id, source in bundle.texts.items():
        report = bundle.coverage[source_id] = coverage(bundle, source_id)
        name = relative(bundle.root / source.seed.file, bundle.root)
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


def discrepancies_are_found(bundle: SeedBundle, issues: list[SeedIssue]) -> None:
    if issues:
        return
    measured = [
        Measured(
            s.metric,
            s.reporter,
            s.partner,
            bundle.scope_of(s),
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

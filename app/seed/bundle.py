"""The seed as read: its entries, texts and placed citations, and the problems found in it.

`SeedBundle` is what the reader hands the loader once every check has passed; `SeedIssue`,
`Issues` and `SeedError` are how problems are collected and reported.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import orjson
from pydantic import BaseModel

from app.analysis.arithmetic import CheckResult
from app.analysis.coverage import CitedSpan, CoverageReport, Exclusion, cover, cover_mentions
from app.analysis.discrepancies import Discrepancy
from app.analysis.mentions import NameIndex, NameScan
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
from app.seed.files import read_as_checked
from app.seed.prescan import PRESCAN_MIN_BYTES, Prescan
from app.seed.spill import EntryRow, Spill
from app.vocabulary import FACT_KINDS, SINGULAR

M = TypeVar("M")
_KIND_RANK = {kind: rank for rank, kind in enumerate(FACT_KINDS)}

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


class Found(Protocol):
    """Where a check puts the problems it finds: `Issues`, or `Deferred` to tell them later."""

    def append(self, issue: SeedIssue, /) -> None: ...


# Told in its turn, a check that found this many problems (each within its file's cap) stops the
# reading whatever came before it: fewer than MAX_ISSUES problems were kept before (else reading
# had stopped), so at most that many files were already full, each dropping at most its cap.
DEFERRED_ENOUGH = MAX_ISSUES * (1 + MAX_ISSUES_PER_FILE)


class Deferred:
    """The problems one check finds in a pass shared with other checks, kept to be told in the
    check's own turn (`tell`) with the very result it would have had then, caps included: what
    is past a file's cap here is past it there too, and is kept only as a count. Holds at most
    DEFERRED_ENOUGH problems, after which `full` says the reading would stop in its turn."""

    def __init__(self) -> None:
        self._found: list[SeedIssue | int] = []  # problems kept, and counts of those past caps
        self._per_file: dict[str, int] = {}
        self._past_cap: dict[str, int] = {}
        self._kept = 0

    @property
    def full(self) -> bool:
        return self._kept >= DEFERRED_ENOUGH

    def append(self, issue: SeedIssue) -> None:
        if self.full:
            return
        count = self._per_file.get(issue.file, 0) + 1
        self._per_file[issue.file] = count
        if count <= MAX_ISSUES_PER_FILE:
            self._found.append(issue)
            self._kept += 1
            return
        self._past_cap[issue.file] = self._past_cap.get(issue.file, 0) + 1
        if self._found and isinstance(self._found[-1], int):
            self._found[-1] += 1
        else:
            self._found.append(1)

    def tell(self, issues: Issues) -> None:
        """Append to `issues` what was found, as if found now (TooMany stops it as it would)."""
        for found in self._found:
            if isinstance(found, int):
                issues.skipped += found
            else:
                issues.append(found)
        for name, count in self._past_cap.items():
            issues.per_file[name] = issues.per_file.get(name, 0) + count
        self._found.clear()


class Quoted(NamedTuple):
    """A citation's source and quote, as a checked entry gives them."""

    source: str
    quote: str


class Cited(NamedTuple):
    """A fact's id and its citations: what the loader's citation rows need of the fact."""

    id: str
    citations: list[Quoted]


@dataclass(slots=True)
class Entry:
    """One validated entry with where it came from, for messages."""

    model: Any
    file: str
    index: int
    document: Any  # what places a message: see strict_yaml.line_of; None once checks passed
    seq: int = 0  # its place among the entries of its kind, in the order read

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


def canonical(model: BaseModel) -> str:
    """An entry as the spill keeps it and the version digests it: its JSON, keys sorted."""
    return orjson.dumps(model.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS).decode()


class StoredEntries:
    """The entries of one kind, kept in the spill and decoded as they are iterated: a kind of
    a million entries costs a batch of memory. Iterating twice reads twice."""

    def __init__(self, spill: Spill, kind: str, documents: dict[str, Any | None]) -> None:
        self.spill = spill
        self.kind = kind
        self.model: type[BaseModel] = KINDS[kind]
        # how a file's entries place their messages: a YAML file's document (app/seed/reader.py
        # YamlLines), None for JSON Lines (each entry keeps its line); cleared once checked
        self.documents = documents

    def __len__(self) -> int:
        return self.spill.count(self.kind)

    def __iter__(self) -> Iterator[Entry]:
        for row in self.spill.entries(self.kind):
            yield self.decode(row)

    def decode(self, row: EntryRow) -> Entry:
        seq, _id, file, index, line, body = row
        if file not in self.documents:  # let go once every check passed
            document: Any = None
        elif line is not None:  # a JSON Lines entry: everything in it is on its line
            document = strict_yaml.EntryLine(line)
        else:  # a YAML entry: its file says where each field is
            document = self.documents[file]
        return Entry(self.model.model_validate_json(body), file, index, document, seq)

    def get(self, entry_id: str) -> Entry | None:
        """The first entry with this id."""
        row = self.spill.entry(self.kind, entry_id)
        return None if row is None else self.decode(row)

    def at(self, seqs: list[int]) -> list[Entry]:
        """The entries at these places in the order read (`Entry.seq`), in that order."""
        return [self.decode(row) for row in self.spill.entries_at(self.kind, seqs)]

    def duplicates(self) -> Iterator[Entry]:
        """Each entry whose id an earlier entry of the kind already has."""
        for row in self.spill.duplicates(self.kind):
            yield self.decode(row)


# Answers an `_Ids` keeps: a seed's facts cite the same sources again and again, and each answer
# not kept is a query of the scratch store (1.6 million at 10^6 statistics: 4.5 s).
IDS_KEPT = 4096


class _Ids(Container[str]):
    """Whether an id is among the entries of a kind (read in full before it is asked): asked
    of the scratch store, the last IDS_KEPT answers kept."""

    def __init__(self, entries: StoredEntries) -> None:
        self._has = functools.lru_cache(maxsize=IDS_KEPT)(
            functools.partial(entries.spill.has, entries.kind)
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._has(key)


class Models(Generic[M]):
    """The models of one kind, in the order read: iterable (again and again) and sized."""

    def __init__(self, entries: Iterable[Entry] | StoredEntries) -> None:
        self._entries = entries

    def __iter__(self) -> Iterator[M]:
        return (entry.model for entry in self._entries)

    def __len__(self) -> int:
        return len(self._entries)  # type: ignore[arg-type]


class ById(Mapping[str, M]):
    """The models of one kind by id, read from the spill when asked (the last few kept)."""

    def __init__(self, entries: StoredEntries, keep: int = 256) -> None:
        self._entries = entries
        self._kept: OrderedDict[str, M | None] = OrderedDict()
        self._keep = keep

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._kept:
            self._kept.move_to_end(key)
            found = self._kept[key]
        else:
            entry = self._entries.get(key)
            found = None if entry is None else entry.model
            self._kept[key] = found
            if len(self._kept) > self._keep:
                self._kept.popitem(last=False)
        return default if found is None else found

    def __getitem__(self, key: str) -> M:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (entry.model.id for entry in self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class SourceChanged(Exception):
    """A source's text changed on disk while the seed was being loaded."""


# Texts kept once read, up to this many characters in all (a 10^6-statistic seed has 120 MB).
TEXT_CACHE_BYTES = 128 * 1024 * 1024
# The share of it that holds the first texts read, kept until the cache is cleared: the checks
# and the loader read every text in the same order, pass after pass, and a cache that kept only
# the latest would have lost each text before the next pass asked for it again.
TEXT_CACHE_KEPT_SHARE = 3 / 4


class TextCache:
    """The texts read, within TEXT_CACHE_BYTES: the first read kept (TEXT_CACHE_KEPT_SHARE of it),
    the rest the most recently used. Each read again is checked against the digest it was
    checked against before."""

    def __init__(self, budget: int = TEXT_CACHE_BYTES) -> None:
        self._kept: dict[str, str] = {}
        self._kept_size = 0
        self._kept_budget = int(budget * TEXT_CACHE_KEPT_SHARE)
        self._recent: OrderedDict[str, str] = OrderedDict()
        self._recent_size = 0
        self._recent_budget = budget - self._kept_budget

    def text(self, source: SourceText) -> str:
        found = self._kept.get(source.id)
        if found is not None:
            return found
        found = self._recent.get(source.id)
        if found is not None:
            self._recent.move_to_end(source.id)
            return found
        text = read_as_checked(source.path, source.sha256)
        if text is None:
            raise SourceChanged(
                f"{source.file} changed while the seed was being loaded: load again"
            )
        self.add(source.id, text)
        return text

    def add(self, source_id: str, text: str) -> None:
        """Keep a text just read and checked (the reader adds each as it checks it)."""
        if self._kept_size + len(text) <= self._kept_budget:
            self._kept[source_id] = text
            self._kept_size += len(text)
            return
        self._recent[source_id] = text
        self._recent_size += len(text)
        while self._recent_size > self._recent_budget and len(self._recent) > 1:
            _, dropped = self._recent.popitem(last=False)
            self._recent_size -= len(dropped)

    def clear(self) -> None:
        self._kept.clear()
        self._recent.clear()
        self._kept_size = self._recent_size = 0


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source whose text was found, read and checked: the text itself is read again when
    asked (see TextCache), and must still match its digest."""

    id: str
    path: Path  # resolved, inside the seed directory
    file: str
    sha256: str
    length: int
    published: date | None  # the last day of its publication date, if dated
    cache: TextCache = field(compare=False, repr=False)

    @property
    def text(self) -> str:
        return self.cache.text(self)


class Texts(Mapping[str, str]):
    """Each found source's text by source id, read when asked."""

    def __init__(self, sources: dict[str, SourceText]) -> None:
        self._sources = sources

    def __getitem__(self, key: str) -> str:
        return self._sources[key].text

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


class Spans:
    """Every placed quote, kept in the spill: by (kind, fact id, citation position)."""

    def __init__(self, spill: Spill) -> None:
        self.spill = spill

    def get(self, key: tuple[str, str, int]) -> Span | None:
        found = self.spill.span(*key)
        return None if found is None else Span(*found)

    def __getitem__(self, key: tuple[str, str, int]) -> Span:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __len__(self) -> int:
        return self.spill.span_count()

    def of_kind(self, kind: str) -> Iterator[tuple[str, int, Span]]:
        """(fact id, citation position, span) of every quote placed for `kind`, in the order
        the facts were read."""
        for _seq, fact_id, position, start, end, prefix, suffix in self.spill.spans_of_kind(kind):
            yield fact_id, position, Span(start, end, prefix, suffix)


def _at_least(size: int, paths: Iterable[Path]) -> bool:
    """Whether the files at `paths` hold `size` bytes in all (looked at until they do)."""
    total = 0
    for path in paths:
        if total >= size:
            return True
        try:
            total += path.stat().st_size
        except OSError:
            continue  # missing, say: the reader says so
    return total >= size


@dataclass
class SeedBundle:
    """A seed that passed every check, with each citation already placed in its text. Its
    entries and placed quotes wait in `spill` (app/seed/spill.py), not in memory."""

    root: Path
    spill: Spill
    entries: dict[str, Any]  # kind -> StoredEntries (or any list of Entry)
    texts: dict[str, SourceText]
    checks: dict[str, CheckResult] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    name_scans: dict[str, NameScan] = field(default_factory=dict)  # by source, once checked
    prescan: Prescan | None = None  # the texts' scans, made by a worker while checks run
    _metric_scopes: dict[str, str | None] | None = field(default=None, repr=False)
    _names: dict[str, str] | None = field(default=None, repr=False)
    _name_parts: tuple[dict[str, str], list[str], set[str]] | None = field(default=None, repr=False)
    _entities: dict[str, Any] | None = field(default=None, repr=False)
    _exclusions: dict[str, list[Exclusion]] | None = field(default=None, repr=False)

    @property
    def spans(self) -> Spans:
        return Spans(self.spill)

    def spans_of_source(self, source_id: str) -> list[CitedSpan]:
        """Every placed citation of one source, with the fact it belongs to, facts in the order
        of FACT_KINDS and then as read."""
        placed = sorted(self.spill.spans_of_source(source_id), key=lambda s: _KIND_RANK[s[0]])
        return [
            CitedSpan(start, end, SINGULAR[kind], fact_id, as_reported)
            for kind, fact_id, start, end, as_reported in placed
        ]

    def exclusions_of(self, source_id: str) -> list[Exclusion]:
        """The coverage exclusions of one source (grouped once, on first use)."""
        if self._exclusions is None:
            grouped: dict[str, list[Exclusion]] = {}
            for e in self.entries["exclusions"]:
                excluded = Exclusion(e.model.mention, e.model.reason, e.model.occurrence, e.index)
                grouped.setdefault(e.model.source, []).append(excluded)
            self._exclusions = grouped
        return self._exclusions.get(source_id, [])

    def models(self, kind: str) -> Models[Any]:
        return Models(self.entries[kind])

    def by_id(self, kind: str) -> Mapping[str, Any]:
        """The models of `kind` by id, read when asked."""
        entries = self.entries[kind]
        if isinstance(entries, StoredEntries):
            return ById(entries)
        return {entry.model.id: entry.model for entry in entries}

    def values(self, kind: str, field: str) -> set[Any]:
        """Every value the entries of `kind` give a top-level field (None: some have none)."""
        entries = self.entries[kind]
        if isinstance(entries, StoredEntries):
            return entries.spill.values(kind, field)  # a million statistics: not decoded
        return {getattr(entry.model, field) for entry in entries}

    def models_with(self, kind: str, field: str) -> Iterator[Any]:
        """The models of `kind` whose top-level field is not None, in the order read."""
        entries = self.entries[kind]
        if isinstance(entries, StoredEntries):  # a million statistics: only these decoded
            return (entries.decode(row).model for row in entries.spill.entries_with(kind, field))
        return (entry.model for entry in entries if getattr(entry.model, field) is not None)

    def cited(self, kind: str) -> Iterator[Cited]:
        """Each fact of `kind`, in the order read, with its citations' sources and quotes. From
        the spill they are read from each entry's checked JSON (`canonical`: the model's own
        values), not decoded into the model again (a million statistics: 17 s of a load). A
        kind whose citations its model makes from other fields (people's and organizations'
        names) is decoded."""
        entries = self.entries[kind]
        if isinstance(entries, StoredEntries) and "citations" in entries.model.model_fields:
            for *_, body in entries.spill.entries(kind):
                fact = orjson.loads(body)
                quotes = [Quoted(c["source"], c["quote"]) for c in fact["citations"]]
                yield Cited(fact["id"], quotes)
            return
        for entry in entries:
            model = entry.model
            yield Cited(model.id, [Quoted(c.source, c.quote) for c in model.citations])

    def ids(self, kind: str) -> Container[str]:
        """The ids of `kind`, to ask whether one is there."""
        entries = self.entries[kind]
        if isinstance(entries, StoredEntries):
            return _Ids(entries)
        return {entry.model.id for entry in entries}

    def source_texts(self) -> Mapping[str, str]:
        return Texts(self.texts)

    def settle(self) -> None:
        """Every check passed: what placed messages is let go."""
        for entries in self.entries.values():
            if isinstance(entries, StoredEntries):
                entries.documents.clear()

    def name_index(self) -> NameIndex:
        """What the name scan knows: every curated name and title, and the country codes."""
        return NameIndex(*self.name_index_parts())

    def name_index_parts(self) -> tuple[dict[str, str], list[str], set[str]]:
        """What `name_index` is built from (a worker builds its own: app/seed/prescan.py);
        gathered once."""
        if self._name_parts is None:
            titles = [r.title for p in self.models("people") for r in p.roles if r.title]
            self._name_parts = (self.entity_names(), titles, self.country_codes())
        return self._name_parts

    def start_prescan(self) -> None:
        """Set a worker scanning the seed's texts, if there is enough text to be worth one. It
        is started before the texts are read and checked here, and reads each itself (only
        inside the seed directory, and only as it has its recorded digest): the reader ends it
        if a text is refused."""
        sources = self.models("sources")
        if not _at_least(PRESCAN_MIN_BYTES, (self.root / s.file for s in sources)):
            return
        names, titles, countries = self.name_index_parts()
        listed = ((s.id, self.root / s.file, s.sha256) for s in sources)  # listed once, there
        self.prescan = Prescan.start(listed, names, titles, countries, root=self.root)

    def end_prescan(self) -> None:
        if self.prescan is not None:
            self.prescan.close()
            self.prescan = None

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
        return min((d for d in self.citing_days(model).values() if d is not None), default=None)

    def citing_days(self, model: Any) -> dict[str, date | None]:
        """Each source citing `model`, with the day by which it was surely published (None:
        undated, or not found)."""
        days: dict[str, date | None] = {}
        for citation in model.citations:
            source = self.texts.get(citation.source)
            days[citation.source] = source.published if source is not None else None
        return days

    def country_codes(self) -> set[str]:
        """Every ISO 3166-1 alpha-3 code the seed uses for a country."""
        codes = {c for f in ("reporter", "partner") for c in self.values("statistics", f) if c}
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
        return self.metric_scope(statistic.metric, statistic.scope)

    def metric_scope(self, metric: str, scope: str | None) -> str | None:
        """The scope of a statistic of `metric` that gives `scope` (see `scope_of`)."""
        if self._metric_scopes is None:
            self._metric_scopes = {m.id: m.scope for m in self.models("metrics")}
        return scope or self._metric_scopes.get(metric)

    @property
    def version(self) -> str:
        """Digest of everything the seed says: changes when and only when the data does."""
        digest = hashlib.sha256()
        for kind in KINDS:
            for body in self.spill.bodies_by_id(kind):
                digest.update(kind.encode())
                digest.update(body.encode())
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
    return bundle.spans_of_source(source_id)


def coverage(bundle: SeedBundle, source_id: str) -> CoverageReport:
    spans, exclusions = cited_spans(bundle, source_id), bundle.exclusions_of(source_id)
    mentions = bundle.prescan.figures(source_id) if bundle.prescan is not None else None
    if mentions is not None:  # scanned by the worker (app/seed/prescan.py)
        return cover_mentions(mentions, spans, exclusions)
    return cover(bundle.texts[source_id].text, spans, exclusions)

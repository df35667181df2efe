"""Loading a checked seed: one transaction that makes the database say exactly what the seed says.

Rows are matched by their stable keys (slugs for facts, position for their children), so a reload
of the same seed writes nothing and an edited seed changes exactly the rows the edit touches.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, delete, insert, literal, select, text, update

from app.analysis.arithmetic import CheckResult, reading_document
from app.analysis.discrepancies import Discrepancy
from app.dates import PartialDate
from app.db import rollback_journal_while_alone, serialise_writers, writing
from app.identity import code_identity
from app.models import (
    METRIC_RULE_FIELDS,
    ArithmeticCheck,
    Citation,
    Dataset,
    DatasetLoad,
    Exclusion,
    FacetCount,
    Meeting,
    Metric,
    Milestone,
    NameMention,
    Organization,
    Participant,
    Person,
    PersonRole,
    Provision,
    ProvisionStatistic,
    SearchDocument,
    Series,
    Source,
    Statement,
    StatementLink,
    Statistic,
)
from app.models import Discrepancy as DiscrepancyTable
from app.models.names import name_conflict
from app.models.organization import OrganizationSeed
from app.models.person import PersonSeed
from app.models.source import SourceSeed
from app.queries import search_index
from app.queries.citations import citation_public
from app.queries.common import batches, execute_many
from app.queries.dataset import dataset_built
from app.queries.facets import facet_count_rows
from app.queries.statistics import refresh_documents, statistic_document
from app.schema import SQLITE_COVERING, sort_index_sql
from app.seed.bundle import SeedBundle
from app.seed.changes import ChangeLog
from app.seed.churn import fewer_collections
from app.seed.citations import Span
from app.seed.corpus import statement_title
from app.seed.derived import MAKERS, Derived
from app.seed.spill import Spill
from app.vocabulary import FACT_KINDS, FACT_TYPES, PLURALS

_TABLES: dict[str, Table] = {
    name: model.__table__  # type: ignore[attr-defined]
    for name, model in {
        "source": Source,
        "metric": Metric,
        "statistic": Statistic,
        "provision": Provision,
        "meeting": Meeting,
        "milestone": Milestone,
        "person": Person,
        "organization": Organization,
        "statement": Statement,
        "person_role": PersonRole,
        "statement_link": StatementLink,
        "name_mention": NameMention,
        "series": Series,
        "facet_count": FacetCount,
        "citation": Citation,
        "participant": Participant,
        "provision_statistic": ProvisionStatistic,
        "dataset": Dataset,
        "dataset_load": DatasetLoad,
        "coverage_exclusion": Exclusion,
        "arithmetic_check": ArithmeticCheck,
        "discrepancy": DiscrepancyTable,
        "search_document": SearchDocument,
    }.items()
}
_FACT_TABLE = {PLURALS[t]: t for t in FACT_TYPES}
_CITATION_FACT_COLUMNS = tuple(f"{t}_pk" for t in FACT_TYPES)


@dataclass
class LoadReport:
    version: str
    changed: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    log: ChangeLog = field(default_factory=ChangeLog)

    def record(self, table: str, inserted: int, updated: int, deleted: int) -> None:
        row = self.counts.setdefault(table, {"inserted": 0, "updated": 0, "deleted": 0})
        row["inserted"] += inserted
        row["updated"] += updated
        row["deleted"] += deleted


ProgressHook = Callable[[str], None]
# The steps a load reports to its progress hook, in order.
LOAD_STEPS = (
    "sources",
    "metrics",
    *FACT_KINDS,
    "analysis",
    "citations",
    "documents",
    "series",
    "search index",
)

# A load that would delete more than this share of any kind's rows is refused unless the curator
# says so (`korus-facts load --allow-deletes`): a missing or emptied file must not pass silently.
MAX_DELETE_SHARE = 0.2
_KIND_TABLES = {"sources": "source", "metrics": "metric", **_FACT_TABLE}


class DeletionRefused(Exception):
    """The load would delete more of a kind than MAX_DELETE_SHARE; nothing was changed."""


def _check_deletions(conn: Connection, bundle: SeedBundle) -> None:
    refused = []
    for kind, name in _KIND_TABLES.items():
        wanted = bundle.ids(kind)
        stored = stale = 0
        # streamed: the stored ids are counted, not held
        ids = conn.execute(select(_TABLES[name].c.id).execution_options(yield_per=5000))
        for slug in ids.scalars():
            stored += 1
            stale += slug not in wanted
        if stale and stale > MAX_DELETE_SHARE * stored:
            refused.append(f"{stale} of {stored} {kind}")
    if refused:
        raise DeletionRefused(
            f"this load would delete {', '.join(refused)}: more than "
            f"{MAX_DELETE_SHARE:.0%} of a kind. Nothing was changed. If the seed is right, load "
            "again with --allow-deletes."
        )


def load_seed(
    engine: Engine,
    bundle: SeedBundle,
    progress: ProgressHook | None = None,
    *,
    allow_deletes: bool = False,
    seed_digest: str | None = None,
) -> LoadReport:
    """Apply the bundle in one transaction; on any error nothing is changed. A load that would
    delete more than MAX_DELETE_SHARE of a kind raises DeletionRefused unless `allow_deletes`.
    `seed_digest` (app/seed/files.py) is kept, so that the same seed is not read again."""
    version = bundle.version
    report = LoadReport(version=version, changed=False)
    step = progress or (lambda _name: None)
    _load(engine, bundle, report, step, allow_deletes, seed_digest)
    return report


def _load(
    engine: Engine,
    bundle: SeedBundle,
    report: LoadReport,
    step: ProgressHook,
    allow_deletes: bool,
    seed_digest: str | None,
) -> None:
    with writing(engine) as conn, _first_load_alone(conn), conn.begin(), fewer_collections():
        serialise_writers(conn)
        if not allow_deletes:
            _check_deletions(conn, bundle)
        # the series and search documents, made meanwhile by a worker (app/seed/derived.py),
        # once the load is known to go ahead
        derived = Derived.start(bundle)
        try:
            _write(conn, bundle, report, step, derived, seed_digest)
        finally:
            if derived is not None:
                derived.close()


@contextmanager
def _first_load_alone(conn: Connection) -> Iterator[None]:
    """Before the transaction: a first load on SQLite that has the file to itself writes it
    through a rollback journal, not the write-ahead log (app/db.py,
    `rollback_journal_while_alone`). A reload keeps WAL, so that readers read while it writes."""
    driver: Any = conn.connection.dbapi_connection
    dataset = _TABLES["dataset"].name
    # By the driver, not `dataset_built`: SQLAlchemy would begin the transaction, and the mode
    # changes only outside one. Read to the end, so that no statement is left open either.
    if conn.dialect.name != "sqlite" or driver.execute(f"SELECT 1 FROM {dataset}").fetchall():
        yield
        return
    with rollback_journal_while_alone(conn):
        yield


def _write(
    conn: Connection,
    bundle: SeedBundle,
    report: LoadReport,
    step: ProgressHook,
    derived: Derived | None,
    seed_digest: str | None,
) -> None:
    version = bundle.version
    current, built_by = dataset_built(conn)
    # a first load keeps no change log: no client can ask for the changes since nothing
    report.log.kept = current is not None
    # every stored document is rebuilt by a first load or by other code than built them
    rebuild = current is None or built_by != code_identity()
    with _covering_indexes_built_after(conn, first_load=current is None):
        _apply(
            conn,
            bundle,
            report,
            step,
            derived,
            rebuild_documents=rebuild,
            documents_with_rows=current is None,
        )
    data_changed = any(sum(c.values()) for c in report.counts.values())
    if current != version or data_changed:
        report.changed = True
        _sync_children(conn, "facet_count", ("facet", "position"), facet_count_rows(conn), report)
        now = datetime.now(UTC)
        conn.execute(delete(_TABLES["dataset"]))
        conn.execute(
            insert(_TABLES["dataset"]),
            {
                "version": version,
                "loaded_at": now,
                "seed_digest": seed_digest,
                "code_identity": code_identity(),
            },
        )
        _remember(conn, version, current, now, report.log)
    else:  # the same data: remember the files (if given) and the code that built it
        known = {"seed_digest": seed_digest} if seed_digest is not None else {}
        conn.execute(update(_TABLES["dataset"]).values(code_identity=code_identity(), **known))


@contextmanager
def _covering_indexes_built_after(conn: Connection, *, first_load: bool) -> Iterator[None]:
    """A first load on SQLite builds the covering sort indexes (app/schema.py) once, after the
    rows, instead of entry by entry. Such an index carries each statistic's stored document:
    entered row by row, each entry lands at a random place in an index far larger than the page
    cache, and one build from the finished rows is cheaper (docs/PERFORMANCE.md, "A first load
    builds the covering index once"). Inside the load's transaction: if the load fails, the
    index was never dropped."""
    names = list(SQLITE_COVERING) if first_load and conn.dialect.name == "sqlite" else []
    for name in names:
        conn.execute(text(f"DROP INDEX {name}"))
    yield  # an error raised here leaves with the transaction: nothing after runs
    if not names:
        return
    # SQLite sorts the entries of a new index with as many helper threads as it is allowed (none
    # unless told): one per core here took the build at 10^6 from 15 s to 11 s.
    driver = conn.connection.dbapi_connection
    assert driver is not None
    allowed = driver.execute("PRAGMA threads").fetchone()[0]
    driver.execute(f"PRAGMA threads = {os.cpu_count() or 1}")
    try:
        for name in names:
            conn.execute(text(sort_index_sql(name, "sqlite")))
    finally:
        driver.execute(f"PRAGMA threads = {int(allowed)}")


# How many loads `/v1/changes` remembers: a client further behind downloads everything again.
MAX_HISTORY = 100


def _remember(
    conn: Connection, version: str, previous: str | None, now: datetime, log: ChangeLog
) -> None:
    table = _TABLES["dataset_load"]
    conn.execute(
        insert(table),
        {
            "version": version,
            "previous_version": previous,
            "loaded_at": now,
            "changes": log.document(),
        },
    )
    newest = select(table.c.pk).order_by(table.c.pk.desc()).limit(MAX_HISTORY)
    conn.execute(delete(table).where(table.c.pk.not_in(newest.scalar_subquery())))


def _apply(
    conn: Connection,
    bundle: SeedBundle,
    report: LoadReport,
    step: ProgressHook,
    derived: Derived | None = None,
    *,
    rebuild_documents: bool = True,
    documents_with_rows: bool = False,
) -> None:
    # Facts are found by id in the database when their rows' children are written, a batch at
    # a time (`_with_pks`): no map of every fact is held. Sources and metrics are few.
    report.log.parent_ids = lambda table, pks: _ids_by_pk(conn, table, pks)
    step("sources")
    stale_sources = _sync_parents(
        conn, "source", (_source_row(bundle, s) for s in bundle.models("sources")), report
    )
    sources = _pks_of_all(conn, "source", stale_sources)
    step("metrics")
    stale_metrics = _sync_parents(
        conn,
        "metric",
        [m.model_dump(exclude=METRIC_RULE_FIELDS) for m in bundle.models("metrics")],
        report,
    )
    metrics = _pks_of_all(conn, "metric", stale_metrics)
    stale_facts: dict[str, set[str]] = {}
    cited_with_statistics = False  # the statistics' citations written with them
    for kind in FACT_KINDS:
        step(kind)
        if kind == "statistics" and documents_with_rows and _empty(conn, "statistic", "citation"):
            # a first load: each batch of statistics, then their citations
            stale_facts[kind] = _statistics_with_citations(conn, bundle, metrics, sources, report)
            cited_with_statistics = True
            continue
        if kind == "statistics":  # on a first load, each with its document
            rows = _statistic_rows(bundle, metrics, with_documents=documents_with_rows)
        else:
            rows = (_fact_row(kind, model, metrics, bundle) for model in bundle.models(kind))
        stale_facts[kind] = _sync_parents(conn, _FACT_TABLE[kind], rows, report)
    step("analysis")
    notes = {check.id: check.note for check in bundle.models("checks")}
    garbled = {
        s.id: s.source_error.model_dump() for s in bundle.models_with("statistics", "source_error")
    }
    claims = _pks(conn, "statistic", [result.claim_id for result in bundle.checks.values()])
    _sync_children(
        conn,
        "arithmetic_check",
        ("id",),
        [
            _check_row(check_id, result, notes[check_id], claims, garbled)
            for check_id, result in bundle.checks.items()
        ],
        report,
    )
    _sync_children(
        conn,
        "discrepancy",
        ("id",),
        [_discrepancy_row(d, metrics) for d in bundle.discrepancies],
        report,
    )
    for kind in FACT_KINDS:
        _delete_stale(conn, _FACT_TABLE[kind], stale_facts[kind], report)
    step("citations")
    # the statistics' citations written with them into an empty table: the rest are new too
    _sync(
        conn,
        "citation",
        (*_CITATION_FACT_COLUMNS, "position"),
        _citation_rows(conn, bundle, sources, statistics=not cited_with_statistics),
        report,
        delete_stale=True,
        only_new=cited_with_statistics,
    )
    step("documents")
    if documents_with_rows:  # written with the rows (`_statistic_rows`): one per row written
        written = report.counts["statistic"]
        refreshed = written["inserted"] + written["updated"]
    elif rebuild_documents:
        refreshed = sum(refresh_documents(conn, pks) for pks in _all_pks(conn, "statistic"))
    else:  # a statistic's document is its row and its citations: those the load changed
        log = report.log
        touched = [*log.added.get("statistic", ()), *log.changed.get("statistic", {})]
        refreshed = refresh_documents(conn, sorted(_pks(conn, "statistic", touched).values()))
    report.record("statistic_document", 0, refreshed, 0)
    _sync_children(
        conn,
        "participant",
        ("meeting_pk", "position"),
        _participant_rows(conn, bundle),
        report,
    )
    _sync_children(
        conn,
        "person_role",
        ("person_pk", "position"),
        _role_rows(conn, bundle),
        report,
    )
    _sync_children(
        conn,
        "statement_link",
        ("statement_pk", "role", "ref_id"),
        _statement_link_rows(conn, bundle),
        report,
    )
    _sync_children(
        conn,
        "provision_statistic",
        ("provision_pk", "statistic_pk"),
        _provision_statistic_rows(conn, bundle),
        report,
    )
    _sync_children(
        conn,
        "coverage_exclusion",
        ("id",),
        [
            {**e.model_dump(exclude={"source"}), "source_pk": sources[e.source]}
            for e in bundle.models("exclusions")
        ],
        report,
    )
    _sync_children(
        conn,
        "name_mention",
        ("source_pk", "position"),
        _name_mention_rows(bundle, sources),
        report,
    )
    step("series")
    _sync_children(conn, "series", ("id",), _derived(derived, "series", bundle), report)
    _delete_stale(conn, "metric", stale_metrics, report)
    _delete_stale(conn, "source", stale_sources, report)
    step("search index")
    _sync_children(
        conn,
        "search_document",
        ("type", "ref_id", "stage"),
        _derived(derived, "search_document", bundle),
        report,
    )
    # the full-text index follows the documents written: only those (app/queries/search_index.py)
    search_index.catch_up(conn, changed=any(report.counts["search_document"].values()))


def _derived(derived: Derived | None, name: str, bundle: SeedBundle) -> Iterable[dict[str, Any]]:
    """The rows of `name` the worker made, or else made here (the same rows: MAKERS)."""
    made = derived.rows(name) if derived is not None else None
    return made if made is not None else MAKERS[name](bundle)


def _check_row(
    check_id: str,
    result: CheckResult,
    note: str | None,
    statistics: dict[str, int],
    garbled: dict[str, dict[str, str]],
) -> dict[str, Any]:
    rests_on = [result.claim_id, *result.input_ids]
    return {
        "id": check_id,
        "kind": result.kind,
        "claim_pk": statistics[result.claim_id],
        "input_ids": result.input_ids,
        "stated": result.stated,
        "computed": result.computed,
        "computed_low": _finite(result.computed_low),
        "computed_high": _finite(result.computed_high),
        "tolerance": result.tolerance,
        "status": result.status,
        "explanation": result.explanation,
        "note": note,
        "readings": [reading_document(r) for r in result.readings],
        # whatever rests on a sentence judged garbled carries the mark
        "source_errors": [
            {"statistic_id": sid, **garbled[sid]}
            for sid in dict.fromkeys(rests_on)
            if sid in garbled
        ],
    }


def _finite(value: float) -> float:
    # JSON and some drivers have no infinity: an unbounded end is stored as the largest float
    return max(min(value, 1e308), -1e308)


def _discrepancy_row(d: Discrepancy, metrics: dict[str, int]) -> dict[str, Any]:
    s = d.sample
    return {
        "id": d.id,
        "metric_pk": metrics[s.metric],
        "reporter": s.reporter,
        "partner": s.partner,
        "scope": s.scope,
        "period_start": s.period_start,
        "period_start_precision": s.period_start_precision,
        "period_end": s.period_end,
        "period_end_precision": s.period_end_precision,
        "members": [m.__dict__ for m in d.members],
        "relative_spread": d.relative_spread,
        "assessment": d.assessment,
        "explanation": d.explanation,
        "note": d.note,
    }


def _source_row(bundle: SeedBundle, seed: SourceSeed) -> dict[str, Any]:
    entry = bundle.texts[seed.id]
    text = entry.text
    return {
        "id": seed.id,
        "title": seed.title,
        "publisher": seed.publisher,
        "publisher_id": seed.publisher_id,
        "author": seed.author,
        "kind": seed.kind,
        "published_on": seed.published_on.first if seed.published_on else None,
        "published_on_precision": seed.published_on.precision if seed.published_on else None,
        "published_last": seed.published_on.last if seed.published_on else None,
        "published_on_note": seed.published_on_note,
        "original_url": seed.original_url,
        "language": seed.language,
        "sha256": entry.sha256,
        "length": len(text),
        "filename": seed.file,
        "text": text,
    }


def _dates(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    return {
        prefix: value.first if value else None,
        f"{prefix}_precision": value.precision if value else None,
    }


def _fact_row(kind: str, model: Any, metrics: dict[str, int], bundle: SeedBundle) -> dict[str, Any]:
    row = _fact_fields(kind, model, metrics, bundle)
    return row | {"first_published": bundle.first_published(model)}


def _fact_fields(
    kind: str, model: Any, metrics: dict[str, int], bundle: SeedBundle
) -> dict[str, Any]:
    if kind == "statistics":
        row: dict[str, Any] = model.model_dump(
            exclude={"citations", "metric", "period_start", "period_end"}
        )
        row["scope"] = bundle.scope_of(model)
        row["value"] = float(model.value)
        row["exemptions"] = row["exemptions"] or None
        row["metric_pk"] = metrics[model.metric]
        row["metric_id"] = model.metric
        row |= _dates("period_start", model.period_start) | _dates("period_end", model.period_end)
        end = model.period_end or model.period_start
        row["period_last"] = end.last if end else None
        return row
    if kind == "provisions":
        row = model.model_dump(exclude={"citations", "statistic_ids", "deadline"})
        row["deadline_last"] = model.deadline.last if model.deadline else None
        return row | _dates("deadline", model.deadline)
    if kind == "meetings":
        row = model.model_dump(
            exclude={"citations", "participants", "location", "start_date", "end_date"}
        )
        row |= _dates("start_date", model.start_date) | _dates("end_date", model.end_date)
        row["span_last"] = (model.end_date or model.start_date).last
        row["location_city"] = model.location.city if model.location else None
        row["location_country"] = model.location.country if model.location else None
        return row
    if kind == "organizations":
        row = model.model_dump(exclude={"names"})
        row["names"] = _names(model.names)
        row["aliases"] = _aliases(model)
        row["name_conflict"] = name_conflict(model.names)
        return row
    if kind == "people":
        row = model.model_dump(exclude={"names", "roles"})
        return row | {"names": _names(model.names), "aliases": _aliases(model)}
    if kind == "statements":
        row = model.model_dump(
            exclude={"citations", "date", "organization", "meeting", "reported_by", "countries"}
        )
        row["speakers"] = [
            {
                "type": "person" if isinstance(bundle.entity(ref), PersonSeed) else "organization",
                "id": ref,
            }
            for ref in model.speakers
        ]
        row["countries"] = _statement_countries(bundle, model)
        row["title"] = statement_title(bundle, model)
        row["organization_id"] = model.organization
        row["meeting_id"] = model.meeting
        row["reported_by_id"] = model.reported_by
        return row | _dates("date", model.date) | {"date_last": model.date.last}
    row = model.model_dump(exclude={"citations", "date"})
    return row | _dates("date", model.date) | {"date_last": model.date.last}


def _aliases(model: Any) -> str:
    return "\n".join(dict.fromkeys([model.name, *[n.name for n in model.names]]))


def _names(names: list[Any]) -> list[dict[str, Any]]:
    """Names as stored: each with the position of its citation among the entity's citations."""
    return [
        {"name": n.name, "form": n.form, "source_id": n.source, "note": n.note, "citation": i}
        for i, n in enumerate(names)
    ]


def _placer(bundle: SeedBundle, kind: str) -> Callable[[Any], list[Span]]:
    """Where each citation of a fact of `kind` stands in its text, for facts asked in the order
    they were read: one ordered pass over the placed quotes (a fact out of turn is looked up)."""
    spans = bundle.spans
    placed = spans.of_kind(kind)  # in the same order as the facts and their citations

    def place(fact: Any) -> list[Span]:
        found = []
        for position in range(len(fact.citations)):
            fact_id, at, span = next(placed, ("", -1, None))
            if (fact_id, at) != (fact.id, position) or span is None:
                span = spans[(kind, fact.id, position)]  # the bundle was edited since
            found.append(span)
        return found

    return place


def _placed_quote(citation: Any, span: Span) -> dict[str, Any]:
    """A citation's quote and where it stands, as its row stores them."""
    return {
        "quote": citation.quote,
        "start_offset": span.start,
        "end_offset": span.end,
        "prefix": span.prefix,
        "suffix": span.suffix,
    }


def _citation_row(
    kind: str, pk: int, position: int, source_pk: int, placed: dict[str, Any]
) -> dict[str, Any]:
    """A citation's row: its fact's primary key (in the column of the fact's kind), its position
    among the fact's citations, its source and its placed quote (`_placed_quote`)."""
    row: dict[str, Any] = dict.fromkeys(_CITATION_FACT_COLUMNS)
    row[f"{_FACT_TABLE[kind]}_pk"] = pk
    return row | {"position": position, "source_pk": source_pk, **placed}


def _citation_rows(
    conn: Connection, bundle: SeedBundle, sources: dict[str, int], *, statistics: bool = True
) -> Any:
    """Every fact's citations' rows, kind by kind; without the statistics' if not `statistics`."""
    for kind in FACT_KINDS:
        if kind == "statistics" and not statistics:
            continue
        place = _placer(bundle, kind)
        for fact, pk in _with_pks(conn, _FACT_TABLE[kind], bundle.cited(kind)):
            spans = place(fact)
            for position, (citation, span) in enumerate(zip(fact.citations, spans, strict=True)):
                placed = _placed_quote(citation, span)
                yield _citation_row(kind, pk, position, sources[citation.source], placed)


# A statistic's citations as `_statistic_rows` places them: (source id, `_placed_quote`) each.
Placed = list[tuple[str, dict[str, Any]]]


def _statistics_with_citations(
    conn: Connection,
    bundle: SeedBundle,
    metrics: dict[str, int],
    sources: dict[str, int],
    report: LoadReport,
) -> set[str]:
    """A first load's statistics, each with its document, each batch written followed by its
    statistics' citations: a statistic is decoded, and its quotes' places read, once for its
    row, its document and its citations. Returns what `_sync_parents` returns."""
    cited: list[tuple[str, Placed]] = []  # the statistics made whose citations are not written
    citation = insert(_TABLES["citation"])
    last = 0  # the greatest key written so far: the table held no row before

    def write_citations(written: list[dict[str, Any]]) -> None:
        nonlocal last
        ids = {row["id"] for row in written}
        pks = _pks_after(conn, "statistic", last)  # this batch's, found by one range of keys
        if pks.keys() != ids:  # keys not given in order: each looked up
            pks = _pks(conn, "statistic", ids)
        last = max([last, *pks.values()])
        rows = [
            _citation_row("statistics", pks[stat_id], position, sources[source], placed)
            for stat_id, quotes in cited
            for position, (source, placed) in enumerate(quotes)
        ]
        cited.clear()
        execute_many(conn, citation, rows)
        report.log.rows("citation", rows, [], [])
        report.record("citation", len(rows), 0, 0)

    rows = _statistic_rows(bundle, metrics, with_documents=True, cited=cited)
    written = _sync(
        conn, "statistic", ("id",), rows, report, delete_stale=False, after=write_citations
    )
    return {slug for (slug,) in written}


def _statistic_rows(
    bundle: SeedBundle,
    metrics: dict[str, int],
    *,
    with_documents: bool,
    cited: list[tuple[str, Placed]] | None = None,
) -> Iterator[dict[str, Any]]:
    """The statistics' rows; `with_documents`, each with its stored public JSON, built from the
    row and its citations as placed by the one function the API uses (`statistic_document`), so
    that no document is written twice or read back to be built. With `cited`, each row's
    citations as placed are appended to it, with the statistic's id."""
    place = _placer(bundle, "statistics") if with_documents else None
    for model in bundle.models("statistics"):
        row = _fact_row("statistics", model, metrics, bundle)
        if place is not None:
            placed = [
                (citation.source, _placed_quote(citation, span))
                for citation, span in zip(model.citations, place(model), strict=True)
            ]
            citations = [citation_public({"source_id": source, **q}) for source, q in placed]
            row["document"] = statistic_document(row, citations)
            if cited is not None:
                cited.append((model.id, placed))
        yield row


def _participant_rows(conn: Connection, bundle: SeedBundle) -> Any:
    for meeting, pk in _with_pks(conn, "meeting", bundle.models("meetings")):
        for position, participant in enumerate(meeting.participants):
            yield {
                "meeting_pk": pk,
                "position": position,
                **participant.model_dump(),
                "person_id": bundle.person_named(participant.name),
            }


def _name_mention_rows(bundle: SeedBundle, sources: dict[str, int]) -> Any:
    """Every name the scanner found, as `korus-facts check` proved it: resolved or excluded."""
    reasons = {(e.source, e.mention): e.reason for e in bundle.models("mention_exclusions")}
    for source_id, scan in bundle.name_scans.items():
        found = [(m, "resolved") for m in scan.resolved] + [
            (m, "excluded") for m in scan.unresolved
        ]
        for position, (m, status) in enumerate(sorted(found, key=lambda f: f[0].start)):
            entity = bundle.entity(m.entity) if m.entity else None
            yield {
                "source_pk": sources[source_id],
                "position": position,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "status": status,
                "entity_type": "person"
                if isinstance(entity, PersonSeed)
                else ("organization" if entity else None),
                "entity_id": m.entity,
                "reason": reasons.get((source_id, m.text)) if status == "excluded" else None,
            }


def _role_rows(conn: Connection, bundle: SeedBundle) -> Any:
    for person, pk in _with_pks(conn, "person", bundle.models("people")):
        for position, role in enumerate(person.roles):
            yield {
                "person_pk": pk,
                "position": position,
                "title": role.title,
                "organization_id": role.organization,
                "source_id": role.source,
                "citation_position": len(person.names) + position,
            }


def _statement_link_rows(conn: Connection, bundle: SeedBundle) -> Any:
    for statement, pk in _with_pks(conn, "statement", bundle.models("statements")):
        links = [("speaker", ref) for ref in statement.speakers]
        links += [("organization", ref) for ref in _statement_organizations(bundle, statement)]
        links += [("country", code) for code in _statement_countries(bundle, statement)]
        for role, ref in dict.fromkeys(links):
            yield {"statement_pk": pk, "role": role, "ref_id": ref}


def _provision_statistic_rows(conn: Connection, bundle: SeedBundle) -> Any:
    provisions = bundle.models("provisions")
    for batch in batches(_with_pks(conn, "provision", provisions)):
        statistics = _pks(conn, "statistic", [s for p, _ in batch for s in p.statistic_ids])
        for provision, pk in batch:
            for sid in dict.fromkeys(provision.statistic_ids):
                yield {"provision_pk": pk, "statistic_pk": statistics[sid]}


def _statement_organizations(bundle: SeedBundle, statement: Any) -> list[str]:
    """The organisations a statement is by: speakers that are organisations, and the one the
    speaker spoke for."""
    found = [r for r in statement.speakers if isinstance(bundle.entity(r), OrganizationSeed)]
    if statement.organization:
        found.append(statement.organization)
    return list(dict.fromkeys(found))


def _statement_countries(bundle: SeedBundle, statement: Any) -> list[str]:
    """Whose side a statement is: the countries the curator gave, then the speakers'."""
    found = list(statement.countries)
    for ref in statement.speakers:
        speaker = bundle.entity(ref)
        if speaker is not None and speaker.country:
            found.append(speaker.country)
    return list(dict.fromkeys(found))


def _sync_parents(
    conn: Connection, name: str, rows: Iterable[dict[str, Any]], report: LoadReport
) -> set[str]:
    """Insert or update rows keyed by slug; return the slugs of stored rows no wanted row
    matched (left in place: `_delete_stale` deletes them once nothing refers to them)."""
    return {slug for (slug,) in _sync(conn, name, ("id",), rows, report, delete_stale=False)}


def _delete_stale(conn: Connection, name: str, stale: set[str], report: LoadReport) -> None:
    table = _TABLES[name]
    slugs = sorted(stale)
    for batch in batches(slugs):
        conn.execute(delete(table).where(table.c.id.in_(batch)))
    if slugs:
        report.record(name, 0, 0, len(slugs))
        report.log.rows(name, [], [], [{"id": slug} for slug in slugs])


def _empty(conn: Connection, *names: str) -> bool:
    """Whether these tables hold no row."""
    one = select(literal(1))
    return all(conn.execute(one.select_from(_TABLES[n]).limit(1)).first() is None for n in names)


def _pks(conn: Connection, name: str, ids: Iterable[str]) -> dict[str, int]:
    """The primary key of each row of `name` with one of these ids."""
    return _lookup(conn, name, "id", "pk", ids)


def _pks_after(conn: Connection, name: str, after: int) -> dict[str, int]:
    """The primary key of each row of `name` whose key is greater than `after`, by id."""
    table = _TABLES[name]
    return dict(conn.execute(select(table.c.id, table.c.pk).where(table.c.pk > after)).all())


def _ids_by_pk(conn: Connection, name: str, pks: Iterable[int]) -> dict[int, str]:
    """The id of each row of `name` with one of these primary keys."""
    return _lookup(conn, name, "pk", "id", pks)


def _lookup(conn: Connection, name: str, by: str, get: str, keys: Iterable[Any]) -> dict[Any, Any]:
    table = _TABLES[name]
    found: dict[Any, Any] = {}
    for batch in batches(dict.fromkeys(keys)):
        found.update(
            conn.execute(select(table.c[by], table.c[get]).where(table.c[by].in_(batch))).all()
        )
    return found


def _with_pks(conn: Connection, name: str, models: Iterable[Any]) -> Iterator[tuple[Any, int]]:
    """Each model (anything with the row's `id`) with the primary key of its row in `name`,
    looked up a batch at a time."""
    for batch in batches(models):
        pks = _pks(conn, name, [model.id for model in batch])
        for model in batch:
            yield model, pks[model.id]


def _pks_of_all(conn: Connection, name: str, stale: set[str]) -> dict[str, int]:
    """Every wanted row's primary key by slug (for the few sources and metrics)."""
    table = _TABLES[name]
    return {
        slug: pk
        for slug, pk in conn.execute(select(table.c.id, table.c.pk)).all()
        if slug not in stale
    }


def _all_pks(conn: Connection, name: str, size: int = 2000) -> Iterator[list[int]]:
    """Every primary key of `name`, in order, a batch at a time (keyset: no cursor stays open
    while the caller writes)."""
    table = _TABLES[name]
    after = 0
    while pks := list(
        conn.execute(
            select(table.c.pk).where(table.c.pk > after).order_by(table.c.pk).limit(size)
        ).scalars()
    ):
        yield pks
        after = pks[-1]


def _sync_children(
    conn: Connection,
    name: str,
    key: Sequence[str],
    rows: Iterable[dict[str, Any]],
    report: LoadReport,
) -> None:
    _sync(conn, name, tuple(key), rows, report, delete_stale=True)


# Rows written (or held in the scratch store) at a time, so that none is held for long: at most
# this many, and at most about this many bytes of text (a series' document can be large).
INSERT_BATCH = 5000
INSERT_BATCH_BYTES = 8 * 1024 * 1024


def _batched(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """`rows` in lists of at most INSERT_BATCH rows and about INSERT_BATCH_BYTES of text."""
    batch: list[dict[str, Any]] = []
    weight = 0
    for row in rows:
        batch.append(row)
        weight += sum(len(value) for value in row.values() if isinstance(value, str))
        if len(batch) >= INSERT_BATCH or weight >= INSERT_BATCH_BYTES:
            yield batch
            batch, weight = [], 0
    if batch:
        yield batch


def _digest(row: Mapping[Any, Any], columns: Sequence[str]) -> bytes:
    """What a row holds in `columns`, in 16 bytes: equal rows have equal digests (a differing
    digest may still be an equal row written differently, 1 and 1.0: the row is then compared)."""
    values = orjson.dumps(
        [row[c] for c in columns], default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NAIVE_UTC
    )
    return hashlib.blake2b(values, digest_size=16).digest()


def _key_text(key: tuple[Any, ...]) -> str:
    return orjson.dumps(key).decode()


def _sync(
    conn: Connection,
    name: str,
    key: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    report: LoadReport,
    *,
    delete_stale: bool,
    only_new: bool = False,
    after: Callable[[list[dict[str, Any]]], None] | None = None,
) -> set[tuple[Any, ...]]:
    """Make the table hold `rows` (matched on `key`): insert, update, and with `delete_stale`
    delete the rest. Returns the keys of stored rows that no wanted row matched.

    Into an empty table (a first load), or with `only_new` (the caller knows that the table
    holds none of their keys), rows are inserted a batch at a time as they come, and `after`
    (if given) is called with each batch once it is written.
    Otherwise the stored rows are first noted, by key, with a digest of their columns, in a
    scratch store on disk (app/seed/spill.py), not in memory; a wanted row whose digest differs
    is compared with its stored row column by column, and updated where they differ; inserts
    wait in the scratch store until every stale row is deleted, so that no unique key is ever
    held twice. Updates and deletions reach the change log a batch at a time: memory holds a
    batch, however many rows change."""
    table = _TABLES[name]
    has_pk = "pk" in table.c
    columns = [c.name for c in table.c if c.name != "pk"]
    inserted = updated = removed = 0

    adding = insert(table)

    def write(inserts: list[dict[str, Any]]) -> None:
        nonlocal inserted
        execute_many(conn, adding, inserts)
        report.log.rows(name, inserts, [], [])
        inserted += len(inserts)

    def where(row_key: tuple[Any, ...], pk: int | None) -> list[Any]:
        return (
            [table.c.pk == pk]
            if has_pk
            else [table.c[k] == v for k, v in zip(key, row_key, strict=True)]
        )

    pending = iter(rows)
    if only_new or _empty(conn, name):
        for batch in _batched(pending):
            write(batch)
            if after is not None:
                after(batch)
        report.record(name, inserted, 0, 0)
        return set()
    assert after is None, "`after` is for rows that are all inserted"
    first = next(pending, None)
    compared = [c for c in columns if first is not None and c in first]
    scratch = Spill()
    stored = conn.execute(select(table).execution_options(stream_results=True, yield_per=2000))
    scratch.remember(
        name,
        (
            (_key_text(tuple(r[k] for k in key)), r["pk"] if has_pk else None, _digest(r, compared))
            for r in stored.mappings()
        ),
    )
    same = set(compared)
    changed: list[tuple[dict[str, Any], list[str]]] = []

    def new_rows() -> Iterator[dict[str, Any]]:
        """The wanted rows that match no stored row; the others are updated where they differ."""
        nonlocal updated
        for row in itertools.chain([first] if first is not None else [], pending):
            row_key = tuple(row[k] for k in key)
            found = scratch.recall(name, _key_text(row_key))
            if found is None:
                yield row
                continue
            pk, digest = found
            if row.keys() == same and _digest(row, compared) == digest:
                continue
            current = conn.execute(select(table).where(*where(row_key, pk))).mappings().one()
            changes = {c: row[c] for c in columns if c in row and current[c] != row[c]}
            if changes:
                conn.execute(update(table).where(*where(row_key, pk)).values(changes))
                changed.append((dict(current), list(changes)))
                if len(changed) >= INSERT_BATCH:
                    report.log.rows(name, [], changed, [])
                    updated += len(changed)
                    changed.clear()

    for batch in _batched(new_rows()):
        scratch.hold(name, batch)
    report.log.rows(name, [], changed, [])
    updated += len(changed)
    stale = scratch.unwanted(name)
    if delete_stale:
        gone: list[dict[str, Any]] = []
        for n, (key_text, pk) in enumerate(stale, 1):
            condition = where(tuple(orjson.loads(key_text)), pk)
            gone.extend(map(dict, conn.execute(select(table).where(*condition)).mappings()))
            conn.execute(delete(table).where(*condition))
            if n % INSERT_BATCH == 0 or n == len(stale):
                report.log.rows(name, [], [], gone)
                removed += len(gone)
                gone.clear()
    for batch in _batched(row for held in scratch.release(name) for row in held):
        write(batch)
    scratch.close()
    report.record(name, inserted, updated, removed)
    return {tuple(orjson.loads(key_text)) for key_text, _pk in stale}

"""The loader's promises: all or nothing, idempotent, exact edits, and every bad seed refused
with file, entry, field and line, leaving the database exactly as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from app.identity import code_identity
from app.models import Dataset, Statistic
from app.queries.statistics import get_statistic, statistic_documents
from app.seed import loader
from app.seed.loader import load_seed
from app.seed.reader import SeedError, read_seed
from app.vocabulary import FACT_KINDS, SINGULAR
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit, traced

GOOD_QUOTE = (
    'quote: "the U.S. trade in goods deficit has increased from $13.2 billion to $22.9 billion"'
)

# Each case breaks a copy of the seed in one way: (file, old text, new text, expected field,
# expected words in the message). The expected file is always the one edited.
Breakage = tuple[str, str, str, str | None, str]
BREAKAGES: dict[str, Breakage] = {
    "quote not in text": (
        "statistics.yaml",
        GOOD_QUOTE,
        GOOD_QUOTE.replace("increased", "grown"),
        "citations[0].quote",
        "does not occur",
    ),
    "quote differs only in typography": (
        "meetings.yaml",
        "countries’ bilateral",
        "countries' bilateral",
        "citations[0].quote",
        "folded",
    ),
    "ambiguous quote": (
        "milestones.yaml",
        'quote: "The U.S.-Korea FTA came into force in March 2012"',
        "quote: KORUS",
        "citations[0].quote",
        "occurs",
    ),
    "occurrence out of range": (
        "milestones.yaml",
        'quote: "The U.S.-Korea FTA came into force in March 2012"',
        'quote: "The U.S.-Korea FTA came into force in March 2012"\n        occurrence: 2',
        "citations[0].quote",
        "occurrence 2",
    ),
    "as_reported does not match value": (
        "statistics.yaml",
        "value: 22900000000",
        "value: 22800000000",
        "value",
        "reads as",
    ),
    "as_reported not in a quote": (
        "statistics.yaml",
        "as_reported: $22.9 billion",
        "as_reported: $22.8 billion",
        "as_reported",
        "does not stand inside",
    ),
    "as_reported unreadable": (
        "statistics.yaml",
        "as_reported: $22.9 billion",
        "as_reported: twenty-two point nine",
        "as_reported",
        "not a figure",
    ),
    "percent figure with a dollar unit": (
        "statistics.yaml",
        "    value: 73\n    unit: percent",
        "    value: 73\n    unit: USD",
        "unit",
        "percent",
    ),
    "dangling metric": (
        "statistics.yaml",
        "metric: trade-deficit-goods-and-services",
        "metric: no-such-metric",
        "metric",
        "no metric",
    ),
    "dangling source": (
        "exclusions.yaml",
        "source: ictsd-bridges-2017-07-06",
        "source: no-such-source",
        "source",
        "no source",
    ),
    "duplicate id": (
        "statistics.yaml",
        "id: wh-goods-deficit-2017",
        "id: wh-goods-deficit-2011",
        "id",
        "duplicate id",
    ),
    "duplicate key": (
        "statistics.yaml",
        "    label: U.S. services trade surplus with Korea in 2016\n",
        "    label: U.S. services trade surplus with Korea in 2016\n    label: again\n",
        None,
        "duplicate key",
    ),
    "yaml NO coercion": (
        "meetings.yaml",
        "country: KOR, lead",
        "country: NO, lead",
        None,
        "would be read as bool",
    ),
    "yaml octal coercion": (
        "provisions.yaml",
        "deadline: 2041",
        "deadline: 0201",
        None,
        "would be read as int",
    ),
    "malformed yaml": ("metrics.yaml", "  - id: exports\n", "  - id: [exports\n", None, "expected"),
    "missing citations": (
        "milestones.yaml",
        "    citations:\n      - source: whitehouse-fact-sheet-2018-03-28\n",
        "    other:\n      - source: whitehouse-fact-sheet-2018-03-28\n",
        "citations",
        "Field required",
    ),
    "bad date": (
        "meetings.yaml",
        "start_date: 2017-10-04",
        "start_date: 2017-10-44",
        "start_date",
        "not a real date",
    ),
    "unknown field": (
        "metrics.yaml",
        "    unit: rank\n",
        "    unit: rank\n    colour: red\n",
        "colour",
        "Extra inputs",
    ),
}


def _break(seed: Path, case: Breakage) -> None:
    file, old, new, _, _ = case
    edit(seed / file, old, new)


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_bad_seed_is_refused_precisely(name: str, seed_copy: Path, engine: Engine) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    before = dump(engine)
    case = BREAKAGES[name]
    _break(seed_copy, case)
    with pytest.raises(SeedError) as caught:
        load_seed(engine, read_seed(seed_copy))
    assert dump(engine) == before
    file, _, _, field, words = case
    matching = [
        i
        for i in caught.value.issues
        if i.file == f"seed/{file}" and words in i.message and (field is None or i.field == field)
    ]
    assert matching, "\n".join(map(str, caught.value.issues))
    assert all(i.line is not None for i in matching)


def test_a_changed_source_text_is_refused(seed_copy: Path) -> None:
    text = seed_copy / "sources" / "003_a106b0ef6c4da2a3.txt"
    text.write_bytes(text.read_bytes().replace(b"Seoul", b"Busan", 1))
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    issue = next(i for i in caught.value.issues if i.field == "sha256")
    assert issue.file == "seed/sources.yaml" and "has changed" in issue.message


def test_load_is_idempotent_and_keeps_ids(engine: Engine) -> None:
    bundle = read_seed(SEED_DIR)
    first = load_seed(engine, bundle)
    assert first.changed
    before = dump(engine)
    second = load_seed(engine, read_seed(SEED_DIR))
    assert not second.changed
    assert all(not any(c.values()) for c in second.counts.values())
    assert dump(engine) == before


def _edit_a_label(seed: Path) -> None:
    edit(
        seed / "statistics.yaml",
        "label: U.S. goods exports to Korea in 2016",
        "label: U.S. goods exports to Korea, 2016",
    )


def test_an_edit_changes_exactly_what_was_edited(engine: Engine, seed_copy: Path) -> None:
    load_seed(engine, read_seed(seed_copy))
    before = dump(engine)
    _edit_a_label(seed_copy)
    report = load_seed(engine, read_seed(seed_copy))
    after = dump(engine)
    assert report.counts["statistic"] == {"inserted": 0, "updated": 1, "deleted": 0}
    changed = {t for t in before if before[t] != after[t]}
    # the label is searchable, and the load is remembered with what it changed
    assert changed == {"statistic", "dataset", "search_document", "dataset_load"}
    assert report.log.document() == {
        "statistic": {"added": [], "changed": {"as-exports-2016": ["label"]}, "removed": []}
    }
    assert len(set(after["search_document"]) - set(before["search_document"])) == 1
    removed = set(before["statistic"]) - set(after["statistic"])
    added = set(after["statistic"]) - set(before["statistic"])
    assert len(removed) == len(added) == 1
    old_row, new_row = removed.pop(), added.pop()
    differ = [(a, b) for a, b in zip(old_row, new_row, strict=True) if a != b]
    # the label, and the stored public JSON that carries it
    assert differ[0] == ("U.S. goods exports to Korea in 2016", "U.S. goods exports to Korea, 2016")
    assert len(differ) == 2
    old_doc, new_doc = (json.loads(d) for d in differ[1])
    assert old_doc | {"label": "U.S. goods exports to Korea, 2016"} == new_doc
    assert report.counts["statistic_document"] == {"inserted": 0, "updated": 1, "deleted": 0}


def test_removing_a_fact_removes_it_and_its_citations(engine: Engine, seed_copy: Path) -> None:
    load_seed(engine, read_seed(seed_copy))
    before = dump(engine)
    text = (seed_copy / "milestones.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: section-232-tariffs-announced-2018-03-08")
    end = text.index("  - id: amended-korus-announced-2018-03-28")
    (seed_copy / "milestones.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    report = load_seed(engine, read_seed(seed_copy))
    after = dump(engine)
    assert report.counts["milestone"]["deleted"] == 1
    assert len(after["milestone"]) == len(before["milestone"]) - 1
    assert len(after["citation"]) == len(before["citation"]) - 1


def test_a_failing_load_changes_nothing(engine: Engine, seed_copy: Path) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    before = dump(engine)
    edit(
        seed_copy / "statistics.yaml",
        "label: U.S. goods exports to Korea in 2016",
        "label: changed",
    )
    bundle = read_seed(seed_copy)
    # A fault after the first writes: a citation pointing at a source the database lacks.
    bundle.entries["sources"] = list(bundle.entries["sources"])[:-1]
    with pytest.raises(KeyError):
        load_seed(engine, bundle)
    assert dump(engine) == before


def _cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--database-url", database_url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_refuses_a_bad_seed_and_leaves_the_database(
    engine: Engine, migrated_url: str, seed_copy: Path
) -> None:
    assert _cli("load", database_url=migrated_url).returncode == 0
    before = dump(engine)
    _break(seed_copy, BREAKAGES["quote not in text"])
    _break(seed_copy, BREAKAGES["dangling metric"])
    result = _cli("load", "--seed-dir", str(seed_copy), database_url=migrated_url)
    assert result.returncode == 1
    assert "seed/statistics.yaml:" in result.stderr
    assert "citations[0].quote" in result.stderr and "no metric" in result.stderr
    assert "2 problem(s)" in result.stderr
    assert dump(engine) == before


def test_cli_check_needs_no_database(seed_copy: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--seed-dir", str(seed_copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/absent/x.db"},
    )
    assert result.returncode == 0, result.stderr
    assert "seed OK" in result.stdout
    assert not (tmp_path / "absent").exists()


def test_stored_documents_are_what_the_rows_say(engine: Engine) -> None:
    """Each statistic's stored JSON is rebuilt from its row and citations identically; a row
    without one (migrated, not yet reloaded) is built on the fly, so the API says the same."""
    load_seed(engine, read_seed(SEED_DIR))
    table = Statistic.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        stored = dict(conn.execute(select(table.c.pk, table.c.document)).all())
        assert len(stored) == 43 and all(stored.values())
        assert statistic_documents(conn, sorted(stored)) == stored
        some_pk = min(stored)
        slug = conn.execute(select(table.c.id).where(table.c.pk == some_pk)).scalar_one()
        conn.execute(update(table).where(table.c.pk == some_pk).values(document=None))
        assert get_statistic(conn, slug) == json.loads(stored[some_pk])
        assert json.loads(stored[some_pk])["id"] == slug


def _documents(engine: Engine) -> dict[str, str]:
    table = Statistic.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return dict(conn.execute(select(table.c.id, table.c.document)).all())


def _tamper(engine: Engine, slug: str) -> None:
    table = Statistic.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == slug).values(document='{"stale": true}'))


def test_a_first_load_writes_each_document_with_its_row(engine: Engine) -> None:
    """On a first load every statistic's document goes in with its row (built from the row and
    its placed citations), not written after it: each is written once, and is the document the
    API builds from the stored row and citations."""
    statements = traced(engine)
    report = load_seed(engine, read_seed(SEED_DIR))
    written = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert any(s.startswith("INSERT INTO statistic ") and "document" in s for s in written)
    assert not [s for s in written if s.startswith("UPDATE statistic ")]
    assert report.counts["statistic_document"] == {"inserted": 0, "updated": 43, "deleted": 0}
    table = Statistic.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        stored = dict(conn.execute(select(table.c.pk, table.c.document)).all())
        assert len(stored) == 43
        assert statistic_documents(conn, sorted(stored)) == stored


@pytest.mark.parametrize("keys", ["in order", "looked up"])
def test_a_first_load_writes_each_statistics_citations_after_its_batch(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, keys: str
) -> None:
    """A first load writes a batch of statistics and then their citations, from the same
    decoded statistics (app/seed/loader.py `_statistics_with_citations`). Batches of 7 here:
    every citation of every fact is stored once, for its fact, at its position, with its source,
    its quote, and offsets that hold that quote in the source's text. A batch's statistics are
    found by the range of keys after the last batch's, or, where that range does not hold them
    all ("looked up": as if the keys were not given in order), each by its id."""
    monkeypatch.setattr(loader, "INSERT_BATCH", 7)
    if keys == "looked up":
        monkeypatch.setattr(loader, "_pks_after", lambda *_: {})
    bundle = read_seed(SEED_DIR)
    wanted = {
        (kind, fact.id, position, citation.source, citation.quote)
        for kind in FACT_KINDS
        for fact in bundle.models(kind)
        for position, citation in enumerate(fact.citations)
    }
    report = load_seed(engine, bundle)
    assert report.counts["citation"]["inserted"] == len(wanted)
    texts = {
        s.id: (SEED_DIR / s.file).read_text(encoding="utf-8") for s in bundle.models("sources")
    }
    stored = set()
    with engine.connect() as conn:
        for kind in FACT_KINDS:
            table = SINGULAR[kind]
            rows = conn.execute(
                text(
                    f"SELECT f.id, c.position, s.id, c.quote, c.start_offset, c.end_offset "
                    f"FROM citation c JOIN {table} f ON f.pk = c.{table}_pk "
                    f"JOIN source s ON s.pk = c.source_pk"
                )
            ).all()
            for fact_id, position, source, quote, start, end in rows:
                assert texts[source][start:end] == quote, (kind, fact_id, position)
                stored.add((kind, fact_id, position, source, quote))
        assert conn.execute(text("SELECT count(*) FROM citation")).scalar_one() == len(wanted)
    assert stored == wanted


def test_a_load_that_finds_rows_but_no_dataset_compares_them(engine: Engine) -> None:
    """A database whose dataset row is gone (by hand, say) but whose tables hold a load's rows:
    the next load is a first load (no version to compare with) into tables that are not empty,
    so the statistics and their citations are compared with what is stored, not inserted
    blindly; the database ends as the first load left it."""
    load_seed(engine, read_seed(SEED_DIR))
    table = Dataset.__table__  # type: ignore[attr-defined]
    before = _documents(engine)
    with engine.connect() as conn:
        citations = conn.execute(text("SELECT count(*) FROM citation")).scalar_one()
    with engine.begin() as conn:
        conn.execute(table.delete())
    report = load_seed(engine, read_seed(SEED_DIR))
    assert report.counts["statistic"]["inserted"] == 0
    assert report.counts["citation"]["inserted"] == 0
    assert _documents(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM citation")).scalar_one() == citations


def test_a_reload_rebuilds_the_documents_of_the_statistics_it_changed(
    engine: Engine, seed_copy: Path
) -> None:
    """A statistic's document is its row and its citations: a reload by the same code builds
    the documents of the statistics whose rows or citations it changed, and no other (a
    document changed behind the loader's back shows that it was not rebuilt)."""
    load_seed(engine, read_seed(seed_copy))
    before = _documents(engine)
    other = next(slug for slug in sorted(before) if slug != "as-exports-2016")
    _tamper(engine, other)
    _edit_a_label(seed_copy)
    report = load_seed(engine, read_seed(seed_copy))
    after = _documents(engine)
    assert report.counts["statistic_document"]["updated"] == 1
    assert json.loads(after["as-exports-2016"])["label"] == "U.S. goods exports to Korea, 2016"
    assert after[other] == '{"stale": true}'
    assert {s: d for s, d in after.items() if s not in (other, "as-exports-2016")} == {
        s: d for s, d in before.items() if s not in (other, "as-exports-2016")
    }


def test_other_code_rebuilds_every_document(engine: Engine) -> None:
    """The way a document is built may differ between versions of the code: a load by other
    code than built the stored documents rebuilds them all, and remembers the code."""
    load_seed(engine, read_seed(SEED_DIR))
    before = _documents(engine)
    slug = min(before)
    _tamper(engine, slug)
    table = Dataset.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(update(table).values(code_identity="another-version"))
    report = load_seed(engine, read_seed(SEED_DIR))
    assert report.counts["statistic_document"]["updated"] == 1  # the one that differed
    assert _documents(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(table.c.code_identity)).scalar_one() == code_identity()


def test_the_collector_is_as_it_was_after_reading_and_loading(
    tmp_path: Path, engine: Engine
) -> None:
    """Reading and loading run the cycle collector less often (app/seed/churn.py), and leave it
    as they found it, whether they end well or not."""
    import gc

    from app.seed.churn import THRESHOLDS

    before = gc.get_threshold()
    assert before != THRESHOLDS
    load_seed(engine, read_seed(SEED_DIR))
    assert gc.get_threshold() == before
    with pytest.raises(SeedError):
        read_seed(tmp_path)  # no seed files at all
    assert gc.get_threshold() == before

"""The seed waits in a scratch file while it is checked and loaded (app/seed/spill.py): what
that must not change, and what it adds (a text changed meanwhile is refused; the file goes)."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.models import Source
from app.seed.bundle import SourceChanged
from app.seed.loader import load_seed
from app.seed.reader import SeedError, read_seed
from app.seed.spill import BATCH, Spill
from app.vocabulary import FACT_KINDS
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit


def test_models_read_back_equal_the_files() -> None:
    """Every entry read back from the spill is the entry the files hold, in their order."""
    import yaml

    bundle = read_seed(SEED_DIR)
    written = yaml.safe_load((SEED_DIR / "statistics.yaml").read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in written["statistics"]]
    assert [model.id for model in bundle.models("statistics")] == ids
    assert len(bundle.models("statistics")) == len(ids)
    first = written["statistics"][0]
    model = next(iter(bundle.models("statistics")))
    assert model.as_reported == first["as_reported"]
    assert [c.quote for c in model.citations] == [c["quote"] for c in first["citations"]]


def _quotes(kind: str, fact: dict[str, Any]) -> list[tuple[str, str]]:
    """A fact's citations as the files give them: a person's names and then roles, an
    organization's names, any other fact's citations."""
    if kind == "people":
        cited = fact["names"] + fact.get("roles", [])
    elif kind == "organizations":
        cited = fact["names"]
    else:
        cited = fact.get("citations", [])
    return [(c["source"], c["quote"]) for c in cited]


def test_each_facts_citations_read_for_the_loader_are_the_files() -> None:
    """The loader's citation rows read each fact's sources and quotes from the spill's JSON, not
    from its decoded model (`SeedBundle.cited`): for every kind of fact, they are the files'."""
    import yaml

    bundle = read_seed(SEED_DIR)
    for kind in FACT_KINDS:
        written = yaml.safe_load((SEED_DIR / f"{kind}.yaml").read_text(encoding="utf-8"))[kind]
        expected = [(fact["id"], _quotes(kind, fact)) for fact in written]
        assert expected, kind
        got = [
            (fact.id, [(q.source, q.quote) for q in fact.citations]) for fact in bundle.cited(kind)
        ]
        assert got == expected, kind
    bundle.spill.close()


def test_a_text_changed_between_reading_and_loading_is_refused(
    engine: Engine, seed_copy: Path
) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    before = dump(engine)
    bundle = read_seed(seed_copy)
    text = next(iter(sorted((seed_copy / "sources").glob("*.txt"))))
    text.write_text(text.read_text(encoding="utf-8") + " ", encoding="utf-8")
    # texts are read again when needed (a few kept): as with a seed of more texts than are kept
    next(iter(bundle.texts.values())).cache.clear()
    with pytest.raises(SourceChanged, match=text.name):
        load_seed(engine, bundle)
    assert dump(engine) == before


def test_a_text_kept_since_it_was_checked_is_stored_as_checked(
    engine: Engine, seed_copy: Path
) -> None:
    bundle = read_seed(seed_copy)
    text = next(iter(sorted((seed_copy / "sources").glob("*.txt"))))
    checked = text.read_text(encoding="utf-8")
    text.write_text(checked + " ", encoding="utf-8")
    load_seed(engine, bundle)
    with engine.connect() as conn:
        stored = conn.execute(
            select(Source.text).where(Source.filename == f"sources/{text.name}")
        ).scalar_one()
    assert stored == checked


def _temporary_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).iterdir())


def test_the_scratch_file_is_never_left_behind(seed_copy: Path) -> None:
    """SQLite's temporary database: unlinked once opened, so that even a killed load leaves
    nothing; the connection closes with the bundle."""
    before = _temporary_files()
    bundle = read_seed(seed_copy)
    assert _temporary_files() <= before
    assert len(bundle.spans) > 0
    bundle.spill.close()
    with pytest.raises(sqlite3.ProgrammingError):
        len(bundle.spans)
    edit(seed_copy / "statistics.yaml", "unit: USD", "unit: EUR")
    with pytest.raises(SeedError):
        read_seed(seed_copy)
    assert _temporary_files() <= before


def test_a_duplicate_names_the_first_entry_and_its_line(seed_copy: Path) -> None:
    path = seed_copy / "metrics.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("  - id:")]
    first = starts[0]
    slug = lines[first].split("id:", 1)[1].strip()
    copy = "".join(lines[first : starts[1]]).rstrip("\n") + "\n"
    path.write_text("".join(lines).rstrip("\n") + "\n" + copy, encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    duplicate = [i for i in caught.value.issues if "duplicate id" in i.message]
    assert len(duplicate) == 1
    assert f"already used at seed/metrics.yaml:{first + 1}" in duplicate[0].message
    assert slug in duplicate[0].message


def test_groups_come_in_key_order_each_in_the_order_given() -> None:
    spill = Spill()
    rows = [(f"k{n % 7}", n) for n in range(3 * BATCH + 5)]
    groups = list(spill.groups("test", rows))
    assert [g[0] % 7 for g in groups] == list(range(7))
    for group in groups:
        assert group == sorted(group)
        assert len({n % 7 for n in group}) == 1
    assert sum(map(len, groups)) == len(rows)
    spill.close()


def test_held_rows_come_back_in_the_order_given_a_batch_at_a_time_then_go() -> None:
    spill = Spill()
    rows = [{"n": n, "text": "x" * (n % 5)} for n in range(2 * BATCH + 3)]
    spill.hold("test", rows[:BATCH])
    spill.hold("other", [{"n": -1}])
    spill.hold("test", rows[BATCH:])  # after what is held already
    batches = list(spill.release("test"))
    assert [len(b) for b in batches] == [BATCH, BATCH, 3]
    assert [row for batch in batches for row in batch] == rows
    assert list(spill.release("test")) == []  # released: gone
    assert list(spill.release("other")) == [[{"n": -1}]]
    spill.close()


def test_repeated_keys_only_come_back_grouped_in_key_order() -> None:
    """Rows gathered a piece at a time come back as if given at once: only the keys given more
    than once, in key order, each group in the order gathered; and then they are gone."""
    spill = Spill()
    # keys k0..k6 many times each, and a key of its own for every tenth number
    rows = [(f"k{n % 7}", n) if n % 10 else (f"alone{n}", n) for n in range(3 * BATCH + 5)]
    given = list(reversed(rows))
    for start in range(0, len(given), BATCH - 3):  # in pieces that do not fall on a batch
        spill.gather("test", given[start : start + BATCH - 3])
    spill.gather("other", [("k1", -1), ("k1", -2)])
    groups = list(spill.repeated_gathered("test"))
    assert [g[0] % 7 for g in groups] == list(range(7))
    for group in groups:
        assert group == sorted(group, reverse=True)  # the order given
        assert len({n % 7 for n in group}) == 1
        assert all(n % 10 for n in group)
    assert sum(map(len, groups)) == len([n for _, n in rows if n % 10])
    assert list(spill.repeated_gathered("test")) == []  # read: gone
    spill.gather("test", [("a", 1), ("b", 2), ("a", 3)])  # gathered again: only the new rows
    assert list(spill.repeated_gathered("test")) == [[1, 3]]
    assert list(spill.repeated_gathered("other")) == [[-1, -2]]
    spill.close()


def test_a_field_is_read_from_the_entries_json_without_decoding_them() -> None:
    """`values` gives every value a top-level field takes (None where an entry has none);
    `entries_with`, in the order read, the entries that give it one, past a batch's end."""
    import json

    spill = Spill()
    bodies = [
        json.dumps({"id": f"e{n}", "country": ["KOR", "USA", None][n % 3], "flag": n % 5 or None})
        for n in range(2 * BATCH + 7)
    ]
    spill.add_entries("test", [(f"e{n}", "f.jsonl", n, n + 1, b) for n, b in enumerate(bodies)])
    spill.add_entries("other", [("o", "o.jsonl", 0, 1, json.dumps({"country": "JPN"}))])
    assert spill.values("test", "country") == {"KOR", "USA", None}
    assert spill.values("test", "missing") == {None}
    flagged = list(spill.entries_with("test", "flag"))
    assert [row[1] for row in flagged] == [f"e{n}" for n in range(2 * BATCH + 7) if n % 5]
    assert [row[-1] for row in flagged] == [b for n, b in enumerate(bodies) if n % 5]
    assert list(spill.entries_with("test", "missing")) == []
    spill.close()


def test_the_bundle_reads_fields_as_its_models_give_them() -> None:
    """What the bundle reads from the spill's JSON is what decoding every model would give."""
    bundle = read_seed(SEED_DIR)
    statistics = list(bundle.models("statistics"))
    garbled = [s for s in statistics if s.source_error is not None]
    assert garbled, "the KORUS seed marks a garbled sentence"
    assert list(bundle.models_with("statistics", "source_error")) == garbled
    for field in ("reporter", "partner", "unit"):
        assert bundle.values("statistics", field) == {getattr(s, field) for s in statistics}
    bundle.spill.close()


def test_the_version_is_that_of_the_data_not_of_the_file_order(seed_copy: Path) -> None:
    """Reordering the entries of a file says nothing new."""
    version = read_seed(SEED_DIR).version
    path = seed_copy / "milestones.yaml"
    text = path.read_text(encoding="utf-8")
    head, *entries = text.split("\n  - ")
    assert len(entries) > 1
    path.write_text("\n  - ".join([head, *reversed(entries)]).rstrip("\n") + "\n", "utf-8")
    assert hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(text.encode()).digest()
    assert read_seed(seed_copy).version == version


def test_a_scratch_store_that_cannot_be_written_is_a_clear_error(
    seed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    before = _temporary_files()
    monkeypatch.setattr(Spill, "add_spans", full)
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    (issue,) = caught.value.issues
    assert "scratch store" in str(issue)
    assert "disk is full" in issue.message
    assert "SQLITE_TMPDIR" in issue.message
    assert _temporary_files() <= before


def test_the_text_cache_keeps_the_first_texts_across_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passes read every text in the same order. With more texts than the cache holds, the first
    that fit in its kept share are read once for all passes; the rest are read once a pass, and a
    text asked for twice in a row is read once (the recent share)."""
    from app.seed import bundle as bundle_module
    from app.seed.bundle import TEXT_CACHE_KEPT_SHARE, SourceText, TextCache

    size, count, budget = 100, 10, 800  # 8 texts' worth: 6 kept, 2 recent
    cache = TextCache(budget)
    sources = []
    for n in range(count):
        path = tmp_path / f"{n}.txt"
        data = f"{n:03d}".encode() * (size // 3) + b"x"
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        sources.append(SourceText(str(n), path, path.name, digest, size, None, cache))
    reads: list[str] = []
    real_read = bundle_module.read_as_checked

    def counted(path: Path, sha256: str) -> str | None:
        reads.append(path.stem)
        return real_read(path, sha256)

    monkeypatch.setattr(bundle_module, "read_as_checked", counted)
    for _pass in range(3):
        for source in sources:
            assert source.text == source.path.read_text()
            assert source.text == source.path.read_text()  # asked again at once
    kept = int(budget * TEXT_CACHE_KEPT_SHARE) // size
    first_pass = [str(n) for n in range(count)]
    later_passes = [str(n) for n in range(kept, count)]
    assert reads == first_pass + later_passes + later_passes
    cache.clear()
    cache.text(sources[0])
    assert reads[-1] == "0"  # cleared: read again


def test_each_text_is_read_from_its_file_once_when_the_cache_holds_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reader checks each text and keeps it: the checks after it read none again."""
    from app.seed import bundle as bundle_module

    reads: list[Path] = []
    real_read = bundle_module.read_as_checked

    def counted(path: Path, sha256: str) -> str | None:
        reads.append(path)
        return real_read(path, sha256)

    monkeypatch.setattr(bundle_module, "read_as_checked", counted)
    bundle = read_seed(SEED_DIR)
    assert bundle.texts and reads == []

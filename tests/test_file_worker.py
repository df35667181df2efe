"""Seed files validated by a worker, every other one (app/seed/file_worker.py): the seed must read
the same, and a faulty seed must report the same problems, the caps included, as when this
process validates every file; a worker that dies must leave its files to this process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.seed import file_worker, reader
from app.seed.bundle import KINDS, MAX_ISSUES
from app.seed.file_worker import FileWorker
from app.seed.reader import SeedError, read_seed
from bench import corpus

PER_FILE = 300  # statistics per file of the test corpus: several files, quickly read


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic seed of 3,300 statistics in 11 JSON Lines files."""
    monkeypatch.setattr(corpus, "FILE_SIZE", PER_FILE)
    root = tmp_path / "seed"
    corpus.generate(3_300, root)
    assert len(list((root / "statistics").glob("*.jsonl"))) == 11
    return root


def _with_worker(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Any kind of two files or more is shared with a worker; returns the files read here."""
    monkeypatch.setattr(file_worker, "FILE_WORKER_MIN_BYTES", 0)
    here: list[Path] = []
    read_here = reader.read_file

    def counted(root: Path, path: Path, *args: Any) -> Any:
        here.append(path)
        return read_here(root, path, *args)

    monkeypatch.setattr(reader, "read_file", counted)
    return here


def _read(root: Path) -> dict[str, list[Any]]:
    bundle = read_seed(root)
    return {kind: [m.model_dump() for m in bundle.models(kind)] for kind in KINDS}


def _problems(root: Path) -> tuple[list[str], int, bool]:
    with pytest.raises(SeedError) as raised:
        read_seed(root)
    error = raised.value
    return [str(issue) for issue in error.issues], error.skipped, error.stopped


def test_the_seed_reads_the_same_with_a_worker(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = _read(parts)
    here = _with_worker(monkeypatch)
    assert _read(parts) == without
    statistics = sorted((parts / "statistics").glob("*.jsonl"))
    assert [p for p in here if p.parent.name == "statistics"] == statistics[0::2]


def _break(path: Path, lines: int, fields: dict[str, Any]) -> None:
    """The first `lines` entries of a JSON Lines file given bad `fields`."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for entry in entries[:lines]:
        entry.update(fields)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def test_a_faulty_seed_reports_the_same_problems_with_a_worker(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems in files of both halves, one past the per-file cap: the same messages, in the
    same order, and the same count of problems left unsaid."""
    statistics = sorted((parts / "statistics").glob("*.jsonl"))
    _break(statistics[1], 60, {"value": "many"})  # the worker's: 60 problems, 50 said
    _break(statistics[2], 3, {"unit": 7, "period_start": "someday"})  # this process's
    (statistics[3]).write_text('{"id": "x", "id": "y"}\n', encoding="utf-8")  # a whole file
    without = _problems(parts)
    assert without[1] > 0 and not without[2]
    _with_worker(monkeypatch)
    assert _problems(parts) == without


def test_a_seed_past_every_cap_stops_at_the_same_problem_with_a_worker(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in sorted((parts / "statistics").glob("*.jsonl")):
        _break(path, PER_FILE, {"value": "many", "unit": 7})
    without = _problems(parts)
    assert without[2] and len(without[0]) == MAX_ISSUES
    _with_worker(monkeypatch)
    assert _problems(parts) == without


def test_a_worker_that_dies_leaves_its_files_to_this_process(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = _read(parts)
    here = _with_worker(monkeypatch)
    started = FileWorker.start

    def killed(root: Path, kind: str, paths: list[Path]) -> FileWorker | None:
        helper = started(root, kind, paths)
        assert helper is not None
        helper.worker.kill()  # as the kernel's out-of-memory killer would
        return helper

    monkeypatch.setattr(FileWorker, "start", staticmethod(killed))
    assert _read(parts) == without
    statistics = sorted((parts / "statistics").glob("*.jsonl"))
    assert [p for p in here if p.parent.name == "statistics"] == statistics


def test_seed_workers_off_starts_no_worker(parts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SEED_WORKERS=0: every file, text and row is handled by the one process, the same way."""
    from app.seed import bundle as bundle_module
    from app.seed import derived
    from app.seed.derived import Derived
    from app.seed.prescan import Prescan

    without = _read(parts)
    here = _with_worker(monkeypatch)
    monkeypatch.setattr(bundle_module, "PRESCAN_MIN_BYTES", 0)
    monkeypatch.setattr(derived, "DERIVED_MIN_STATISTICS", 0)
    monkeypatch.setenv("SEED_WORKERS", "0")
    assert FileWorker.start(parts, "statistics", []) is None
    assert Prescan.start([], {}, [], []) is None
    bundle = read_seed(parts)
    assert Derived.start(bundle) is None
    assert {kind: [m.model_dump() for m in bundle.models(kind)] for kind in KINDS} == without
    statistics = sorted((parts / "statistics").glob("*.jsonl"))
    assert [p for p in here if p.parent.name == "statistics"] == statistics

"""The series and search documents made by a worker process (app/seed/derived.py): they must be
the rows this process would make, a load must write the same database with them as without, and
a worker that fails must leave the rows to this process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app import schema
from app.db import make_engine
from app.seed import derived as derived_module
from app.seed.derived import MAKERS, Derived
from app.seed.loader import DeletionRefused, load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump

# what a load writes about itself: when, and with which code
_ABOUT_THE_LOAD = ("dataset", "dataset_load")


@pytest.fixture
def other_engine(backend: str, make_database: Callable[[str], str]) -> Iterator[Engine]:
    """A second fresh database on the same backend, at head."""
    url = make_database(backend)
    schema.upgrade(url)
    other = make_engine(url)
    yield other
    other.dispose()


def _with_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any seed is worth a worker (the KORUS seed has too few statistics to start one)."""
    monkeypatch.setattr(derived_module, "DERIVED_MIN_STATISTICS", 0)


def _data(engine: Engine) -> dict[str, Any]:
    return {name: rows for name, rows in dump(engine).items() if name not in _ABOUT_THE_LOAD}


def test_a_small_seed_starts_no_worker() -> None:
    assert Derived.start(read_seed(SEED_DIR)) is None


def test_the_workers_rows_are_this_processs_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_worker(monkeypatch)
    bundle = read_seed(SEED_DIR)
    derived = Derived.start(bundle)
    assert derived is not None
    try:
        for name, make in MAKERS.items():
            made = derived.rows(name)
            assert made is not None
            assert list(made) == list(make(bundle))
        assert derived.rows("no-such-rows") is None
    finally:
        derived.close()


def test_a_load_with_the_worker_writes_what_a_load_without_it_writes(
    engine: Engine, other_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_seed(other_engine, read_seed(SEED_DIR))
    _with_worker(monkeypatch)

    def refused(_bundle: Any) -> Any:
        raise AssertionError("made here, not by the worker")

    monkeypatch.setattr("app.seed.loader.MAKERS", dict.fromkeys(MAKERS, refused))
    load_seed(engine, read_seed(SEED_DIR))
    assert _data(engine) == _data(other_engine)


def test_a_worker_that_dies_leaves_the_rows_to_this_process(
    engine: Engine, other_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_seed(other_engine, read_seed(SEED_DIR))
    _with_worker(monkeypatch)
    started = Derived.start

    def killed(bundle: Any) -> Derived | None:
        derived = started(bundle)
        assert derived is not None
        derived.worker.kill()  # as the kernel's out-of-memory killer would
        return derived

    monkeypatch.setattr(Derived, "start", staticmethod(killed))
    load_seed(engine, read_seed(SEED_DIR))
    assert _data(engine) == _data(other_engine)


def test_a_load_refused_for_its_deletions_starts_no_worker(
    engine: Engine, seed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's rows are wanted only by a load that goes ahead: one that would delete a
    whole kind is refused before any worker is started (or the scratch store copied for it)."""
    load_seed(engine, read_seed(SEED_DIR))
    (seed_copy / "statements.yaml").write_text("statements: []\n", encoding="utf-8")
    _with_worker(monkeypatch)
    starts: list[Any] = []
    started = Derived.start

    def counted(bundle: Any) -> Derived | None:
        starts.append(bundle)
        return started(bundle)

    monkeypatch.setattr(Derived, "start", staticmethod(counted))
    with pytest.raises(DeletionRefused):
        load_seed(engine, read_seed(seed_copy))
    assert starts == []
    load_seed(engine, read_seed(seed_copy), allow_deletes=True)  # and one that goes ahead does
    assert len(starts) == 1


def test_closing_stops_the_worker_and_removes_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_worker(monkeypatch)
    derived = Derived.start(read_seed(SEED_DIR))
    assert derived is not None
    files = list(derived.worker.paths)
    assert len(files) == 3  # its answer, its job, the scratch store's copy
    derived.close()
    assert not any(os.path.exists(path) for path in files)


def test_a_finished_worker_leaves_no_file_with_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker removes each name once it has the file open, the copy of the scratch store's
    too: a killed loader leaves nothing behind."""
    _with_worker(monkeypatch)
    bundle = read_seed(SEED_DIR)
    derived = Derived.start(bundle)
    assert derived is not None
    try:
        made = derived.rows("series")
        assert made is not None and list(made) == list(MAKERS["series"](bundle))
        assert not any(os.path.exists(path) for path in derived.worker.paths)
    finally:
        derived.close()

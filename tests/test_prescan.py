"""The texts' scans made by a worker process (app/seed/prescan.py): they must be the scans this
process would make, the checks must answer the same with them as without, and a worker that
fails, or a text that changed, must leave the checks to scan as before."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.analysis import scanner
from app.analysis.scanner import scan
from app.seed import bundle as bundle_module
from app.seed import prescan as prescan_module
from app.seed.prescan import Prescan
from app.seed.reader import SeedError, read_seed
from tests.conftest import ROOT, SEED_DIR
from tests.helpers import edit


def _with_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any seed is worth a worker (the KORUS seed has too little text to start one)."""
    monkeypatch.setattr(bundle_module, "PRESCAN_MIN_BYTES", 0)


def _started(root: Path) -> tuple[Prescan, dict[str, str]]:
    """A worker on a seed's texts, and the texts, as the reader would start it."""
    bundle = read_seed(root)
    names, titles, countries = bundle.name_index_parts()
    texts = [(t.id, t.path, t.sha256) for t in bundle.texts.values()]
    prescan = Prescan.start(texts, names, titles, countries)
    assert prescan is not None
    return prescan, {t.id: t.text for t in bundle.texts.values()}


def test_the_workers_scans_are_this_processs_scans() -> None:
    prescan, texts = _started(SEED_DIR)
    index = read_seed(SEED_DIR).name_index()
    try:
        for source_id, text in texts.items():
            assert prescan.figures(source_id) == scan(text)
            assert prescan.names(source_id) == index.scan(text)
        assert prescan.figures("no-such-source") is None
    finally:
        prescan.close()


def test_the_checks_use_the_workers_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a worker, this process scans no text for figures, and the seed reads as without."""
    without = read_seed(SEED_DIR)
    _with_worker(monkeypatch)

    def refused(text: str) -> list[scanner.Mention]:
        raise AssertionError("scanned here, not by the worker")

    monkeypatch.setattr("app.analysis.coverage.scan", refused)
    with_worker = read_seed(SEED_DIR)
    assert with_worker.name_scans == without.name_scans
    assert with_worker.prescan is None  # let go once the checks that use it ran


def _cut(path: Path, start: str, end: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index(start)] + text[text.index(end) :], encoding="utf-8")


def _uncited_figure(seed: Path) -> None:
    _cut(
        seed / "statistics.yaml",
        "  - id: ictsd-us-fdi-in-korea-2015",
        "  - id: ictsd-samsung-appliance-plant-pledge",
    )
    edit(seed / "statements.yaml", ", ictsd-us-fdi-in-korea-2015]", "]")


def _unknown_name(seed: Path) -> None:
    _cut(
        seed / "people.yaml",
        "      - name: Lightizer",
        "      - name: Robert Lighthizer\n        source: ustr-statement",
    )


def _stale_exclusion(seed: Path) -> None:
    edit(seed / "exclusions.yaml", "mention: five", "mention: six")


@pytest.mark.parametrize("fault", [_uncited_figure, _unknown_name, _stale_exclusion])
def test_a_faulty_seed_reports_the_same_problems_with_a_worker(
    seed_copy: Path, monkeypatch: pytest.MonkeyPatch, fault: Any
) -> None:
    """The checks that read the worker's scans, each failed: the same messages, in order."""
    fault(seed_copy)

    def problems() -> list[str]:
        with pytest.raises(SeedError) as raised:
            read_seed(seed_copy)
        return [str(issue) for issue in raised.value.issues]

    without = problems()
    assert without
    _with_worker(monkeypatch)
    assert problems() == without


def test_a_text_changed_since_it_was_checked_is_scanned_here(seed_copy: Path) -> None:
    """The worker checks each text against its digest and leaves out one that changed: the
    checks then read it themselves (and refuse it, app/seed/bundle.py TextCache)."""
    bundle = read_seed(seed_copy)
    changed = next(iter(bundle.texts.values()))
    changed.path.write_text(changed.path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    names, titles, countries = bundle.name_index_parts()
    texts = [(t.id, t.path, t.sha256) for t in bundle.texts.values()]
    prescan = Prescan.start(texts, names, titles, countries)
    assert prescan is not None
    try:
        assert prescan.figures(changed.id) is None
        others = [t for t in bundle.texts.values() if t.id != changed.id]
        assert all(prescan.figures(t.id) is not None for t in others)
    finally:
        prescan.close()


def test_a_text_that_fails_to_scan_is_left_to_this_process(tmp_path: Path) -> None:
    """Here a text that is not UTF-8 (which the reader would have refused): the worker goes on
    without it, and the checks read it themselves (and say what is wrong with it)."""
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_bytes(b"\xff\xfe not text")
    good.write_text("Exports reached $12.5 billion in 2017.", encoding="utf-8")
    texts = [(p.stem, p, hashlib.sha256(p.read_bytes()).hexdigest()) for p in (bad, good)]
    prescan = Prescan.start(texts, {}, [], [])
    assert prescan is not None
    try:
        assert prescan.figures("bad") is None
        assert prescan.names("bad") is None
        assert prescan.figures("good") == scan(good.read_text(encoding="utf-8"))
    finally:
        prescan.close()


def test_a_worker_started_before_the_texts_are_read_scans_only_inside_the_seed(
    tmp_path: Path,
) -> None:
    """Started before the reader has read and checked the texts, the worker scans a text only
    if its path leads inside the seed directory: one that leads outside is left to the reader
    (which refuses it)."""
    seed, elsewhere = tmp_path / "seed", tmp_path / "elsewhere"
    seed.mkdir()
    elsewhere.mkdir()
    text = "Exports reached $12.5 billion in 2017."
    (elsewhere / "out.txt").write_text(text, encoding="utf-8")
    (seed / "in.txt").write_text(text, encoding="utf-8")
    (seed / "link.txt").symlink_to(elsewhere / "out.txt")
    digest = hashlib.sha256(text.encode()).hexdigest()
    texts = [(name, seed / f"{name}.txt", digest) for name in ("in", "link")]
    prescan = Prescan.start(texts, {}, [], [], root=seed)
    assert prescan is not None
    try:
        assert prescan.figures("in") == scan(text)
        assert prescan.figures("link") is None
        assert prescan.names("link") is None
    finally:
        prescan.close()


def test_a_worker_that_dies_leaves_every_scan_to_this_process(tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    text.write_text("Exports reached $12.5 billion in 2017.", encoding="utf-8")
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    prescan = Prescan.start([("text", text, digest)], {}, [], [])
    assert prescan is not None
    prescan.worker.kill()  # as the kernel's out-of-memory killer would
    assert prescan.worker._process is not None
    prescan.worker._process.wait()  # dead before the checks ask (else they share its work)
    try:
        assert prescan.figures("text") is None
        assert prescan.names("text") is None
    finally:
        prescan.close()


def _copies(tmp_path: Path, count: int) -> tuple[list[tuple[str, Path, str]], list[str]]:
    """`count` texts, each its own file, all different; and each one's text."""
    texts, written = [], []
    for n in range(count):
        path = tmp_path / f"text-{n}.txt"
        text = f"In {2000 + n % 20}, exports reached ${n}.5 billion, said Ms Okafor.\n" * 30
        path.write_text(text, encoding="utf-8")
        texts.append((f"t{n}", path, hashlib.sha256(path.read_bytes()).hexdigest()))
        written.append(text)
    return texts, written


@contextmanager
def _held(texts: list[tuple[str, Path, str]], seconds: float) -> Iterator[Prescan]:
    """A worker started on `texts` and held stopped for `seconds` (SIGSTOP, then SIGCONT), so
    that this process is asked while the worker has not begun."""
    prescan = Prescan.start(texts, {}, [], [])
    assert prescan is not None and prescan.worker._process is not None
    pid = prescan.worker._process.pid
    os.kill(pid, signal.SIGSTOP)
    resume = threading.Timer(seconds, os.kill, (pid, signal.SIGCONT))
    resume.start()
    try:
        yield prescan
    finally:
        resume.cancel()
        prescan.close()  # a worker still held is killed


def test_while_the_worker_is_at_work_this_process_scans_from_the_last_text_back(
    tmp_path: Path,
) -> None:
    """The checks ask while the worker has not begun (stopped here until this process has
    claimed every text): this process scans them all, last first, the worker stops at the first
    text claimed without scanning it, and every scan is the one the checks would make."""
    texts, written = _copies(tmp_path, 60)
    with _held(texts, seconds=1.0) as prescan:
        for (source_id, _path, _sha), text in zip(texts, written, strict=True):
            assert prescan.figures(source_id) == scan(text)
        assert prescan.worker.finished()
        assert set(prescan._own) == {source_id for source_id, _p, _s in texts}
        assert prescan._where == {}  # the worker scanned none: each was claimed first


def test_scans_this_process_cannot_keep_are_left_to_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No room for this process's scans: it stops sharing at the first it cannot keep, the
    text it claimed is left to the checks (None), and the worker scans the rest."""
    texts, written = _copies(tmp_path, 20)

    def no_room(out: Any, scans: Any) -> tuple[int, int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prescan_module, "_record", no_room)
    with _held(texts, seconds=0.5) as prescan:
        last = texts[-1][0]
        assert prescan.figures(last) is None  # claimed here, not kept: the checks scan it
        for (source_id, _path, _sha), text in zip(texts[:-1], written[:-1], strict=True):
            assert prescan.figures(source_id) == scan(text)


def test_the_worker_and_this_process_share_the_texts_and_agree(tmp_path: Path) -> None:
    """Asked at once, while the worker is at work: each text is scanned by one or both, and
    each scan is the one the checks would make."""
    texts, written = _copies(tmp_path, 400)
    prescan = Prescan.start(texts, {}, [], [])
    assert prescan is not None
    try:
        for (source_id, _path, _sha), text in zip(texts, written, strict=True):
            assert prescan.figures(source_id) == scan(text)
        where = prescan._where
        assert where is not None
        assert set(where) | set(prescan._own) == {source_id for source_id, _p, _s in texts}
    finally:
        prescan.close()


def test_closing_stops_the_worker_and_removes_its_file() -> None:
    prescan, _texts = _started(SEED_DIR)
    files = list(prescan.worker.paths)
    process = prescan.worker._process
    prescan.close()
    assert process is not None and process.poll() is not None
    assert not any(os.path.exists(path) for path in files)


def test_a_finished_worker_leaves_no_file_with_a_name() -> None:
    """The worker removes each file's name once it has it open: the answer is read through the
    handle opened before it started, and a killed loader leaves nothing behind."""
    prescan, texts = _started(SEED_DIR)
    try:
        source_id = next(iter(texts))
        assert prescan.figures(source_id) == scan(texts[source_id])
        assert not any(os.path.exists(path) for path in prescan.worker.paths)
    finally:
        prescan.close()


def test_a_worker_whose_starter_is_killed_stops_and_leaves_nothing(tmp_path: Path) -> None:
    """A loader killed while its worker scans: the worker notices, stops, and no file of either
    is left with a name."""
    text = tmp_path / "text.txt"
    text.write_text("Exports reached $12.5 billion in 2017, said Ms Okafor.\n" * 20)
    starter = tmp_path / "starter.py"
    starter.write_text(
        "import hashlib, sys, time\n"
        "from pathlib import Path\n"
        "from app.seed.prescan import Prescan\n"
        f"path = Path({str(text)!r})\n"
        "digest = hashlib.sha256(path.read_bytes()).hexdigest()\n"
        "prescan = Prescan.start([(str(n), path, digest) for n in range(100_000)], {}, [], [])\n"
        "print(prescan.worker._process.pid, *prescan.worker.paths, flush=True)\n"
        "time.sleep(600)\n"
    )
    process = subprocess.Popen(
        [sys.executable, str(starter)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None
    pid, *paths = process.stdout.readline().split()
    process.stdout.close()
    process.kill()  # as `kill -9` would: no finalizer runs
    process.wait()
    gone = False
    for _ in range(600):  # the worker looks once a text (here well under a millisecond each)
        if not Path(f"/proc/{pid}").exists() or "Z" in _state(pid):
            gone = True
            break
        time.sleep(0.1)
    assert gone
    assert not any(os.path.exists(path) for path in paths)


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return "Z"

"""The texts' figure and name scans, made by a second process while this one checks the seed.

Scanning a text for figures (app/analysis/scanner.py) and for names (app/analysis/mentions.py)
needs the text alone. At 10^6 statistics the two scans take a minute of the read, on one core of
two (docs/PERFORMANCE.md, "A second process for the scans"). So when a seed has much text, a
worker process reads every text (checked against its digest), scans it both ways and writes the
scans to a scratch file, while the reader goes through the checks that come first (references,
quotes, figures, curation rules). The coverage and name checks then read each text's scans from
that file instead of scanning. Where there is little text, where the worker cannot start or
fails, or where a text changed since it was checked, the checks scan in this process as before:
the answers are the same either way (tests/test_prescan.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.analysis.mentions import NameIndex, NameScan
from app.analysis.scanner import Mention, scan
from app.seed.files import MAX_TEXT_BYTES, read_regular

# Below this many characters of text in all, scanning here is quicker than starting a worker
# (a second or so to start and import): the KORUS seed has about 150,000.
PRESCAN_MIN_CHARS = 4 * 1024 * 1024

_TRAILER = struct.Struct("<Q")  # where the index of the records begins, at the end of the file


@dataclass(frozen=True)
class Job:
    """What the worker needs: each text (source id, resolved path, sha256), in the order the
    checks read them, and what the name index is built from (see SeedBundle.name_index)."""

    texts: list[tuple[str, str, str]]
    names: dict[str, str]
    titles: list[str]
    countries: list[str]
    out: str


def work(job_path: str) -> None:
    """The worker: both scans of every text, each pickled, then the index of the records (source
    id -> where its figure scan and its name scan begin), then the index's place. A text that
    changed since it was checked, or that fails to scan, is left out: the checks then read and
    scan it themselves, and say what is wrong with it. A worker that fails ends with status 1,
    quietly: the checks then scan every text."""
    try:
        with open(job_path, "rb") as handle:
            job: Job = pickle.load(handle)
        _scan_all(job)
    except Exception:
        sys.exit(1)


def _scan_all(job: Job) -> None:
    index = NameIndex(job.names, job.titles, job.countries)
    where: dict[str, tuple[int, int]] = {}
    with open(job.out, "wb") as out:
        for source_id, path, sha256 in job.texts:
            try:
                data = read_regular(Path(path), MAX_TEXT_BYTES)
                if hashlib.sha256(data).hexdigest() != sha256:
                    continue
                text = data.decode("utf-8")
                figures, names = scan(text), index.scan(text)
            except Exception:  # the checks read it again, and say what is wrong
                continue
            figures_at = out.tell()
            pickle.dump(figures, out, protocol=pickle.HIGHEST_PROTOCOL)
            names_at = out.tell()
            pickle.dump(names, out, protocol=pickle.HIGHEST_PROTOCOL)
            where[source_id] = (figures_at, names_at)
        start = out.tell()
        pickle.dump(where, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_TRAILER.pack(start))


class Prescan:
    """The scans a worker is making, or has made, of the seed's texts."""

    def __init__(self, process: subprocess.Popen[bytes], paths: list[str]) -> None:
        self._process: subprocess.Popen[bytes] | None = process
        self._paths = paths  # the scans, then the job
        self._path = paths[0]
        self._file: IO[bytes] | None = None
        self._where: dict[str, tuple[int, int]] = {}
        self._handles: list[IO[bytes]] = []
        self._finalizer = weakref.finalize(self, _discard, process, paths, self._handles)

    @staticmethod
    def start(
        texts: Iterable[tuple[str, Path, str]],
        names: dict[str, str],
        titles: Iterable[str],
        countries: Iterable[str],
    ) -> Prescan | None:
        """A worker started on these texts (None if it could not be)."""
        folder = os.environ.get("SQLITE_TMPDIR") or None  # beside the seed's scratch store
        paths = []
        try:
            for suffix in (".scans", ".job"):
                handle, path = tempfile.mkstemp(prefix="korus-prescan-", suffix=suffix, dir=folder)
                os.close(handle)
                paths.append(path)
            job = Job(
                [(source_id, str(p), sha) for source_id, p, sha in texts],
                dict(names),
                list(titles),
                sorted(countries),
                paths[0],
            )
            with open(paths[1], "wb") as out:
                pickle.dump(job, out, protocol=pickle.HIGHEST_PROTOCOL)
            # a process of its own (`python -m`), not multiprocessing's: that would run the
            # caller's main module again in the worker, and fork would copy this process's
            # database connections and threads
            process = subprocess.Popen(
                [sys.executable, "-m", __name__, paths[1]],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": _import_path()},
            )
        except OSError:
            _discard(None, paths, [])
            return None
        return Prescan(process, paths)

    def _ready(self) -> bool:
        """Waits for the worker the first time it is asked; whether its scans can be read."""
        if self._process is not None:
            done = self._process.wait() == 0
            self._process = None
            if done:
                self._file = self._open()
        return self._file is not None

    def _open(self) -> IO[bytes] | None:
        try:
            handle = open(self._path, "rb")  # noqa: SIM115 (kept open until close)
        except OSError:
            return None
        self._handles.append(handle)
        try:
            handle.seek(-_TRAILER.size, os.SEEK_END)
            (start,) = _TRAILER.unpack(handle.read(_TRAILER.size))
            handle.seek(start)
            self._where = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, struct.error, ValueError):
            return None
        return handle

    def _read(self, source_id: str, which: int) -> Any:
        if not self._ready() or source_id not in self._where:
            return None
        assert self._file is not None
        self._file.seek(self._where[source_id][which])
        return pickle.load(self._file)

    def figures(self, source_id: str) -> list[Mention] | None:
        """The figure scan of a text (`scan`), or None: scan it here."""
        found: list[Mention] | None = self._read(source_id, 0)
        return found

    def names(self, source_id: str) -> NameScan | None:
        """The name scan of a text (`NameIndex.scan`), or None: scan it here."""
        found: NameScan | None = self._read(source_id, 1)
        return found

    def close(self) -> None:
        """Stop the worker if it is still at work, and remove its file."""
        self._finalizer()


def _import_path() -> str:
    """PYTHONPATH for the worker: where this `app` package is, then what was there."""
    here = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)


def _discard(
    process: subprocess.Popen[bytes] | None, paths: list[str], handles: list[IO[bytes]]
) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    for handle in handles:
        handle.close()
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


if __name__ == "__main__":
    work(sys.argv[1])

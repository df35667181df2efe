"""A second process for work on a seed that needs only files: validating some of its files
(app/seed/file_worker.py), scanning its texts (app/seed/prescan.py) and making the rows it
derives (app/seed/derived.py), on the machine's other core while this process checks and writes.

A worker is started as `python -m MODULE JOB`, not by multiprocessing (which would run the
caller's main module again in it, and whose fork would copy this process's database connections
and threads). It is given its job in a scratch file (its files are created private to the
user, in the scratch store's folder), writes its answer to another or through a pipe, says
nothing else, and ends with status 0 only when the answer is whole. It is stopped, and its files
removed, when it is no longer wanted, or when this process lets go of it. Whoever starts one
falls back to doing the work itself whenever a worker cannot start or does not finish.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from app.config import Settings

# Where an answer's index begins, in its last 8 bytes: see `end_answer`.
_TRAILER = struct.Struct("<Q")


def end_answer(out: IO[bytes], index: dict[str, Any]) -> None:
    """End an answer file with its index (what it holds -> where it begins, as `out.tell()` said)
    and the index's place: only a whole answer has one (`answer_index`)."""
    start = out.tell()
    pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_TRAILER.pack(start))


def answer_index(handle: IO[bytes]) -> dict[str, Any] | None:
    """The index `end_answer` wrote, or None: the answer is not whole."""
    try:
        handle.seek(-_TRAILER.size, os.SEEK_END)
        (start,) = _TRAILER.unpack(handle.read(_TRAILER.size))
        handle.seek(start)
        found = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, struct.error, ValueError):
        return None
    return found if isinstance(found, dict) else None


class Worker:
    """One worker process and its two scratch files (its answer, its job)."""

    def __init__(
        self, process: subprocess.Popen[bytes], paths: list[str], answer: IO[bytes]
    ) -> None:
        self._process: subprocess.Popen[bytes] | None = process
        self.paths = paths
        self.answer = answer
        self._done: bool | None = None
        self._finalizer = weakref.finalize(self, _discard, process, paths, answer)

    @staticmethod
    def start(
        module: str,
        job: Callable[[list[str]], Any],
        extra: tuple[str, ...] = (),
        *,
        answer_through_pipe: bool = False,
    ) -> Worker | None:
        """Run `module` (its main calls `serve`) on `job(paths)`: the paths of its answer, its
        job and a scratch file for each suffix in `extra`. The worker removes each name once it
        has the file open (`forget`), and the files go with the last process that holds them:
        a killed loader leaves none behind. This process reads the answer through `answer`,
        opened before the worker starts. With `answer_through_pipe`, the worker answers on its
        standard output instead (`pipe`). None if it cannot start (`job` raises OSError when it
        cannot make the job)."""
        if not Settings.from_env().seed_workers:
            return None  # SEED_WORKERS=0: one process does all the work
        folder = os.environ.get("SQLITE_TMPDIR") or None  # beside the seed's scratch store
        paths: list[str] = []
        answer: IO[bytes] | None = None
        try:
            for suffix in (".answer", ".job", *extra):
                handle, path = tempfile.mkstemp(prefix="korus-worker-", suffix=suffix, dir=folder)
                os.close(handle)
                paths.append(path)
            answer = open(paths[0], "rb")  # noqa: SIM115 (kept open until the worker is closed)
            with open(paths[1], "wb") as out:
                pickle.dump(job(paths), out, protocol=pickle.HIGHEST_PROTOCOL)
            process = subprocess.Popen(
                [sys.executable, "-m", module, paths[1], str(os.getpid()), *paths],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if answer_through_pipe else subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": _import_path()},
            )
        except (OSError, pickle.PicklingError):
            _discard(None, paths, answer)
            return None
        return Worker(process, paths, answer)

    @property
    def pipe(self) -> IO[bytes]:
        """The worker's standard output (started with `answer_through_pipe`)."""
        assert self._process is not None and self._process.stdout is not None
        return self._process.stdout

    def running(self) -> bool:
        """Whether the worker is still at work (does not wait)."""
        return self._done is None and self._process is not None and self._process.poll() is None

    def finished(self) -> bool:
        """Whether the worker finished its work (waits for it, the first time)."""
        if self._done is None:
            assert self._process is not None
            self._done = self._process.wait() == 0
        return self._done

    def kill(self) -> None:
        """End the worker now, as a failure would (for tests)."""
        if self._process is not None:
            self._process.kill()

    def close(self) -> None:
        """Stop the worker if it is still at work, and remove its files."""
        self._finalizer()


_starter: int | None = None  # in a worker: the process that started it


def serve(work: Callable[[Any], None]) -> None:
    """A worker's main: its job read from the file named on the command line, then `work(job)`.
    Any failure ends it with status 1, quietly: the work is then done by whoever started it.
    The command line also names the starting process (which may be gone before this runs) and
    every scratch file of the worker's: their names are removed as it ends, however it ends."""
    global _starter
    try:
        _starter, scratch = int(sys.argv[2]), sys.argv[3:]
        try:
            stop_if_orphaned()
            with open(sys.argv[1], "rb") as handle:
                forget(sys.argv[1])
                job = pickle.load(handle)
            work(job)
        finally:
            for path in scratch:
                forget(path)
    except Exception:
        sys.exit(1)


def forget(path: str) -> None:
    """In a worker, once it has a scratch file open: remove its name. The file stays while a
    process holds it open, and goes with the last: nothing is left behind by a killed one."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def orphaned() -> bool:
    """In a worker: whether the process that started it has ended (killed, say). Its answer
    would never be read."""
    return _starter is not None and os.getppid() != _starter


def stop_if_orphaned() -> None:
    """In a worker's loop: stop if orphaned (`serve` then removes its files' names)."""
    if orphaned():
        sys.exit(1)


def _import_path() -> str:
    """PYTHONPATH for a worker: where this `app` package is, then what was there."""
    here = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)


def _discard(
    process: subprocess.Popen[bytes] | None, paths: list[str], answer: IO[bytes] | None
) -> None:
    if answer is not None:
        answer.close()
    if process is not None:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)

"""A kind's seed files validated by a worker process, every other one, while this process
validates the rest.

Parsing and validating the entries of a large kind is most of reading it (at 10^6 statistics,
50 JSON Lines files: 46 s of 57; docs/PERFORMANCE.md, "Two cores for the loader"). Each file is
validated on its own, so a worker (app/seed/worker.py) takes every second file of a kind that has
at least FILE_WORKER_MIN_BYTES in files, and answers each, in order, through a pipe: the valid
entries as the scratch store keeps them, and every problem it met, in the order met. This
process validates the other files meanwhile, then writes the worker's answer for the next file
as if it had validated it: its entries to the store, its problems appended one by one (so that
the caps of app/seed/bundle.py `Issues` stop at the same problem). The pipe holds one answer at
a time, so the worker is never more than a file ahead, and memory holds a file's entries. Where
the worker cannot start or fails, this process validates the file itself: the same answer.
"""

from __future__ import annotations

import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.seed.bundle import KINDS, Issues, SeedIssue, relative
from app.seed.entries import Row, read_file
from app.seed.worker import Worker, serve, stop_if_orphaned

# A kind with less than this in files is validated here: a worker takes a second to start.
FILE_WORKER_MIN_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    root: str
    kind: str
    paths: list[str]


class Recorded(Issues):
    """Issues that also keep every problem appended, the ones past the caps too, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.met: list[SeedIssue] = []

    def append(self, issue: SeedIssue) -> None:
        self.met.append(issue)
        super().append(issue)


def work(job: Job) -> None:
    """The worker: for each file, in order, (its valid entries, every problem met) to stdout."""
    root, out = Path(job.root), sys.stdout.buffer
    for raw in job.paths:
        stop_if_orphaned()
        path = Path(raw)
        issues = Recorded()
        rows = list(read_file(root, path, relative(path, root), job.kind, KINDS[job.kind], issues))
        pickle.dump((rows, issues.met), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def worth_a_worker(paths: list[Path]) -> bool:
    """Whether a kind's files are many and large enough to share with a worker."""
    if len(paths) < 2:
        return False
    try:
        return sum(path.stat().st_size for path in paths) >= FILE_WORKER_MIN_BYTES
    except OSError:
        return False  # the reader says what is wrong with the file


class FileWorker:
    """The answers of a worker validating some of one kind's files, in the order given."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._failed = False

    @staticmethod
    def start(root: Path, kind: str, paths: list[Path]) -> FileWorker | None:
        def job(_paths: list[str]) -> Job:
            return Job(str(root), kind, [str(path) for path in paths])

        worker = Worker.start(__name__, job, answer_through_pipe=True)
        return FileWorker(worker) if worker is not None else None

    def next(self) -> tuple[list[Row], list[SeedIssue]] | None:
        """The answer for the next file (waits for it); None once the worker has failed: the
        file is then validated here."""
        if self._failed:
            return None
        try:
            found: Any = pickle.load(self.worker.pipe)
        except Exception:  # the worker died, or wrote something else: validated here
            self._failed = True
            self.worker.close()
            return None
        rows, met = found
        return rows, met

    def close(self) -> None:
        self.worker.close()


if __name__ == "__main__":
    serve(work)

"""The rows the loader derives from the seed alone, made by a worker process while this one
writes the facts.

The series (app/seed/series.py) and the search documents (app/seed/corpus.py) are built from the
seed's entries and texts, and from nothing the database holds: at 10^6 statistics a minute and
a half of Python (docs/PERFORMANCE.md, "Two cores for the loader").
The loader writes the facts, their citations and their documents first, for several minutes. So
when a seed is large, the scratch store is copied to a file of its own (app/seed/spill.py
`copy_to`) and a worker (app/seed/worker.py) rebuilds the seed from it, makes both kinds of row
in the order the loader would, and writes them to its answer a batch at a time; the loader then
writes those rows as it would have written its own. Where the worker cannot start or fails, the
loader makes the rows itself: the same rows either way (tests/test_derived.py).
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.seed.bundle import KINDS, SeedBundle, SourceText, StoredEntries, TextCache
from app.seed.corpus import search_documents
from app.seed.series import series_rows
from app.seed.spill import Spill
from app.seed.worker import Worker, answer_index, end_answer, forget, serve, stop_if_orphaned

# Below this many statistics, making the rows here is quicker than copying the scratch store and
# starting a worker (the KORUS seed has 43).
DERIVED_MIN_STATISTICS = 20_000
# Rows pickled together in the answer.
_BATCH = 1000

# What the worker makes, in the order the loader writes it: each kind of row by its maker.
MAKERS = {"series": series_rows, "search_document": search_documents}

TextRow = tuple[str, str, str, str, int, date | None]  # SourceText without its cache


@dataclass(frozen=True)
class Job:
    root: str
    spill: str  # the scratch store's copy
    counts: dict[str, int]
    texts: list[TextRow]
    out: str


def work(job: Job) -> None:
    """The worker: the seed rebuilt from the copy, then each kind of row in MAKERS' order,
    pickled a batch at a time and ended by None, then the index of where each kind begins."""
    spill = Spill(job.spill, job.counts)
    forget(job.spill)
    cache = TextCache(budget=0)  # each text is read once here: the sources' search documents
    texts = {row[0]: SourceText(row[0], Path(row[1]), *row[2:], cache) for row in job.texts}
    entries = {kind: StoredEntries(spill, kind, {}) for kind in KINDS}
    bundle = SeedBundle(Path(job.root), spill, entries, texts)
    where: dict[str, int] = {}
    with open(job.out, "wb") as out:
        forget(job.out)
        for name, make in MAKERS.items():
            where[name] = out.tell()
            batch: list[dict[str, Any]] = []
            for row in make(bundle):
                batch.append(row)
                if len(batch) >= _BATCH:
                    stop_if_orphaned()
                    pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, out)
        end_answer(out, where)
    spill.close()


class Derived:
    """The rows a worker is making, or has made, for one load."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._where: dict[str, int] | None = None

    @staticmethod
    def start(bundle: SeedBundle) -> Derived | None:
        """A worker started on the bundle's rows, if the seed is large enough to be worth one
        and was read from files (None: make the rows here)."""
        entries = bundle.entries.values()
        if not all(isinstance(e, StoredEntries) and e.spill is bundle.spill for e in entries):
            return None
        if bundle.spill.count("statistics") < DERIVED_MIN_STATISTICS:
            return None
        texts = [
            (t.id, str(t.path), t.file, t.sha256, t.length, t.published)
            for t in bundle.texts.values()
        ]

        def job(paths: list[str]) -> Job:
            answer, _job, copy = paths
            try:
                bundle.spill.copy_to(copy)
            except sqlite3.Error as exc:  # no room for the copy, say: the rows are made here
                raise OSError(str(exc)) from None
            return Job(str(bundle.root), copy, bundle.spill.counts, texts, answer)

        worker = Worker.start(__name__, job, extra=(".spill",))
        return Derived(worker) if worker is not None else None

    def rows(self, name: str) -> Iterator[dict[str, Any]] | None:
        """The rows of `name` the worker made, in the order it made them (None: make them here).
        Waits for the worker the first time it is asked."""
        if self._where is None:
            self._where = self._index() if self.worker.finished() else {}
        if name not in self._where:
            return None
        return self._read(self._where[name])

    def _index(self) -> dict[str, int]:
        return answer_index(self.worker.answer) or {}

    def _read(self, at: int) -> Iterator[dict[str, Any]]:
        # one kind of row read at a time: the loader writes each whole before the next
        handle = self.worker.answer
        handle.seek(at)
        while (batch := pickle.load(handle)) is not None:
            yield from batch

    def close(self) -> None:
        """Stop the worker if it is still at work, and remove its files."""
        self.worker.close()


if __name__ == "__main__":
    serve(work)

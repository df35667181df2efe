"""The texts' figure and name scans, made by a second process while this one checks the seed.

Scanning a text for figures (app/analysis/scanner.py) and for names (app/analysis/mentions.py)
needs the text alone. At 10^6 statistics the two scans take a minute of the read, on one core of
two (docs/PERFORMANCE.md, "Two cores for the loader"). So when a seed has much text, a
worker process reads every text (checked against its digest), scans it both ways and writes the
scans to a scratch file, while the reader goes through the checks that come first (references,
quotes, figures, curation rules). The coverage and name checks then read each text's scans from
that file instead of scanning. Where there is little text, where the worker cannot start or
fails, or where a text changed since it was checked, the checks scan in this process as before:
the answers are the same either way (tests/test_prescan.py).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.analysis.mentions import NameIndex, NameScan
from app.analysis.scanner import Mention, scan
from app.seed.files import read_as_checked
from app.seed.worker import Worker, answer_index, end_answer, forget, serve, stop_if_orphaned

# Below this many characters of text in all, scanning here is quicker than starting a worker
# (a second or so to start and import): the KORUS seed has about 150,000.
PRESCAN_MIN_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """What the worker needs: each text (source id, resolved path, sha256), in the order the
    checks read them, and what the name index is built from (see SeedBundle.name_index)."""

    texts: list[tuple[str, str, str]]
    names: dict[str, str]
    titles: list[str]
    countries: list[str]
    out: str


def work(job: Job) -> None:
    """The worker: both scans of every text, each pickled, then the index of the records (source
    id -> where its figure scan and its name scan begin), then the index's place. A text that
    changed since it was checked, or that fails to scan, is left out: the checks then read and
    scan it themselves, and say what is wrong with it."""
    index = NameIndex(job.names, job.titles, job.countries)
    where: dict[str, tuple[int, int]] = {}
    with open(job.out, "wb") as out:
        forget(job.out)
        for source_id, path, sha256 in job.texts:
            stop_if_orphaned()
            try:
                text = read_as_checked(Path(path), sha256)
                if text is None:  # changed since it was checked
                    continue
                figures, names = scan(text), index.scan(text)
            except Exception:  # the checks read it again, and say what is wrong
                continue
            figures_at = out.tell()
            pickle.dump(figures, out, protocol=pickle.HIGHEST_PROTOCOL)
            names_at = out.tell()
            pickle.dump(names, out, protocol=pickle.HIGHEST_PROTOCOL)
            where[source_id] = (figures_at, names_at)
        end_answer(out, where)


class Prescan:
    """The scans a worker is making, or has made, of the seed's texts."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self._where: dict[str, tuple[int, int]] | None = None  # None: the worker not yet asked

    @staticmethod
    def start(
        texts: Iterable[tuple[str, Path, str]],
        names: dict[str, str],
        titles: Iterable[str],
        countries: Iterable[str],
    ) -> Prescan | None:
        """A worker started on these texts (None if it could not be)."""
        listed = [(source_id, str(path), sha) for source_id, path, sha in texts]

        def job(paths: list[str]) -> Job:
            return Job(listed, dict(names), list(titles), sorted(countries), paths[0])

        worker = Worker.start(__name__, job)
        return Prescan(worker) if worker is not None else None

    def _read(self, source_id: str, which: int) -> Any:
        if self._where is None:  # the first question waits for the worker
            found = answer_index(self.worker.answer) if self.worker.finished() else None
            self._where = found or {}
        if source_id not in self._where:
            return None
        self.worker.answer.seek(self._where[source_id][which])
        return pickle.load(self.worker.answer)

    def figures(self, source_id: str) -> list[Mention] | None:
        """The figure scan of a text (`scan`), or None: scan it here."""
        found: list[Mention] | None = self._read(source_id, 0)
        return found

    def names(self, source_id: str) -> NameScan | None:
        """The name scan of a text (`NameIndex.scan`), or None: scan it here."""
        found: NameScan | None = self._read(source_id, 1)
        return found

    def close(self) -> None:
        """Stop the worker if it is still at work, and let go of its files."""
        self.worker.close()


if __name__ == "__main__":
    serve(work)

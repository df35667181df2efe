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

When the checks first ask for a scan and the worker is still at work, this process does not
wait idle: it scans texts from the last one back, each claimed first (the worker stops at the
first text claimed), into a scratch file of its own, until the worker is done. The two meet in
the middle, and the checks read each text's scans from whichever made them.
"""

from __future__ import annotations

import os
import pickle
import struct
import tempfile
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.analysis.mentions import NameIndex, NameScan
from app.analysis.scanner import Mention, scan
from app.seed.files import leads_into, read_as_checked
from app.seed.worker import Worker, answer_index, end_answer, forget, serve, stop_if_orphaned

# Below this many bytes of text in all, scanning here is quicker than starting a worker (a second
# or so to start and import): the KORUS seed has about 150,000.
PRESCAN_MIN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """What the worker needs: each text (source id, path, sha256), in the order the checks read
    them, and the folder each must lead into, resolved (if the paths are not); what the name
    index is built from (see SeedBundle.name_index); where to write the scans, and the file
    that says where to stop (`_CLAIM`)."""

    texts: list[tuple[str, str, str]]
    root: str | None
    names: dict[str, str]
    titles: list[str]
    countries: list[str]
    out: str
    until: str


# The claim file holds the place of the first text this process has claimed (all of them are
# the worker's until it says otherwise): the worker scans no text from there on.
_CLAIM = struct.Struct("<Q")

Scans = tuple[list[Mention], NameScan]


def _scanned(path: str, sha256: str, index: NameIndex, root: str | None) -> Scans | None:
    """Both scans of a text, or None if it does not lead inside `root` (if given), does not
    have its digest or fails to scan (the checks then read it again, and say what is wrong)."""
    try:
        found = leads_into(Path(root), Path(path)) if root is not None else Path(path)
        text = read_as_checked(found, sha256)
        if text is None:  # changed since it was checked
            return None
        return scan(text), index.scan(text)
    except Exception:
        return None


def _record(out: IO[bytes], scans: Scans) -> tuple[int, int]:
    """Both scans pickled to `out`; where each begins."""
    figures, names = scans
    figures_at = out.tell()
    pickle.dump(figures, out, protocol=pickle.HIGHEST_PROTOCOL)
    names_at = out.tell()
    pickle.dump(names, out, protocol=pickle.HIGHEST_PROTOCOL)
    return figures_at, names_at


def _claimed(claim: IO[bytes], texts: int) -> int:
    found = os.pread(claim.fileno(), _CLAIM.size, 0)
    return _CLAIM.unpack(found)[0] if len(found) == _CLAIM.size else texts


def work(job: Job) -> None:
    """The worker: both scans of every text up to the first one claimed (`_CLAIM`), each
    pickled, then the index of the records (source id -> where its figure scan and its name
    scan begin), then the index's place. A text that changed since it was checked, or that
    fails to scan, is left out: the checks then read and scan it themselves."""
    index = NameIndex(job.names, job.titles, job.countries)
    where: dict[str, tuple[int, int]] = {}
    with open(job.out, "wb") as out, open(job.until, "rb") as until:
        forget(job.out)
        forget(job.until)
        for n, (source_id, path, sha256) in enumerate(job.texts):
            stop_if_orphaned()
            if n >= _claimed(until, len(job.texts)):
                break  # the rest are the starting process's
            scans = _scanned(path, sha256, index, job.root)
            if scans is not None:
                where[source_id] = _record(out, scans)
        end_answer(out, where)


class Prescan:
    """The scans a worker is making, or has made, of the seed's texts (and those this process
    made meanwhile)."""

    def __init__(self, worker: Worker, job: Job, claim: IO[bytes]) -> None:
        self.worker = worker
        self._job = job
        self._claim = claim
        self._where: dict[str, tuple[int, int]] | None = None  # None: the worker not yet asked
        self._own: dict[str, tuple[int, int]] = {}  # the texts scanned here (`_share`)
        self._own_answer: IO[bytes] | None = None
        self._files = [claim]  # closed with the scans, or when this object goes
        self._finalizer = weakref.finalize(self, _close_all, self._files)

    @staticmethod
    def start(
        texts: Iterable[tuple[str, Path, str]],
        names: dict[str, str],
        titles: Iterable[str],
        countries: Iterable[str],
        root: Path | None = None,
    ) -> Prescan | None:
        """A worker started on these texts (None if it could not be); with `root`, on texts
        not yet read here, each scanned only if it leads inside `root`."""
        listed = [(source_id, str(path), sha) for source_id, path, sha in texts]
        made: list[tuple[Job, IO[bytes]]] = []

        def job(paths: list[str]) -> Job:
            answer, _job, until = paths
            claim = open(until, "r+b")  # noqa: SIM115 (kept until the scans are let go)
            made.append(
                (
                    Job(
                        listed,
                        str(root.resolve()) if root is not None else None,
                        dict(names),
                        list(titles),
                        sorted(countries),
                        answer,
                        until,
                    ),
                    claim,
                )
            )
            return made[0][0]

        worker = Worker.start(__name__, job, extra=(".claim",))
        if worker is None:
            for _job, claim in made:
                claim.close()
            return None
        return Prescan(worker, *made[0])

    def _share(self) -> None:
        """While the worker is at work: scan texts here, from the last one back, each claimed
        before it is scanned, into a scratch file of this process's own. If that file cannot
        be written (no room, say), the texts claimed and not kept are left to the checks."""
        job = self._job
        if not self.worker.running():
            return
        index = NameIndex(job.names, job.titles, job.countries)
        folder = os.environ.get("SQLITE_TMPDIR") or None  # beside the worker's files
        left = len(job.texts)
        try:
            own = tempfile.TemporaryFile(prefix="korus-prescan-", dir=folder)  # noqa: SIM115
            self._files.append(own)  # unnamed; closed with the scans (`close`)
            self._own_answer = own
            while left and self.worker.running():
                left -= 1
                os.pwrite(self._claim.fileno(), _CLAIM.pack(left), 0)
                source_id, path, sha256 = job.texts[left]
                scans = _scanned(path, sha256, index, job.root)
                if scans is not None:
                    self._own[source_id] = _record(own, scans)
        except OSError:
            self._own.clear()

    def _read(self, source_id: str, which: int) -> Any:
        if self._where is None:  # the first question: share the work left, then wait for it
            self._share()
            found = answer_index(self.worker.answer) if self.worker.finished() else None
            self._where = found or {}
        if source_id in self._own and self._own_answer is not None:
            answer, where = self._own_answer, self._own
        elif source_id in self._where:
            answer, where = self.worker.answer, self._where
        else:
            return None
        answer.seek(where[source_id][which])
        return pickle.load(answer)

    def figures(self, source_id: str) -> list[Mention] | None:
        """The figure scan of a text (`scan`), or None: scan it here."""
        found: list[Mention] | None = self._read(source_id, 0)
        return found

    def names(self, source_id: str) -> NameScan | None:
        """The name scan of a text (`NameIndex.scan`), or None: scan it here."""
        found: NameScan | None = self._read(source_id, 1)
        return found

    def close(self) -> None:
        """Stop the worker if it is still at work, and let go of its files and this process's."""
        self.worker.close()
        self._finalizer()


def _close_all(files: list[IO[bytes]]) -> None:
    for handle in files:
        handle.close()


if __name__ == "__main__":
    serve(work)

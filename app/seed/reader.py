"""Seed files -> validated models -> every check of app.seed.validation, all without a database.

Every problem is collected, with file, entry, field and line, before anything is loaded: a curator
sees all of them at once, and a seed with any problem never reaches the loader.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from app.models import SourceSeed
from app.seed import strict_yaml, validation
from app.seed.bundle import (
    KINDS,
    Entry,
    Issues,
    SeedBundle,
    SeedError,
    SeedIssue,
    SourceText,
    StoredEntries,
    TextCache,
    TooMany,
    relative,
)
from app.seed.churn import fewer_collections
from app.seed.entries import read_file
from app.seed.file_worker import FileWorker, worth_a_worker
from app.seed.files import (
    MAX_TEXT_BYTES,
    SeedFileError,
    leads_into,
    limit_for,
    read_bounded,
    read_regular,
    seed_files,
)
from app.seed.spill import Spill

__all__ = ["SeedBundle", "SeedError", "read_seed"]


SCRATCH = "the seed's scratch store"
SCRATCH_HELP = (
    "It is a temporary file in SQLITE_TMPDIR or TMPDIR (about 2 GB for 10^6 statistics, and "
    "about 1.5 GB more while such a seed loads: a worker reads a copy of it): free space there, "
    "or set SQLITE_TMPDIR to a folder with room"
)


def read_seed(root: Path) -> SeedBundle:
    """Read and check the whole seed under `root`; raise SeedError listing the problems."""
    issues = Issues()
    spill = Spill()
    try:
        with fewer_collections():
            bundle = _read_and_check(root, spill, issues)
    except TooMany:
        spill.close()
        raise SeedError(list(issues), issues.skipped, stopped=True) from None
    except sqlite3.Error as exc:  # nothing but the scratch store is written while reading
        spill.close()
        raise SeedError([SeedIssue(SCRATCH, f"cannot be written: {exc}. {SCRATCH_HELP}")]) from None
    except BaseException:
        spill.close()
        raise
    if issues:
        spill.close()
        raise SeedError(list(issues), issues.skipped)
    # Every check passed: what placed messages will not be needed again.
    bundle.settle()
    return bundle


def _read_and_check(root: Path, spill: Spill, issues: Issues) -> SeedBundle:
    entries: dict[str, Any] = {}
    for kind, model in KINDS.items():
        if not seed_files(root, kind):
            issues.append(
                SeedIssue(
                    relative(root / f"{kind}.yaml", root),
                    f"missing: every kind's file must exist ({kind}.yaml, or files in {kind}/); "
                    f"write '{kind}: []' for a kind with no entries",
                )
            )
        entries[kind] = _read_kind(root, spill, kind, model, issues)
    validation.ids_are_unique(entries, issues)
    texts: dict[str, SourceText] = {}
    bundle = SeedBundle(root, spill, entries, texts)
    if not issues:  # the texts' scans are needed only by checks that run on a clean seed
        bundle.start_prescan()  # scanning while the texts are read and checked here
    try:
        texts.update(_read_texts(root, entries["sources"], issues))
        if issues:
            bundle.end_prescan()
        checked = validation.check_statistics(bundle)  # each check's part told in its turn
        validation.references_resolve(bundle, issues, checked)
        validation.quotes_are_placed(bundle, issues, checked)
        validation.figures_read_as_stored(issues, checked)
        validation.curation_rules_hold(bundle, issues, checked)
        validation.words_stand_in_their_quotes(bundle, issues)
        validation.every_figure_is_cited(bundle, issues)
        validation.every_name_is_resolved(bundle, issues)
    finally:
        bundle.end_prescan()
    validation.arithmetic_is_redone(bundle, issues)
    validation.discrepancies_are_found(bundle, issues)
    return bundle


class YamlLines:
    """Where the entries of a YAML file stand: the file is parsed again when a message needs a
    line (the last few kept), so that no parsed file is held while the seed is checked."""

    def __init__(self, root: Path, path: Path) -> None:
        self.root = root
        self.path = path

    def line_of(self, at: tuple[int | str, ...]) -> int | None:
        return strict_yaml.line_of(_parsed(self.root, self.path), at)


@lru_cache(maxsize=2)
def _parsed(root: Path, path: Path) -> Any:
    try:
        return strict_yaml.load(read_bounded(root, path, limit_for(path)).decode("utf-8"))
    except (SeedFileError, UnicodeDecodeError, strict_yaml.StrictYamlError):
        return None  # changed since it was read: the message goes without a line


def _read_kind(
    root: Path, spill: Spill, kind: str, model: type[BaseModel], issues: Issues
) -> StoredEntries:
    documents: dict[str, Any | None] = {}
    paths = seed_files(root, kind)
    # every second file validated meanwhile by a worker, for a kind with much in files
    helper = FileWorker.start(root, kind, paths[1::2]) if worth_a_worker(paths) else None
    try:
        for n, path in enumerate(paths):
            name = relative(path, root)
            answer = helper.next() if helper is not None and n % 2 else None
            if answer is not None:
                rows, met = answer
                for issue in met:  # as if met here: the same caps stop at the same problem
                    issues.append(issue)
                spill.add_entries(kind, rows)
            else:
                spill.add_entries(kind, read_file(root, path, name, kind, model, issues))
            documents[name] = None if path.suffix == ".jsonl" else YamlLines(root, path)
    finally:
        if helper is not None:
            helper.close()
    _parsed.cache_clear()
    return StoredEntries(spill, kind, documents)


def _read_texts(
    root: Path, sources: Iterable[Entry], issues: list[SeedIssue]
) -> dict[str, SourceText]:
    """Each source whose text is there, within bounds, as recorded and UTF-8: what it needs to
    be read again (the texts themselves are not kept)."""
    texts: dict[str, SourceText] = {}
    cache = TextCache()
    base = root.resolve()
    for entry in sources:
        seed: SourceSeed = entry.model
        path = root / seed.file
        if not (path.exists() or path.is_symlink()):
            issues.append(entry.issue(f"no file {seed.file!r} in the seed directory", "file"))
            continue
        try:
            resolved = leads_into(base, path)
            data = read_regular(resolved, MAX_TEXT_BYTES)
        except SeedFileError as exc:
            issues.append(entry.issue(f"{seed.file} {exc.message}", "file"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha != seed.sha256:
            issues.append(
                entry.issue(
                    f"the text of {seed.file} has changed: its sha256 is {sha}, the seed records "
                    f"{seed.sha256}; a changed document is a new source, not an edit",
                    "sha256",
                )
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            issues.append(entry.issue(f"{seed.file} is not valid UTF-8: {exc}", "file"))
            continue
        published = seed.published_on.last if seed.published_on else None
        texts[seed.id] = SourceText(seed.id, resolved, seed.file, sha, len(text), published, cache)
        cache.add(seed.id, text)  # the checks read it next: not from the file again
    return texts

"""Seed files -> validated models -> every check of app.seed.validation, all without a database.

Every problem is collected, with file, entry, field and line, before anything is loaded: a curator
sees all of them at once, and a seed with any problem never reaches the loader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from app.models import SourceSeed
from app.seed import json_lines, strict_yaml, validation
from app.seed.bundle import (
    KINDS,
    Entry,
    Issues,
    SeedBundle,
    SeedError,
    SeedIssue,
    SourceText,
    TooMany,
    dotted,
    relative,
)
from app.seed.files import MAX_TEXT_BYTES, SeedFileError, limit_for, read_bounded, seed_files

__all__ = ["SeedBundle", "SeedError", "read_seed"]


def read_seed(root: Path) -> SeedBundle:
    """Read and check the whole seed under `root`; raise SeedError listing the problems."""
    issues = Issues()
    try:
        bundle = _read_and_check(root, issues)
    except TooMany:
        raise SeedError(list(issues), issues.skipped, stopped=True) from None
    if issues:
        raise SeedError(list(issues), issues.skipped)
    # Every check passed: the parsed files (kept to place messages) will not be needed again,
    # and at scale they weigh as much as the models.
    for entries in bundle.entries.values():
        for entry in entries:
            entry.document = None
    return bundle


def _read_and_check(root: Path, issues: Issues) -> SeedBundle:
    entries: dict[str, list[Entry]] = {}
    for kind, model in KINDS.items():
        if not seed_files(root, kind):
            issues.append(
                SeedIssue(
                    relative(root / f"{kind}.yaml", root),
                    f"missing: every kind's file must exist ({kind}.yaml, or files in {kind}/); "
                    f"write '{kind}: []' for a kind with no entries",
                )
            )
        entries[kind] = list(_read_kind(root, kind, model, issues))
    validation.ids_are_unique(entries, issues)
    texts = _read_texts(root, entries["sources"], issues)
    bundle = SeedBundle(root, entries, texts)
    validation.references_resolve(bundle, issues)
    validation.quotes_are_placed(bundle, issues)
    validation.figures_read_as_stored(bundle, issues)
    validation.curation_rules_hold(bundle, issues)
    validation.words_stand_in_their_quotes(bundle, issues)
    validation.every_figure_is_cited(bundle, issues)
    validation.every_name_is_resolved(bundle, issues)
    validation.arithmetic_is_redone(bundle, issues)
    validation.discrepancies_are_found(bundle, issues)
    return bundle


def _read_kind(root: Path, kind: str, model: type[BaseModel], issues: Issues) -> Iterator[Entry]:
    for path in seed_files(root, kind):
        name = relative(path, root)
        try:
            data = read_bounded(root, path, limit_for(path))
            if path.suffix == ".jsonl":
                document = json_lines.load(data, kind)
            else:
                document = strict_yaml.load(data.decode("utf-8"))
        except SeedFileError as exc:
            issues.append(SeedIssue(name, exc.message))
            continue
        except UnicodeDecodeError as exc:
            issues.append(SeedIssue(name, f"not valid UTF-8: {exc}"))
            continue
        except strict_yaml.StrictYamlError as exc:
            issues.append(SeedIssue(name, exc.message, line=exc.line))
            continue
        if not isinstance(document, dict) or set(document) != {kind}:
            issues.append(
                SeedIssue(name, f"the file must be a mapping with the single key '{kind}'", line=1)
            )
            continue
        items = document[kind]
        if not isinstance(items, list):
            issues.append(SeedIssue(name, f"'{kind}' must be a list", line=1))
            continue
        # what the entries keep for messages: a JSON Lines file's line numbers, not the file
        kept: Any = document
        if isinstance(items, strict_yaml.LocatedList) and path.suffix == ".jsonl":
            kept = strict_yaml.EntryLines(kind, items.item_lines)
        for index, raw in enumerate(items):
            if issues.file_is_full(name):
                break
            entry_id = raw.get("id") if isinstance(raw, dict) else None
            label = f"{kind}[{index}]" + (f" (id={entry_id})" if entry_id else "")
            try:
                parsed = model.model_validate(raw)
            except ValidationError as exc:
                for error in exc.errors():
                    loc = tuple(error["loc"])
                    issues.append(
                        SeedIssue(
                            name,
                            error["msg"],
                            entry=label,
                            field=dotted(loc) or None,
                            line=strict_yaml.line_of(document, (kind, index, *loc)),
                        )
                    )
                continue
            yield Entry(parsed, name, index, kept)


def _read_texts(root: Path, sources: list[Entry], issues: list[SeedIssue]) -> dict[str, SourceText]:
    texts: dict[str, SourceText] = {}
    for entry in sources:
        seed: SourceSeed = entry.model
        path = root / seed.file
        if not (path.exists() or path.is_symlink()):
            issues.append(entry.issue(f"no file {seed.file!r} in the seed directory", "file"))
            continue
        try:
            data = read_bounded(root, path, MAX_TEXT_BYTES)
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
        texts[seed.id] = SourceText(seed, text, sha)
    return texts

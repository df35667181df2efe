"""One seed file read into its valid entries, as the scratch store keeps them, with a problem
for each entry or file that is not valid. The reader reads every file so (app/seed/reader.py),
and a worker some of them (app/seed/file_worker.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from app.seed import json_lines, strict_yaml
from app.seed.bundle import Issues, SeedIssue, canonical, dotted
from app.seed.files import SeedFileError, limit_for, read_bounded

# A valid entry as the scratch store takes it (app/seed/spill.py `add_entries`).
Row = tuple[str | None, str, int, int | None, str]  # id, file, index in file, line, its JSON


def read_file(
    root: Path, path: Path, name: str, kind: str, model: type[BaseModel], issues: Issues
) -> Iterator[Row]:
    """Each valid entry of one file as the spill keeps it: (id, file, index, line, JSON)."""
    try:
        data = read_bounded(root, path, limit_for(path))
        if path.suffix == ".jsonl":
            document = json_lines.load(data, kind)
        else:
            document = strict_yaml.load(data.decode("utf-8"))
    except SeedFileError as exc:
        issues.append(SeedIssue(name, exc.message))
        return
    except UnicodeDecodeError as exc:
        issues.append(SeedIssue(name, f"not valid UTF-8: {exc}"))
        return
    except strict_yaml.StrictYamlError as exc:
        issues.append(SeedIssue(name, exc.message, line=exc.line))
        return
    if not isinstance(document, dict) or set(document) != {kind}:
        issues.append(
            SeedIssue(name, f"the file must be a mapping with the single key '{kind}'", line=1)
        )
        return
    items = document[kind]
    if not isinstance(items, list):
        issues.append(SeedIssue(name, f"'{kind}' must be a list", line=1))
        return
    # a JSON Lines entry is placed by its line; a YAML file is parsed again for a message
    lines = getattr(items, "item_lines", None) if path.suffix == ".jsonl" else None
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
        line = lines[index] if lines is not None else None
        yield parsed.id, name, index, line, canonical(parsed)  # type: ignore[attr-defined]

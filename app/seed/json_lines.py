"""JSON Lines seed files: one entry per line, for seeds that a program writes rather than a person.

`statistics/part-0001.jsonl` holds one JSON object per line, each an entry of the kind its folder
names. It is read into the same located document as a YAML file (`{kind: [entries]}`, every key
on the line of its entry), so every check and every message is the same. JSON has no implicit
types; what strict YAML refuses and JSON would allow is refused here too: duplicate keys and the
non-standard constants NaN and Infinity.

A line is read by orjson when it plainly needs nothing more (`_quick`): a file is then read in
about half the time (11.5 µs a statistic's line against 21.9). The standard parser with its
checks reads every other line, and says what is wrong with a line either refuses
(docs/PERFORMANCE.md, "JSON Lines by orjson, patterns that look ahead").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import orjson

from app.seed.strict_yaml import (
    MAX_DEPTH,
    MAX_FIELD_CHARS,
    Located,
    LocatedList,
    StrictYamlError,
    check_text,
)

MAX_ENTRIES = 50_000  # in one JSON Lines file; bench/corpus.py writes 20,000
MAX_LINE_BYTES = 1024 * 1024  # one entry; a KORUS statistic takes ~1 KB


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _check_values(entry: Any, line: int) -> None:
    """The same bounds as YAML's: nesting depth, and every text checked by `check_text`. The
    values are visited depth first, the last first, so that the first fault found is always
    the same one."""

    def visit(container: dict[str, Any] | list[Any], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise StrictYamlError(f"nested more than {MAX_DEPTH} levels deep", line)
        children = container.values() if isinstance(container, dict) else container
        for child in reversed(list(children)):
            if isinstance(child, str):
                check_text(child, line)
            elif isinstance(child, dict | list):
                visit(child, depth + 1)

    if isinstance(entry, str):
        check_text(entry, line)
    elif isinstance(entry, dict | list):
        visit(entry, 1)


def _located(pairs: list[tuple[str, Any]], number: int) -> Located:
    """One JSON object as a located mapping: every key on its entry's line. A key given twice is
    refused (json would keep the last silently), naming the first one repeated."""
    mapping = Located(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise StrictYamlError(f"duplicate key {key!r}", number)
            seen.add(key)
    mapping.line = number
    mapping.key_lines = dict.fromkeys(mapping, number)
    return mapping


def _lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Each line of `data`, numbered, decoded one at a time (the file is never copied whole)."""
    start, number = 0, 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > MAX_LINE_BYTES:
            raise StrictYamlError(f"an entry longer than {MAX_LINE_BYTES:,} bytes", number)
        try:
            yield number, data[start:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictYamlError(f"not valid UTF-8: {exc}", number) from None
        start, number = end + 1, number + 1


# What `check_text` refuses (`has_control`) that JSON lets a string hold unescaped: JSON escapes
# U+0000-U+001F, and a line with an escape is read the standard way. Held to `has_control` by
# tests/test_json_lines.py; tested per line, it costs a twentieth of asking `has_control`.
RAW_CONTROL = "\x7f"
_JSON_SPACE = str.maketrans("", "", " \t\r\n")


def _keys(value: Any) -> int:
    """How many keys the objects in `value` hold, nested ones included."""
    if isinstance(value, dict):
        children = value.values()
        count = len(value)
    else:
        children, count = value, 0
    for child in children:
        if isinstance(child, dict | list):
            count += _keys(child)
    return count


def _quick(line: str) -> dict[str, Any] | None:
    """The entry on `line` read by orjson, if that is plainly what the standard way reads and
    every check holds of it; None when the line must be read the standard way (`_standard`).

    Only a line without a backslash is read so: each of its strings is then the text between
    two consecutive quote marks, and each is a key when the next thing after it is a colon.
    Every key written must be a key read, or one was given twice. What `_check_values` bounds
    is within bounds when the whole line is: none of RAW_CONTROL, no longer than
    a field may be, and fewer brackets than the nesting allowed. Anything else orjson takes
    otherwise than the standard parser (NaN, numbers past 64 bits, a byte-order mark) it
    refuses, and the line is read the standard way."""
    if "\\" in line or len(line) > MAX_FIELD_CHARS or any(c in line for c in RAW_CONTROL):
        return None
    try:
        entry = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(entry, dict):
        return None
    between = "\x00" + "\x00".join(line.split('"')[2::2])  # what follows each string
    written = between.translate(_JSON_SPACE).count("\x00:")
    nesting = line.count("{") + line.count("[")
    if written != _keys(entry) or nesting > MAX_DEPTH:
        return None
    return entry


def _standard(line: str, number: int) -> Located:
    """The entry on `line` read by the standard parser, every check made as it is read."""
    try:
        entry = json.loads(
            line,
            object_pairs_hook=partial(_located, number=number),
            parse_constant=_refuse_constant,
        )
    except StrictYamlError:
        raise
    except RecursionError:
        raise StrictYamlError(f"nested more than {MAX_DEPTH} levels deep", number) from None
    except ValueError as exc:
        raise StrictYamlError(f"not a JSON object: {exc}", number) from None
    if not isinstance(entry, Located):
        raise StrictYamlError("each line must be one JSON object (an entry)", number)
    _check_values(entry, number)
    return entry


def load(data: bytes, kind: str) -> Located:
    """The entries of a JSON Lines file as the located document `{kind: [...]}`."""
    items = LocatedList()
    items.line = 1
    items.item_lines = []
    for number, line in _lines(data):
        if not line.strip():
            continue
        if len(items) >= MAX_ENTRIES:
            raise StrictYamlError(
                f"more than {MAX_ENTRIES:,} entries in one file; split it into parts", number
            )
        entry = _quick(line)
        # its place is its line: an entry read quickly is a plain dict, every key on that line
        items.append(entry if entry is not None else _standard(line, number))
        items.item_lines.append(number)
    document = Located({kind: items})
    document.line = 1
    document.key_lines = {kind: 1}
    return document

"""YAML without surprises: safe_load semantics, duplicate keys refused, no implicit coercions.

YAML 1.1 turns `NO` into false, `0201` into 129 and `2017-07-12` into a date object. Here a plain
scalar becomes a bool only when it is `true`/`false`, null only when `null`/`~`/empty, a number only
in plain decimal form; anything that YAML 1.1 would still read as another type (yes, off, 0201,
1_000, 0x1F, 1:20, .inf) is refused with its line, so the curator quotes it and says what they mean.
ISO dates stay strings and are parsed by the field that expects them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import ScalarNode

_BOOL = {"true": True, "false": False}
_NULL = {"null", "~", ""}
_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_STR_TAG = "tag:yaml.org,2002:str"


class StrictYamlError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Located(dict[str, Any]):
    """A mapping that remembers the line of each key (1-based) and its own line."""

    line: int
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    line: int
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (its wheels are): the same events, ~10x faster.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Bounds on what a seed file may make the reader do (docs/RELIABILITY.md, "Seed input").
MAX_DEPTH = 32  # nesting of mappings and lists; the seed needs 4
MAX_FIELD_CHARS = 20_000  # one scalar; the longest in the KORUS seed has 425
MAX_VALUES = (
    100_000  # scalars, mappings and lists in one YAML file; the KORUS seed's largest: ~1,500
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(value: str) -> bool:
    """Whether `value` holds a character `check_text` refuses (a control character)."""
    return _CONTROL.search(value) is not None


def check_text(value: str, line: int | None) -> str:
    """A text field as the seed may hold it: no control characters but tab and line breaks
    (NUL is refused by PostgreSQL and invisible everywhere), at most MAX_FIELD_CHARS."""
    found = _CONTROL.search(value)
    if found:
        raise StrictYamlError(
            f"control character U+{ord(found.group()):04X} at position {found.start()} of a "
            "text; the seed holds printable text only",
            line,
        )
    if len(value) > MAX_FIELD_CHARS:
        raise StrictYamlError(
            f"a value of {len(value):,} characters; at most {MAX_FIELD_CHARS:,} are allowed",
            line,
        )
    return value


class _Resolver(yaml.resolver.Resolver):
    pass


_RESOLVER = _Resolver()


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value: strings unless plainly true/false, null or a decimal number."""
    value, line = event.value, (event.start_mark.line + 1 if event.start_mark else None)
    if event.tag not in (None, "!", _STR_TAG):
        raise StrictYamlError(f"explicit tag {event.tag} is not allowed", line)
    if event.style or event.tag is not None:  # quoted, block or tagged !!str: always a string
        return check_text(value, line)
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    if _DATE.match(value):
        return value
    implied: str = _RESOLVER.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if implied != _STR_TAG:
        kind = implied.rsplit(":", 1)[-1]
        raise StrictYamlError(
            f"the unquoted value {value!r} would be read as {kind} by YAML 1.1; "
            "quote it, or write it as true/false, null or a plain decimal number",
            line,
        )
    return check_text(value, line)


def _build(events: Any) -> Any:
    """The document the parser's events describe, built without recursion: a nesting deeper
    than MAX_DEPTH, an anchor or an alias (the seed needs none, and aliases let a few hundred
    bytes stand for gigabytes) is refused at the line where it appears."""
    root: Any = None
    seen_root = False
    stack: list[Any] = []
    keys: list[str | None] = []

    def add(value: Any, line: int) -> None:
        nonlocal root, seen_root
        if not stack:
            if seen_root:
                raise StrictYamlError("a seed file holds one YAML document", line)
            root, seen_root = value, True
            return
        top = stack[-1]
        if isinstance(top, LocatedList):
            top.append(value)
            top.item_lines.append(line)
        elif keys[-1] is None:
            if not isinstance(value, str):
                raise StrictYamlError(f"mapping key {value!r} must be a string", line)
            if value in top:
                raise StrictYamlError(
                    f"duplicate key {value!r} (first at line {top.key_lines[value]})", line
                )
            keys[-1] = value
            top.key_lines[value] = line
        else:
            top[keys[-1]] = value
            keys[-1] = None

    values = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            values += 1
            if values > MAX_VALUES:
                raise StrictYamlError(
                    f"more than {MAX_VALUES:,} values in one YAML file; larger seeds go in "
                    "JSON Lines parts (KIND/*.jsonl)",
                    line,
                )
        if isinstance(event, yaml.AliasEvent):
            raise StrictYamlError("aliases (*name) are not allowed in the seed", line)
        if getattr(event, "anchor", None):
            raise StrictYamlError("anchors (&name) are not allowed in the seed", line)
        if isinstance(event, yaml.ScalarEvent):
            add(_scalar(event), line or 0)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise StrictYamlError(f"nested more than {MAX_DEPTH} levels deep", line)
            container: Any = Located() if isinstance(event, yaml.MappingStartEvent) else None
            if container is None:
                container = LocatedList()
                container.item_lines = []
            else:
                container.key_lines = {}
            container.line = line
            stack.append(container)
            keys.append(None)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            done = stack.pop()
            keys.pop()
            add(done, done.line)
    return root


def load(text: str) -> Any:
    """Parse one YAML document strictly; raise StrictYamlError with a line on any surprise."""
    try:
        return _build(yaml.parse(text, Loader=_BaseLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise StrictYamlError(f"{exc.problem or exc}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise StrictYamlError(str(exc), None) from None


@dataclass(frozen=True, slots=True)
class EntryLine:
    """What messages need of one entry of a JSON Lines file: everything in it is on `line`."""

    line: int

    def line_of(self, path: tuple[int | str, ...]) -> int:
        return self.line


def line_of(document: Any, path: tuple[int | str, ...]) -> int | None:
    """The line of the deepest element of `path` that can be located in a loaded document (or
    in anything else that says where its entries are, by a `line_of` of its own: EntryLine,
    or app/seed/reader.py's YamlLines)."""
    if not isinstance(document, dict | list) and hasattr(document, "line_of"):
        return document.line_of(path)  # type: ignore[no-any-return]
    line: int | None = getattr(document, "line", None)
    node = document
    for step in path:
        if isinstance(node, Located) and isinstance(step, str) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line

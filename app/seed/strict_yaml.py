"""YAML without surprises: safe_load semantics, duplicate keys refused, no implicit coercions.

YAML 1.1 turns `NO` into false, `0201` into 129 and `2017-07-12` into a date object. Here a plain
scalar becomes a bool only when it is `true`/`false`, null only when `null`/`~`/empty, a number only
in plain decimal form; anything that YAML 1.1 would still read as another type (yes, off, 0201,
1_000, 0x1F, 1:20, .inf) is refused with its line, so the curator quotes it and says what they mean.
ISO dates stay strings and are parsed by the field that expects them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

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


class _StrictLoader(_BaseLoader):
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # Every untagged scalar composes as a string; construct_scalar_value decides.
        if kind is ScalarNode:
            return _STR_TAG
        return super().resolve(kind, value, implicit)

    def construct_scalar_value(self, node: ScalarNode) -> Any:
        value = node.value
        if node.tag != _STR_TAG:
            raise StrictYamlError(
                f"explicit tag {node.tag} is not allowed", node.start_mark.line + 1
            )
        if node.style:  # quoted or block scalar: always a string (plain is None or "")
            return value
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
        implied = yaml.resolver.Resolver.resolve(self, ScalarNode, value, (True, False))
        if implied != _STR_TAG:
            kind = implied.rsplit(":", 1)[-1]
            raise StrictYamlError(
                f"the unquoted value {value!r} would be read as {kind} by YAML 1.1; "
                "quote it, or write it as true/false, null or a plain decimal number",
                node.start_mark.line + 1,
            )
        return value


def _construct(loader: _StrictLoader, node: yaml.Node) -> Any:
    if isinstance(node, ScalarNode):
        return loader.construct_scalar_value(node)
    if isinstance(node, MappingNode):
        result = Located()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _construct(loader, key_node)
            if not isinstance(key, str):
                raise StrictYamlError(
                    f"mapping key {key!r} must be a string", key_node.start_mark.line + 1
                )
            if key in result:
                raise StrictYamlError(
                    f"duplicate key {key!r} (first at line {result.key_lines[key]})",
                    key_node.start_mark.line + 1,
                )
            result[key] = _construct(loader, value_node)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    items = LocatedList(_construct(loader, child) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


def load(text: str) -> Any:
    """Parse one YAML document strictly; raise StrictYamlError with a line on any surprise."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _construct(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise StrictYamlError(f"{exc.problem or exc}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise StrictYamlError(str(exc), None) from None
    finally:
        loader.dispose()


def line_of(document: Any, path: tuple[int | str, ...]) -> int | None:
    """The line of the deepest element of `path` that can be located in a loaded document."""
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

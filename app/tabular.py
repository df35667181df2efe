"""Items as CSV: nested objects flattened to columns, in a stable column order, as one text or
as pieces written while the items are read (the columns first found in a first pass)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import orjson


def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """One CSV row: nested objects as `a.b`, lists of objects as `a.0.b`, lists of scalars as
    values joined by `|`, null as the empty string, booleans as true/false."""
    row: dict[str, str] = {}
    for key, value in item.items():
        name = prefix + key
        if isinstance(value, dict):
            row.update(flatten(value, name + "."))
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for index, element in enumerate(value):
                row.update(flatten(element, f"{name}.{index}."))
        elif isinstance(value, list):
            row[name] = "|".join(cell(v) for v in value)
        else:
            row[name] = cell(value)
    return row


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def column_order(columns: Iterable[str]) -> list[str]:
    shapes: dict[str, int] = {}
    keyed = []
    for column in columns:
        parts = column.split(".")
        shape = ".".join("#" if p.isdigit() else p for p in parts)
        shapes.setdefault(shape, len(shapes))
        top = shapes.setdefault(parts[0], shapes[shape])
        indexes = tuple(int(p) for p in parts if p.isdigit())
        keyed.append(((top, indexes, shapes[shape]), column))
    return [column for _, column in sorted(keyed)]


def csv_text(items: list[dict[str, Any]]) -> str:
    """Items as one CSV document, columns flattened as `flatten` says, in a stable order."""
    return b"".join(csv_pieces(lambda: iter([items]))).decode("utf-8")


def _item(item: Any) -> dict[str, Any]:
    """A stored JSON document is parsed; a dict is taken as it is."""
    return orjson.loads(item) if isinstance(item, str) else item  # type: ignore[no-any-return]


def csv_pieces(
    batches: Callable[[], Iterator[Sequence[Any]]], *, end: bool = False
) -> Iterator[bytes]:
    """Every item `batches()` yields as CSV, batch by batch: a first pass finds the columns, a
    second writes the rows (memory: one batch). With `end`, a last row
    whose first cell is END says the file is whole."""
    columns: dict[str, None] = {}
    for batch in batches():
        for item in batch:
            columns.update(dict.fromkeys(flatten(_item(item))))
    order = column_order(columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=order, lineterminator="\r\n")
    writer.writeheader()
    for batch in batches():
        writer.writerows(flatten(_item(item)) for item in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if end:
        buffer.write("END" + "," * max(0, len(order) - 1) + "\r\n")
    yield buffer.getvalue().encode("utf-8")

"""What routes call to answer: a JSON body, a page of a list with its `next` link, CSV (every
nested object flattened), and a list in the representation the request negotiated."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.dates import PartialDate
from app.negotiation import CSV, JSON

# -- bodies -------------------------------------------------------------------------------------


def json_response(data: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(data), media_type=JSON, headers=headers)


def next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    params.append(("cursor", cursor))
    return f"{request.url.path}?{urlencode(params)}"


# Value counts by facet name, as run_page leaves them (see app/pagination.py).
Facets = dict[str, list[tuple[Any, int]]]


def page_response(
    request: Request, items: list[Any], cursor: str | None, facets: Facets | None = None
) -> Response:
    link = next_link(request, cursor)
    headers = {"Link": f'<{link}>; rel="next"'} if link else None
    body: dict[str, Any] = {"items": items, "next": link}
    if (raw := request.query_params.get("as_of")) is not None:
        body["as_of"] = as_of_note(request, raw)
    if facets is not None:
        body["facets"] = {
            name: [
                {"value": value, "count": count, "url": facet_link(request, name, value)}
                for value, count in counts
            ]
            for name, counts in facets.items()
        }
    return json_response(body, headers)


def as_of_note(request: Request, raw: str) -> dict[str, Any]:
    """What an `as_of` answer says of itself: the date asked, the last day it covers, and the
    dataset it was cut from."""
    return {
        "date": raw,
        "cutoff": PartialDate.parse(raw).last.isoformat(),
        "dataset_version": getattr(request.state, "dataset_version", None),
    }


def facet_link(request: Request, name: str, value: Any) -> str | None:
    """This list narrowed to one facet value (the first page); None for "no value", which no
    filter can ask for."""
    if value is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", name)]
    params.append((name, _cell(value)))
    return f"{request.url.path}?{urlencode(params)}"


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
            row[name] = "|".join(_cell(v) for v in value)
        else:
            row[name] = _cell(value)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _column_order(columns: Iterable[str]) -> list[str]:
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
    rows = [flatten(item) for item in items]
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_column_order(seen), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def csv_response(items: list[dict[str, Any]], filename: str, link: str | None = None) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{filename}.csv"'}
    if link:
        headers["Link"] = f'<{link}>; rel="next"'
    return Response(
        csv_text(items).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers
    )


# -- the middleware -----------------------------------------------------------------------------


def list_response(
    request: Request,
    media_type: str,
    items: list[Any],
    cursor: str | None,
    name: str,
    facets: Facets | None = None,
) -> Response:
    """A list as negotiated: a JSON page (with the facets asked for), or CSV (named `name`.csv)
    with the next page's Link (CSV has no place for facets)."""
    if media_type == CSV:
        return csv_response(items, name, next_link(request, cursor))
    return page_response(request, items, cursor, facets)


def documents_response(
    request: Request,
    media_type: str,
    documents: list[str],
    cursor: str | None,
    name: str,
    facets: Facets | None = None,
) -> Response:
    """The same, for items that are already JSON documents (embedded as they are)."""
    if media_type == CSV:
        items = [orjson.loads(d) for d in documents]
        return csv_response(items, name, next_link(request, cursor))
    return page_response(request, [orjson.Fragment(d) for d in documents], cursor, facets)

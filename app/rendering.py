"""What routes call to answer: a JSON body, a page of a list with its `next` link, CSV (every
nested object flattened), and a list in the representation the request negotiated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.dates import PartialDate
from app.negotiation import CSV, JSON
from app.tabular import cell, csv_text

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
                {"value": value, "count": count, "url": narrow(value)} for value, count in counts
            ]
            for name, counts in facets.items()
            for narrow in [facet_links(request, name)]
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


def facet_links(request: Request, name: str) -> Callable[[Any], str | None]:
    """For one facet: each value's link to this list narrowed to it (the first page); None for
    "no value", which no filter can ask for."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", name)]
    prefix = f"{request.url.path}?{urlencode(kept)}{'&' if kept else ''}"

    def narrow(value: Any) -> str | None:
        return None if value is None else prefix + urlencode([(name, cell(value))])

    return narrow


CSV_TYPE = "text/csv; charset=utf-8"


def csv_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{filename}.csv"'}


def csv_response(items: list[dict[str, Any]], filename: str, link: str | None = None) -> Response:
    headers = csv_headers(filename)
    if link:
        headers["Link"] = f'<{link}>; rel="next"'
    return Response(csv_text(items).encode("utf-8"), media_type=CSV_TYPE, headers=headers)


# -- lists -------------------------------------------------------------------------------------


def list_response(
    request: Request,
    media_type: str,
    items: Sequence[Any],
    cursor: str | None,
    name: str,
    facets: Facets | None = None,
) -> Response:
    """A list as negotiated: a JSON page (with the facets asked for), or CSV (named `name`.csv)
    with the next page's Link (CSV has no place for facets). Items are dicts, or JSON documents
    stored ready (embedded as they are)."""
    if media_type == CSV:
        parsed = [orjson.loads(i) if isinstance(i, str) else i for i in items]
        return csv_response(parsed, name, next_link(request, cursor))
    embedded = [orjson.Fragment(i) if isinstance(i, str) else i for i in items]
    return page_response(request, embedded, cursor, facets)

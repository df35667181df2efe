"""How a detail route answers a client that asks for a citation to paste (CSL-JSON, BibTeX,
RIS), and what the `/citation` resource holds. The formats themselves are app/citing.py's."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from app.citing import BIBTEX, CITATION_MEDIA_TYPES, CSL_JSON, RIS, bibtex, csl_items, ris
from app.errors import NotFound
from app.queries import sources

# The representations every citable detail route adds to its JSON, for the OpenAPI document.
CITATION_CONTENT: dict[str, Any] = {
    CSL_JSON: {"schema": {"type": "array", "items": {"type": "object"}}},
    BIBTEX: {"schema": {"type": "string"}},
    RIS: {"schema": {"type": "string"}},
}
CITABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The resource; or, asked for, its references to paste: CSL-JSON, BibTeX "
        "or RIS (one reference per citation, with the quoted span and the permalink).",
        "content": CITATION_CONTENT,
    }
}


def base_url(request: Request) -> str:
    """This server's address, for the absolute links a pasted reference needs."""
    return str(request.base_url).rstrip("/")


def references(
    conn: Connection, request: Request, type_: str, item: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """The CSL items that cite `item` (a source, or a fact by its citations), their sources'
    kinds, and for facts the citations they rest on (empty for a source)."""
    base = base_url(request)
    if type_ == "source":
        return [csl_items(item, base)], [item["kind"]], []
    version = getattr(request.state, "dataset_version", None)
    permalink = base + item["url"]
    found: dict[str, dict[str, Any]] = {}
    items, kinds = [], []
    for position, citation in enumerate(item["citations"]):
        source_id = citation["source_id"]
        if source_id not in found:
            source = sources.get_source(conn, source_id)
            if source is None:
                raise NotFound(f"No source with id '{source_id}'")
            found[source_id] = source
        source = found[source_id]
        items.append(
            csl_items(
                source,
                base,
                cited=(type_, permalink, citation),
                version=version,
                position=position,
            )
        )
        kinds.append(source["kind"])
    return items, kinds, list(item["citations"])


def cited_response(
    conn: Connection, request: Request, type_: str, item: dict[str, Any]
) -> Response | None:
    """The item's references in the representation the request chose, if it chose one."""
    if request.state.media_type not in CITATION_MEDIA_TYPES:
        return None
    return references_response(conn, request, type_, item)


def references_response(
    conn: Connection, request: Request, type_: str, item: dict[str, Any]
) -> Response:
    """The item's references in the citation representation the request chose."""
    media_type = request.state.media_type
    items, kinds, _ = references(conn, request, type_, item)
    if media_type == CSL_JSON:
        return Response(orjson.dumps(items), media_type=CSL_JSON)
    if media_type == BIBTEX:
        return Response(bibtex(items, kinds), media_type=f"{BIBTEX}; charset=utf-8")
    return Response(ris(items, kinds), media_type=f"{RIS}; charset=utf-8")

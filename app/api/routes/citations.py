"""/v1/<resource>/{id}/citation: a source or a fact as references to paste, formatted in a named
CSL style by citeproc-py, with CSL-JSON, BibTeX and RIS beside them."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from app.api.cite import base_url, references
from app.api.deps import get_or_404, reading, slug_or_404
from app.api.responses import PROBLEMS
from app.api.routing import StrictRoute
from app.citing import STYLES, bibtex, formatted, ris
from app.models.citation import CitationSetPublic
from app.queries import (
    meetings,
    milestones,
    organizations,
    people,
    provisions,
    sources,
    statements,
    statistics,
)
from app.rendering import json_response
from app.vocabulary import API_PREFIX, collection_url

router = APIRouter(prefix=API_PREFIX, tags=["citations"], route_class=StrictRoute)
Style = Literal["apa", "chicago-author-date", "chicago-notes-bibliography"]
assert set(STYLES) == set(Style.__args__)  # type: ignore[attr-defined]


def _statistic(conn: Connection, statistic_id: str) -> dict[str, Any] | None:
    document = statistics.get_statistic_document(conn, statistic_id)
    return orjson.loads(document) if document else None


# Each citable resource type and how to read one.
GETTERS: dict[str, Callable[[Connection, str], dict[str, Any] | None]] = {
    "source": sources.get_source,
    "statistic": _statistic,
    "provision": provisions.get_provision,
    "meeting": meetings.get_meeting,
    "milestone": milestones.get_milestone,
    "person": people.get_person,
    "organization": organizations.get_organization,
    "statement": statements.get_statement,
}


def _cite(type_: str) -> Callable[..., Response]:
    def cite(
        request: Request,
        item_id: Annotated[str, Depends(slug_or_404(type_, f"{type_}_id"))],
        style: Annotated[
            Style, Query(description="The CSL style of the formatted references.")
        ] = "apa",
    ) -> Response:
        with reading(request) as conn:
            item = get_or_404(GETTERS[type_](conn, item_id), type_, item_id)
            items, kinds, cited = references(conn, request, type_, item)
        texts = formatted(items, style)
        return json_response(
            {
                "id": item_id,
                "type": type_,
                "permalink": base_url(request) + item["url"],
                "style": style,
                "dataset_version": getattr(request.state, "dataset_version", None),
                "references": [
                    {
                        "source_id": csl_item["id"] if not cited else cited[i]["source_id"],
                        "text": texts[i]["text"],
                        "html": texts[i]["html"],
                        "csl": csl_item,
                        "pinpoint": cited[i] if cited else None,
                    }
                    for i, csl_item in enumerate(items)
                ],
                "bibtex": bibtex(items, kinds),
                "ris": ris(items, kinds),
            }
        )

    return cite


for _type in GETTERS:
    router.add_api_route(
        f"{collection_url(_type).removeprefix(API_PREFIX)}/{{{_type}_id}}/citation",
        _cite(_type),
        methods=["GET"],
        name=f"cite_{_type}",
        response_model=CitationSetPublic,
        responses=PROBLEMS["detail"],
        summary=f"Cite a {_type}",
        description=f"The {_type} as references to paste: formatted in the chosen CSL style "
        "(APA, Chicago) by citeproc-py, and as CSL-JSON, BibTeX and RIS; for a fact one "
        "reference per citation, each with its pinpoint (the quoted span) and the permalink.",
    )

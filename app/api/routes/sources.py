"""/v1/sources: the documents, their exact text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.cite import CITABLE_RESPONSES, cited_response
from app.api.deps import ListQuery, get_or_404, list_query, reading, slug_or_404
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import SourcePublic
from app.models.coverage import CoveragePublic
from app.models.filters import SourceFilters
from app.pagination import bound
from app.queries import coverage as coverage_queries
from app.queries import sources as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("source"), tags=["sources"], route_class=StrictRoute)
SourceId = Annotated[str, Depends(slug_or_404("source", "source_id"))]


@router.get(
    "", response_model=page_of(SourcePublic), responses=PROBLEMS["list"], summary="List sources"
)
def list_sources(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[SourceFilters, Query()],
) -> Response:
    """The originating documents, by publication date by default. Each has its sha256 and the
    number of facts of each kind that cite it."""
    return query.run(request, bound(queries.list_sources, filters), "sources")


@router.get(
    "/{source_id}",
    response_model=SourcePublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a source",
)
def get_source(request: Request, source_id: SourceId) -> Response:
    """One document's metadata."""
    with reading(request) as conn:
        found = get_or_404(queries.get_source(conn, source_id), "source", source_id)
        cited = cited_response(conn, request, "source", found)
    return cited or json_response(found)


@router.get(
    "/{source_id}/text",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "The exact text."},
        **PROBLEMS["detail"],
    },
    summary="Get a source's exact text",
)
def get_source_text(request: Request, source_id: SourceId) -> Response:
    """The document's exact UTF-8 bytes; their sha256 is the source's `sha256` (also sent as
    `Digest`-style header `X-Content-SHA256`). Citation offsets count code points in this text."""
    with reading(request) as conn:
        text, sha = get_or_404(queries.source_text(conn, source_id), "source", source_id)
    return Response(
        text.encode("utf-8"),
        media_type="text/plain; charset=utf-8",
        headers={"X-Content-SHA256": sha},
    )


@router.get(
    "/{source_id}/coverage",
    response_model=CoveragePublic,
    responses=PROBLEMS["detail"],
    summary="Get a source's figure coverage",
)
def get_source_coverage(request: Request, source_id: SourceId) -> Response:
    """Every figure mention the scanner finds in the text (money, percentages, counts, ranks,
    multiples), each with its span and the facts that cite it, or the curator's reason for
    leaving it out. A loaded seed has no `uncovered` mention: the loader refuses one."""
    with reading(request) as conn:
        found = coverage_queries.source_coverage(conn, source_id)
    return json_response(get_or_404(found, "source", source_id))

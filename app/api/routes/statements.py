"""/v1/statements: who said or wrote what, when, to whom and where reported, verbatim."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.cite import CITABLE_RESPONSES, cited_response
from app.api.deps import (
    ListQuery,
    get_or_404,
    list_query,
    reading,
    slug_or_404,
)
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import StatementPublic
from app.models.filters import StatementFilters
from app.pagination import bound
from app.queries import statements as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("statement"), tags=["statements"], route_class=StrictRoute)


@router.get(
    "",
    response_model=page_of(StatementPublic),
    responses=PROBLEMS["list"],
    summary="List statements",
)
def list_statements(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[StatementFilters, Query()],
) -> Response:
    """Who said or wrote what, verbatim: speaker, date at its precision, kind, medium; by date
    by default."""
    return query.run(request, bound(queries.list_statements, filters), "statements")


@router.get(
    "/{statement_id}",
    response_model=StatementPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a statement",
)
def get_statement(
    request: Request,
    statement_id: Annotated[str, Depends(slug_or_404("statement", "statement_id"))],
) -> Response:
    """One statement, with its speakers, what it concerns and its citations."""
    with reading(request) as conn:
        found = get_or_404(queries.get_statement(conn, statement_id), "statement", statement_id)
        cited = cited_response(conn, request, "statement", found)
    return cited or json_response(found)

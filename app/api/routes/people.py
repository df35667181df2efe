"""/v1/people: each person once, with every name and role as each source states it."""

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
from app.models import PersonPublic
from app.models.filters import PersonFilters
from app.pagination import bound
from app.queries import people as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("person"), tags=["people"], route_class=StrictRoute)


@router.get(
    "",
    response_model=page_of(PersonPublic),
    responses=PROBLEMS["list"],
    summary="List people",
)
def list_people(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[PersonFilters, Query()],
) -> Response:
    """People the sources name, each once: every name and role as each source states it; by
    name by default."""
    return query.run(request, bound(queries.list_people, filters), "people")


@router.get(
    "/{person_id}",
    response_model=PersonPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a person",
)
def get_person(
    request: Request,
    person_id: Annotated[str, Depends(slug_or_404("person", "person_id"))],
) -> Response:
    """One person: names, roles (dated by their sources), meetings, statements, statistics."""
    with reading(request) as conn:
        found = get_or_404(queries.get_person(conn, person_id), "person", person_id)
        cited = cited_response(conn, request, "person", found)
    return cited or json_response(found)

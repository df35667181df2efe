"""/v1/provisions: what was agreed."""

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
from app.models import ProvisionPublic
from app.models.filters import ProvisionFilters
from app.pagination import bound
from app.queries import provisions as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("provision"), tags=["provisions"], route_class=StrictRoute)


@router.get(
    "",
    response_model=page_of(ProvisionPublic),
    responses=PROBLEMS["list"],
    summary="List provisions",
)
def list_provisions(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[ProvisionFilters, Query()],
) -> Response:
    """Provisions of the amended agreement and of the side arrangements, by category by default."""
    return query.run(request, bound(queries.list_provisions, filters), "provisions")


@router.get(
    "/{provision_id}",
    response_model=ProvisionPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a provision",
)
def get_provision(
    request: Request,
    provision_id: Annotated[str, Depends(slug_or_404("provision", "provision_id"))],
) -> Response:
    """One provision, with the statistics it carries and its citations."""
    with reading(request) as conn:
        found = get_or_404(queries.get_provision(conn, provision_id), "provision", provision_id)
        cited = cited_response(conn, request, "provision", found)
    return cited or json_response(found)

"""/v1/organizations: ministries, agencies, companies and publishers, with each name used."""

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
from app.models import OrganizationPublic
from app.models.filters import OrganizationFilters
from app.pagination import bound
from app.queries import organizations as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(
    prefix=collection_url("organization"), tags=["organizations"], route_class=StrictRoute
)


@router.get(
    "",
    response_model=page_of(OrganizationPublic),
    responses=PROBLEMS["list"],
    summary="List organisations",
)
def list_organizations(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[OrganizationFilters, Query()],
) -> Response:
    """Ministries, agencies, companies and publishers, each once with every name a source
    uses; by name by default."""
    return query.run(request, bound(queries.list_organizations, filters), "organizations")


@router.get(
    "/{organization_id}",
    response_model=OrganizationPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get an organisation",
)
def get_organization(
    request: Request,
    organization_id: Annotated[str, Depends(slug_or_404("organization", "organization_id"))],
) -> Response:
    """One organisation, with its cited names (and any disagreement between them), people,
    statements and publications."""
    with reading(request) as conn:
        found = get_or_404(
            queries.get_organization(conn, organization_id), "organization", organization_id
        )
        cited = cited_response(conn, request, "organization", found)
    return cited or json_response(found)

"""/v1/milestones: dated events that are not meetings."""

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
from app.models import MilestonePublic
from app.models.filters import MilestoneFilters
from app.pagination import bound
from app.queries import milestones as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("milestone"), tags=["milestones"], route_class=StrictRoute)


@router.get(
    "",
    response_model=page_of(MilestonePublic),
    responses=PROBLEMS["list"],
    summary="List milestones",
)
def list_milestones(
    request: Request,
    query: Annotated[ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT))],
    filters: Annotated[MilestoneFilters, Query()],
) -> Response:
    """Letters, directions, announcements, entry into force, tariff actions; by date by default."""
    return query.run(request, bound(queries.list_milestones, filters), "milestones")


@router.get(
    "/{milestone_id}",
    response_model=MilestonePublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a milestone",
)
def get_milestone(
    request: Request,
    milestone_id: Annotated[str, Depends(slug_or_404("milestone", "milestone_id"))],
) -> Response:
    """One milestone, with its citations."""
    with reading(request) as conn:
        found = get_or_404(queries.get_milestone(conn, milestone_id), "milestone", milestone_id)
        cited = cited_response(conn, request, "milestone", found)
    return cited or json_response(found)

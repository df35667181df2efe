"""/v1/meetings: who met where and when."""

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
from app.models import MeetingPublic
from app.models.filters import MeetingFilters
from app.pagination import bound
from app.queries import meetings as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("meeting"), tags=["meetings"], route_class=StrictRoute)


@router.get(
    "", response_model=page_of(MeetingPublic), responses=PROBLEMS["list"], summary="List meetings"
)
def list_meetings(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[MeetingFilters, Query()],
) -> Response:
    """Summits, Joint Committee sessions and negotiation rounds, by date by default."""
    return query.run(request, bound(queries.list_meetings, filters), "meetings")


@router.get(
    "/{meeting_id}",
    response_model=MeetingPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a meeting",
)
def get_meeting(
    request: Request, meeting_id: Annotated[str, Depends(slug_or_404("meeting", "meeting_id"))]
) -> Response:
    """One meeting, with its participants and citations."""
    with reading(request) as conn:
        found = get_or_404(queries.get_meeting(conn, meeting_id), "meeting", meeting_id)
        cited = cited_response(conn, request, "meeting", found)
    return cited or json_response(found)

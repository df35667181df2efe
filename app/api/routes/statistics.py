"""/v1/statistics: one reported figure each."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.cite import CITABLE_RESPONSES, references_response
from app.api.deps import (
    ListQuery,
    get_or_404,
    list_query,
    reading,
    slug_or_404,
)
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.citing import CITATION_MEDIA_TYPES
from app.models import StatisticPublic
from app.models.filters import StatisticFilters
from app.pagination import bound
from app.queries import statistics as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("statistic"), tags=["statistics"], route_class=StrictRoute)


@router.get(
    "",
    response_model=page_of(StatisticPublic),
    responses=PROBLEMS["list"],
    summary="List statistics",
)
def list_statistics(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[StatisticFilters, Query()],
) -> Response:
    """Every reported figure with its citations, by metric then period by default."""
    return query.run(request, bound(queries.list_statistics, filters), "statistics")


@router.get(
    "/{statistic_id}",
    response_model=StatisticPublic,
    responses={**PROBLEMS["detail"], **CITABLE_RESPONSES},
    summary="Get a statistic",
)
def get_statistic(
    request: Request,
    statistic_id: Annotated[str, Depends(slug_or_404("statistic", "statistic_id"))],
) -> Response:
    """One figure, with every citation that states it."""
    with reading(request) as conn:
        document = get_or_404(
            queries.get_statistic_document(conn, statistic_id), "statistic", statistic_id
        )
        if request.state.media_type in CITATION_MEDIA_TYPES:
            return references_response(conn, request, "statistic", orjson.loads(document))
    return json_response(orjson.Fragment(document))

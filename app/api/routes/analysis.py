"""/v1/discrepancies and /v1/checks: where the sources disagree, and their arithmetic redone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.deps import (
    ListQuery,
    get_or_404,
    list_query,
    reading,
    slug_or_404,
)
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import CheckPublic, DiscrepancyPublic
from app.models.filters import CheckFilters, DiscrepancyFilters
from app.pagination import bound
from app.queries import analysis as queries
from app.rendering import json_response
from app.vocabulary import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["analysis"], route_class=StrictRoute)


@router.get(
    "/discrepancies",
    response_model=page_of(DiscrepancyPublic),
    responses=PROBLEMS["list"],
    summary="List discrepancies",
)
def list_discrepancies(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.DISCREPANCY_SORT, queries.DISCREPANCY_DEFAULT))
    ],
    filters: Annotated[DiscrepancyFilters, Query()],
) -> Response:
    """Groups of statistics with the same metric, reporter, partner, scope and period whose values
    differ, with the relative spread and whether rounding explains it. Figures of different
    metrics or scopes never form a group, however equal their numbers."""
    return query.run(request, bound(queries.list_discrepancies, filters), "discrepancies")


@router.get(
    "/discrepancies/{discrepancy_id}",
    response_model=DiscrepancyPublic,
    responses=PROBLEMS["detail"],
    summary="Get a discrepancy",
)
def get_discrepancy(
    request: Request,
    discrepancy_id: Annotated[str, Depends(slug_or_404("discrepancy", "discrepancy_id"))],
) -> Response:
    """One group of disagreeing statistics."""
    with reading(request) as conn:
        found = queries.get_discrepancy(conn, discrepancy_id)
    return json_response(get_or_404(found, "discrepancy", discrepancy_id))


@router.get(
    "/checks",
    response_model=page_of(CheckPublic),
    responses=PROBLEMS["list"],
    summary="List arithmetic checks",
)
def list_checks(
    request: Request,
    query: Annotated[
        ListQuery,
        Depends(list_query(queries.CHECK_SORT, queries.CHECK_DEFAULT, queries.CHECK_FACETS)),
    ],
    filters: Annotated[CheckFilters, Query()],
) -> Response:
    """Every percent change, share, difference, ratio ("doubled") and sum the sources state,
    recomputed from the statistics it relates under every reading of the claim. A reading is
    `consistent` when the range its inputs allow (given each figure's wording) meets the range
    the claim allows; a check is `consistent` or `inconsistent` only when every reading agrees,
    else `depends_on_reading`. `source_errors` marks a check that rests on a sentence the
    curators judge garbled."""
    return query.run(request, bound(queries.list_checks, filters), "checks")


@router.get(
    "/checks/{check_id}",
    response_model=CheckPublic,
    responses=PROBLEMS["detail"],
    summary="Get an arithmetic check",
)
def get_check(
    request: Request, check_id: Annotated[str, Depends(slug_or_404("check", "check_id"))]
) -> Response:
    """One claim, recomputed."""
    with reading(request) as conn:
        found = queries.get_check(conn, check_id)
    return json_response(get_or_404(found, "check", check_id))

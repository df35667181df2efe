"""/v1/metrics: the vocabulary of statistics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import ListQuery, get_or_404, list_query, reading, slug_or_404
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import MetricPublic
from app.queries import metrics as queries
from app.rendering import json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("metric"), tags=["metrics"], route_class=StrictRoute)


@router.get(
    "", response_model=page_of(MetricPublic), responses=PROBLEMS["list"], summary="List metrics"
)
def list_metrics(
    request: Request,
    query: Annotated[ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT))],
) -> Response:
    """What statistics measure: statistics of one metric measure the same thing, in one unit."""
    return query.run(request, queries.list_metrics, "metrics")


@router.get(
    "/{metric_id}",
    response_model=MetricPublic,
    responses=PROBLEMS["detail"],
    summary="Get a metric",
)
def get_metric(
    request: Request, metric_id: Annotated[str, Depends(slug_or_404("metric", "metric_id"))]
) -> Response:
    """One metric, with how many statistics report it."""
    with reading(request) as conn:
        found = queries.get_metric(conn, metric_id)
    return json_response(get_or_404(found, "metric", metric_id))

"""/v1/series: each metric for one reporter, partner and scope, period by period, reconciled."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.deps import ListQuery, get_or_404, list_query, reading, slug_or_404
from app.api.responses import PROBLEMS, SeriesDetail, page_of
from app.api.routing import StrictRoute
from app.charts import series_svg
from app.docs import CHART_HEADERS
from app.models import SeriesSummaryPublic
from app.models.filters import SeriesFilters, SeriesView
from app.pagination import bound
from app.queries import series as queries
from app.rendering import as_of_note, json_response
from app.vocabulary import collection_url

router = APIRouter(prefix=collection_url("series"), tags=["series"], route_class=StrictRoute)
SVG = "image/svg+xml"


@router.get(
    "",
    response_model=page_of(SeriesSummaryPublic),
    responses=PROBLEMS["list"],
    summary="List series",
)
def list_series(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[SeriesFilters, Query()],
) -> Response:
    """Every metric for one reporter, partner and scope as a series, summarised: the periods it
    spans, how many are in each state (`single_source`, `agreed`, `rounding`, `conflict`) and
    its latest reconciled value. Each item's `url` has every period with every source's figure,
    its interval, the interval all of them allow and the best value with its rule."""
    return query.run(request, bound(queries.list_series, filters), "series")


@router.get(
    "/{series_id}.svg",
    response_class=Response,
    responses={
        200: {"content": {SVG: {}}, "description": "The series as an SVG chart."},
        **PROBLEMS["detail"],
    },
    summary="A series as a chart",
)
def get_series_chart(
    request: Request,
    series_id: Annotated[str, Depends(slug_or_404("series", "series_id"))],
    view: Annotated[SeriesView, Query()],
) -> Response:
    """The series drawn as SVG on the server (no JavaScript): each source's figures as points
    linked to their citations, the best value with the interval every figure allows, and the
    periods whose sources conflict named on the axis. Accessible title and description. With
    `as_of`, the series as it stood then (as `/v1/series/{id}?as_of=` answers it)."""
    with reading(request) as conn:
        document = queries.get_series_document(conn, series_id, view.cutoff())
    series = orjson.loads(get_or_404(document, "series", series_id))
    return Response(series_svg(series), media_type=f"{SVG}; charset=utf-8", headers=CHART_HEADERS)


@router.get(
    "/{series_id}",
    response_model=SeriesDetail,
    responses=PROBLEMS["detail"],
    summary="Get a series",
)
def get_series(
    request: Request,
    series_id: Annotated[str, Depends(slug_or_404("series", "series_id"))],
    view: Annotated[SeriesView, Query()],
) -> Response:
    """One series, every period reconciled (docs/API.md, "Series"). With `as_of`, only the
    figures published by then, reconciled again; a 404 if none had been."""
    with reading(request) as conn:
        document = get_or_404(
            queries.get_series_document(conn, series_id, view.cutoff()), "series", series_id
        )
    if view.as_of is None:
        return json_response(orjson.Fragment(document))
    return json_response({**orjson.loads(document), "as_of": as_of_note(request, view.as_of)})

"""/v1/search: ranked full-text search over the source texts and every fact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from app.api.deps import ListQuery, list_query
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import SearchHit
from app.models.filters import SearchFilters
from app.pagination import bound
from app.queries import search as queries
from app.vocabulary import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["search"], route_class=StrictRoute)


@router.get(
    "/search", response_model=page_of(SearchHit), responses=PROBLEMS["list"], summary="Search"
)
def search_facts(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find.")],
    query: Annotated[ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT))],
    filters: Annotated[SearchFilters, Query()],
) -> Response:
    """Ranked by the database's own engine (SQLite FTS5 bm25, PostgreSQL ts_rank); every word
    must match. Tokens such as `eco-credits`, `OCTG`, `U.S.` and `27.6` are found as written.
    Snippets wrap matches in `<mark>…</mark>` and HTML-escape everything else.

    Ranking is bounded: sorted by score first (the default), the matches are ranked in windows
    of 1,000 taken in the index's order, window after window, so that each page costs the same
    however many documents match. An answer of at most 1,000 matches is ranked whole; a larger
    one puts the best of its first 1,000 first, and its pages still hold every match once.

    With `as_of`, each fact is matched and quoted as it then stood: words only a later source
    gives it neither find it nor appear in its snippet."""
    return query.run(request, bound(queries.search, q, filters), "search")

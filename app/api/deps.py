"""Dependencies: the database connection, paging, sorting, dates and representation choice.

No `from __future__ import annotations` here: FastAPI must see the real annotations of the
dependencies made inside functions.
"""

import inspect
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, TypeVar

from anyio import to_thread
from fastapi import Depends, FastAPI, Path, Query, Request
from sqlalchemy import Connection
from starlette.responses import Response

from app.errors import NotFound
from app.http import Streamed
from app.models.base import SLUG_PATTERN
from app.models.filters import comma_list, comma_list_pattern
from app.negotiation import CSV
from app.pagination import (
    CURSOR_MAX_LENGTH,
    CURSOR_MIN_LENGTH,
    CURSOR_PATTERN,
    Fetch,
    PageRequest,
    SortField,
    batches,
    decode_cursor,
    parse_sort,
    sort_pattern,
)
from app.queries import facets as facet_queries
from app.queries.dataset import dataset_version, snapshot_version
from app.rendering import CSV_TYPE, csv_headers, list_response
from app.tabular import csv_pieces

_SLUG = re.compile(SLUG_PATTERN)


@contextmanager
def reading(request: Request) -> Iterator[Connection]:
    """One read transaction for one request: the dataset version and the data come from one
    snapshot. Routes are plain `def` functions that open it in their worker thread, so a request
    costs one thread hop (dependencies are `async def` and do no I/O)."""
    engine = request.app.state.engine
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            request.state.dataset_version = snapshot_version(conn)
            yield conn


T = TypeVar("T")


def get_or_404(found: T | None, kind: str, item_id: str) -> T:
    if found is None:
        raise NotFound(f"No {kind} with id '{item_id}'")
    return found


def slug_or_404(kind: str, name: str) -> Callable[..., Any]:
    """The path parameter `name`; an id that cannot be a slug is a 404 without a query."""

    async def check(**params: str) -> str:
        item_id = params[name]
        if not _SLUG.match(item_id) or len(item_id) > 120:
            raise NotFound(f"No {kind} with id '{item_id[:120]}'")
        return item_id

    # FastAPI reads parameters from the signature: give the dependency the route's own name.
    # The schema states the slug form; an id outside it is a 404 (no such resource), not a 400.
    annotation = Annotated[
        str,
        Path(
            description=f"Id of the {kind}.",
            json_schema_extra={"pattern": SLUG_PATTERN, "maxLength": 120},
        ),
    ]
    check.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation)]
    )
    return check


@dataclass(frozen=True)
class ListQuery:
    """How a list was asked for: a page (JSON, or CSV when `limit` or `cursor` is given) or, as
    CSV without either, every matching item, streamed (with `end`: and an END row last)."""

    page: PageRequest
    media_type: str
    end: bool = False

    @property
    def facets(self) -> dict[str, list[tuple[Any, int]]] | None:
        """The facet counts run_page wrote, when the request asked for facets."""
        return self.page.counts if self.page.facets else None

    def run(self, request: Request, fetch: Fetch, name: str) -> Response:
        """Answer with `fetch` (a list function bound to its filters): one page, or the whole
        list as CSV made while it is sent, a batch at a time."""
        if self.media_type == CSV and self.page.limit is None:
            sort, end = self.page.sort, self.end
            return streamed(
                request,
                lambda conn: csv_pieces(lambda: batches(conn, fetch, sort), end=end),
                CSV_TYPE,
                csv_headers(name),
            )
        with reading(request) as conn:
            items, cursor = fetch(conn, self.page)
        return list_response(request, self.media_type, items, cursor, name, self.facets)


def streamed(
    request: Request,
    make: Callable[[Connection], Iterator[bytes]],
    media_type: str,
    headers: dict[str, str] | None = None,
) -> Streamed:
    """A response made while it is sent from one read snapshot, held until it ends."""
    stack = ExitStack()
    try:
        conn = stack.enter_context(reading(request))
        return Streamed(make(conn), media_type, stack, headers)
    except BaseException:
        stack.close()
        raise


def list_query(
    fields: dict[str, SortField], default: str, facets: dict[str, Any] | None = None
) -> Callable[..., Any]:
    """A dependency reading limit, cursor, sort and format for a list with these sort fields,
    and `facets` where the list has facet fields (name -> column). The representation was
    negotiated by the route (`request.state.media_type`)."""
    paging = _paging(fields, default)
    if not facets:
        return paging
    names = tuple(facets)

    async def with_facets(
        query: Annotated[ListQuery, Depends(paging)],
        asked: Annotated[
            str | None,
            Query(
                alias="facets",
                max_length=200,
                pattern=comma_list_pattern(names),
                description=f"Comma list of fields to count values of, under the same filters: "
                f"{', '.join(names)}. The JSON page then carries `facets`: for each field, each "
                "value with its count and the URL of this list narrowed to it.",
            ),
        ] = None,
    ) -> ListQuery:
        if asked is None:
            return query
        chosen = dict.fromkeys(comma_list("facets", asked, names))
        page = replace(
            query.page,
            facets=tuple((name, facets[name]) for name in chosen),
            counter=facet_queries.counts,
        )
        return replace(query, page=page)

    return with_facets


def _paging(fields: dict[str, SortField], default: str) -> Callable[..., Any]:
    sortable = ", ".join(fields)

    async def dependency(
        request: Request,
        limit: Annotated[
            int,
            Query(
                ge=1,
                le=500,
                description="Items per page (1-500). CSV with `limit` or `cursor` is one page "
                "(the next in the `Link` header); CSV with neither is every matching item.",
            ),
        ] = 50,
        cursor: Annotated[
            str | None,
            Query(
                min_length=CURSOR_MIN_LENGTH,
                max_length=CURSOR_MAX_LENGTH,
                pattern=CURSOR_PATTERN,
                description="Opaque cursor from the previous page's `next`; only cursors this "
                "API issued for the same `sort` are valid.",
            ),
        ] = None,
        sort: Annotated[
            str | None,
            Query(
                max_length=200,
                pattern=sort_pattern(fields),
                description=f"Comma list of fields, `-` for descending. Fields: {sortable}. "
                f"Default: `{default}` (then `id`).",
            ),
        ] = None,
        format: Annotated[
            Literal["json", "csv"] | None,
            Query(
                description="`json` or `csv`: the representation, whatever the Accept header "
                "says. CSV flattens nested objects to `a.b` columns."
            ),
        ] = None,
        end: Annotated[
            bool,
            Query(
                description="CSV of the whole list (no `limit`, no `cursor`): end with a row "
                "whose first cell is `END`, so that a download cut short shows (a JSON page is "
                "whole when it parses)."
            ),
        ] = False,
    ) -> ListQuery:
        parsed = parse_sort(sort, fields, default, fields["id"])
        media_type: str = request.state.media_type
        if media_type == CSV and cursor is None and "limit" not in request.query_params:
            return ListQuery(PageRequest(parsed), CSV, end)
        values = decode_cursor(cursor, parsed) if cursor is not None else None
        return ListQuery(PageRequest(parsed, limit, values), media_type)

    return dependency


def dataset_version_provider(app: FastAPI) -> Callable[[], Awaitable[str | None]]:
    """The dataset version for responses that did not read it themselves, cached briefly."""

    def read() -> str | None:
        try:
            with app.state.engine.connect() as conn:
                return dataset_version(conn)
        except Exception:
            return None

    reading = False

    async def provide() -> str | None:
        nonlocal reading
        if not hasattr(app.state, "engine"):
            return None
        value: str | None
        value, at = app.state.version_cache
        if time.monotonic() - at <= app.state.settings.version_check_seconds:
            return value
        if reading and at:  # one request reads it again; the others keep the last value meanwhile
            return value
        reading = True
        try:
            value = await to_thread.run_sync(read)
            app.state.version_cache = (value, time.monotonic())
        finally:
            reading = False
        return value

    return provide

"""The explorer: server-rendered pages over the same queries as the API (no JavaScript needed)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import HTMLResponse, Response

from app.api.cite import references
from app.api.deps import get_or_404, reading, slug_or_404
from app.api.routing import StrictRoute
from app.citing import formatted
from app.errors import NotFound
from app.models import filters
from app.pagination import PageRequest, everything, parse_sort
from app.queries import (
    analysis,
    explorer,
    organizations,
    people,
    series,
    sources,
    statements,
    statistics,
    timeline,
)
from app.queries.meetings import get_meeting
from app.queries.milestones import get_milestone
from app.queries.provisions import get_provision
from app.vocabulary import API_PREFIX, PLURALS, SINGULAR

WEB = Path(__file__).resolve().parent.parent.parent / "web"


@cache
def _templates() -> Any:
    """The explorer's templates, loaded on its first page (Jinja2 is not needed to start)."""
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=str(WEB / "templates"))


# HTML pages: `Accept: text/html` is what they answer (not JSON, the API routes' default).
router = APIRouter(
    include_in_schema=False, route_class=StrictRoute, default_response_class=HTMLResponse
)
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; object-src 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
_GETTERS = {
    "statistic": statistics.get_statistic,
    "provision": get_provision,
    "meeting": get_meeting,
    "milestone": get_milestone,
    "person": people.get_person,
    "organization": organizations.get_organization,
    "statement": statements.get_statement,
}
# Shown in blocks of their own on a fact's page, not as plain fields.
_BLOCKS = {"id", "url", "citations", "label", "title", "source_error", "exemptions", "names"}
_BLOCKS |= {"roles", "speakers"}


# The index page shows at most this many sources and statistics (the API pages through all).
INDEX_LIMIT = 500


def _all(fields: dict[str, Any], default: str) -> Any:
    return parse_sort(None, fields, default, fields["id"])


def _render(request: Request, name: str, context: dict[str, Any]) -> Response:
    context["version"] = getattr(request.state, "dataset_version", None)
    response: Response = _templates().TemplateResponse(request, name, context)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response


def _analysis(conn: Connection, statistic_id: str | None = None) -> dict[str, Any]:
    found_discrepancies, _ = analysis.list_discrepancies(
        conn,
        filters.DiscrepancyFilters(),
        everything(analysis.DISCREPANCY_SORT, analysis.DISCREPANCY_DEFAULT),
    )
    found_checks, _ = analysis.list_checks(
        conn, filters.CheckFilters(), everything(analysis.CHECK_SORT, analysis.CHECK_DEFAULT)
    )
    if statistic_id is not None:
        found_discrepancies = [
            d for d in found_discrepancies if statistic_id in {m["id"] for m in d["statistics"]}
        ]
        found_checks = [c for c in found_checks if statistic_id in [c["claim_id"], *c["input_ids"]]]
    return {"discrepancies": found_discrepancies, "checks": found_checks}


@router.get("/")
def index(request: Request) -> Response:
    with reading(request) as conn:
        items, _ = timeline.list_timeline(
            conn,
            filters.TimelineFilters(),
            everything(timeline.SORT_FIELDS, timeline.DEFAULT_SORT),
        )
        source_sort = _all(sources.SORT_FIELDS, sources.DEFAULT_SORT)
        source_items, more_sources = sources.list_sources(
            conn, filters.SourceFilters(), PageRequest(source_sort, INDEX_LIMIT)
        )
        statistic_sort = _all(statistics.SORT_FIELDS, statistics.DEFAULT_SORT)
        documents, more_statistics = statistics.list_statistics(
            conn,
            filters.StatisticFilters(),
            PageRequest(statistic_sort, INDEX_LIMIT),
        )
        analysed = _analysis(conn)

        def first(module: Any) -> PageRequest:
            return PageRequest(_all(module.SORT_FIELDS, module.DEFAULT_SORT), INDEX_LIMIT)

        who = {
            "people": people.list_people(conn, filters.PersonFilters(), first(people))[0],
            "organizations": organizations.list_organizations(
                conn, filters.OrganizationFilters(), first(organizations)
            )[0],
            "statements": statements.list_statements(
                conn, filters.StatementFilters(), first(statements)
            )[0],
            "series": [
                orjson.loads(d)
                for d in series.list_series(conn, filters.SeriesFilters(), first(series))[0]
            ],
        }
    return _render(
        request,
        "index.html",
        {
            "timeline": items,
            "sources": source_items,
            "statistics": statistics.as_items(documents),
            "more_sources": more_sources is not None,
            "more_statistics": more_statistics is not None,
            "index_limit": INDEX_LIMIT,
            **who,
            **analysed,
        },
    )


@router.get("/series/{series_id}")
def series_page(
    request: Request,
    series_id: Any = Depends(slug_or_404("series", "series_id")),
) -> Response:
    with reading(request) as conn:
        document = get_or_404(series.get_series_document(conn, series_id), "series", series_id)
    return _render(request, "series.html", {"series": orjson.loads(document)})


@router.get("/sources/{source_id}")
def source_page(
    request: Request,
    source_id: Any = Depends(slug_or_404("source", "source_id")),
) -> Response:
    with reading(request) as conn:
        source = get_or_404(sources.get_source(conn, source_id), "source", source_id)
        text, _ = get_or_404(sources.source_text(conn, source_id), "source", source_id)
        spans = explorer.source_spans(conn, source_id)
        cite = _cite_this(conn, request, "source", source)
    return _render(
        request,
        "source.html",
        {
            "cite": cite,
            "source": source,
            "spans": spans,
            "segments": explorer.segments(text, spans),
        },
    )


def _cite_this(
    conn: Connection, request: Request, type_: str, item: dict[str, Any]
) -> dict[str, Any]:
    """The "cite this" block: each reference in APA, and where the other formats are."""
    if not item.get("citations") and type_ != "source":
        return {"references": [], "url": None}
    items, _, cited = references(conn, request, type_, item)
    texts = formatted(items, "apa")
    return {
        "references": [
            {"text": t["text"], "pinpoint": cited[i] if cited else None}
            for i, t in enumerate(texts)
        ],
        "url": f"{item['url']}/citation",
    }


def _page(api_url: str) -> str:
    """The explorer page of a resource, from its API path (/v1/people/x is /facts/person/x)."""
    plural, _, resource_id = api_url.removeprefix(API_PREFIX + "/").partition("/")
    if plural == PLURALS["source"]:
        return f"/sources/{resource_id}"
    return f"/facts/{SINGULAR[plural]}/{resource_id}"


def _is_link(value: Any) -> bool:
    """A reference to another resource ({"id", "url"}), shown as a link to its page."""
    return isinstance(value, dict) and set(value) == {"id", "url"}


@router.get("/facts/{fact_type}/{fact_id}")
def fact_page(
    request: Request,
    fact_type: str,
    fact_id: Any = Depends(slug_or_404("fact", "fact_id")),
) -> Response:
    if fact_type not in _GETTERS:
        raise NotFound(f"No kind of fact '{fact_type[:40]}'")
    with reading(request) as conn:
        fact = get_or_404(_GETTERS[fact_type](conn, fact_id), fact_type, fact_id)
        heading = fact.get("label") or fact.get("title") or fact.get("name")
        fields, links = [], []
        for k, v in fact.items():
            if k in _BLOCKS or v in (None, []):
                continue
            if _is_link(v) or (isinstance(v, list) and all(_is_link(x) for x in v)):
                items = v if isinstance(v, list) else [v]
                links.append(
                    (k.replace("_", " "), [{"id": x["id"], "href": _page(x["url"])} for x in items])
                )
            else:
                fields.append((k.replace("_", " "), v))
        keys = [explorer.cite_key(fact_type, fact_id, i) for i in range(len(fact["citations"]))]
        context = {
            "fact": fact,
            "fact_type": fact_type,
            "heading": heading,
            "fields": fields,
            "links": links,
            "keys": keys,
        }
        if fact_type == "statistic":
            context |= _analysis(conn, fact_id)
        context["cite"] = _cite_this(conn, request, fact_type, fact)
    return _render(request, "fact.html", context)

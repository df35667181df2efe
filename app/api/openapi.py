"""The OpenAPI document: generated from the routes, then completed so that SDK generators and
linters get what the API really does (tags with descriptions, servers, response headers, the
304, string schemas on text bodies, a real example from the seed on every success response).
Served at /openapi.json by a route that negotiates like every other."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import Response

from app.api.responses import problem_schemas, tidy_openapi
from app.api.routing import StrictRoute
from app.rendering import json_response

EXAMPLES = Path(__file__).with_name("examples.json")

TAGS = [
    {"name": "sources", "description": "The five documents, their exact texts and coverage."},
    {"name": "metrics", "description": "What the statistics measure: definitions and units."},
    {"name": "statistics", "description": "Every reported figure, each with its citations."},
    {"name": "provisions", "description": "What the renegotiation amended, by provision."},
    {"name": "meetings", "description": "Who met where and when."},
    {"name": "milestones", "description": "Dated events of the renegotiation."},
    {
        "name": "people",
        "description": "Each person once, with every name and role as each source states it.",
    },
    {
        "name": "organizations",
        "description": "Ministries, agencies, companies and publishers, with each name cited.",
    },
    {"name": "statements", "description": "Who said or wrote what, verbatim, and when."},
    {
        "name": "changes",
        "description": "What the loads since a dataset version added, changed and removed.",
    },
    {
        "name": "citations",
        "description": "Any source or fact as references to paste (APA, Chicago, BibTeX, RIS).",
    },
    {
        "name": "series",
        "description": "Each metric period by period: every source's figure, reconciled.",
    },
    {
        "name": "analysis",
        "description": "Discrepancies between sources and arithmetic checks of their claims.",
    },
    {"name": "timeline", "description": "Every dated item in one chronological list."},
    {"name": "search", "description": "Ranked full-text search over every fact."},
    {"name": "export", "description": "The whole dataset in one document."},
    {"name": "health", "description": "Liveness, readiness and the problem types."},
]

SERVERS = [
    {
        "url": "/",
        "description": "Production: the server that serves this document (local in development).",
        "x-internal": False,
    }
]
CONTACT = {"name": "korus-facts (this server's /docs)"}

_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "Strong validator of this representation; send it back as "
        "`If-None-Match` to get a 304.",
        "schema": {"type": "string"},
    },
    "X-Dataset-Version": {
        "description": "Version of the loaded dataset this answer was read from.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "`public, max-age=60` (probes: `no-store`).",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'The next page, `</v1/...&cursor=...>; rel="next"`, absent on the last.',
        "schema": {"type": "string"},
    },
    "Content-Disposition": {
        "description": 'With CSV: `inline; filename="<list>.csv"`.',
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": "`*` when the request has an `Origin`: any web page may read the API.",
        "schema": {"type": "string", "enum": ["*"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _integer_formats(node: Any) -> None:
    """Every integer schema states its width (int32 where its bounds fit, else int64)."""
    if isinstance(node, dict):
        if node.get("type") == "integer" and "format" not in node:
            bounded = abs(node.get("minimum", 2**40)) < 2**31 and node.get("maximum", 2**40) < 2**31
            node["format"] = "int32" if bounded else "int64"
        for value in node.values():
            _integer_formats(value)
    elif isinstance(node, list):
        for value in node:
            _integer_formats(value)


def _complete(document: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    document["tags"] = TAGS
    document["servers"] = SERVERS
    document["info"]["contact"] = CONTACT
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(problem_schemas())
    components["headers"] = _HEADERS
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                response.setdefault("headers", {})["Access-Control-Allow-Origin"] = _ref(
                    "Access-Control-Allow-Origin"
                )
            success = responses.get("200")
            if success is None:
                continue
            content = success.setdefault("content", {})
            headers = {name: _ref(name) for name in ("ETag", "X-Dataset-Version", "Cache-Control")}
            if "text/csv" in content:  # a list: pages, as JSON or CSV
                headers["Content-Disposition"] = _ref("Content-Disposition")
                headers["Link"] = _ref("Link")
            success["headers"].update(headers)
            for media in content.values():
                media.setdefault("schema", {"type": "string"})
            example = examples.get(operation.get("operationId"))
            if example is not None:
                for media_type, value in example["content"].items():
                    if media_type in content:
                        content[media_type]["example"] = value
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` ETag still matches.",
                "headers": {
                    name: _ref(name)
                    for name in ("ETag", "X-Dataset-Version", "Access-Control-Allow-Origin")
                },
            }
            if "429" in responses:
                responses["429"]["headers"]["Retry-After"] = _ref("Retry-After")
            operation["responses"] = dict(sorted(responses.items()))
    _integer_formats(document)
    return document


@cache
def load_examples() -> dict[str, Any]:
    """Each operation's example, taken from the shipped seed by `korus-facts openapi-examples`."""
    if not EXAMPLES.exists():
        return {}
    return dict(json.loads(EXAMPLES.read_text(encoding="utf-8")))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        app.openapi_schema = _complete(tidy_openapi(document), load_examples())
    return app.openapi_schema


router = APIRouter(route_class=StrictRoute, include_in_schema=False)


@router.get("/openapi.json")
def get_openapi_document(request: Request) -> Response:
    return json_response(request.app.openapi())

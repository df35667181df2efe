"""OpenAPI pieces shared by routes: the page envelope and the documented problem responses."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, Field, create_model


class ParameterError(BaseModel):
    parameter: str = Field(description="The query parameter at fault.")
    message: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(description="URI reference naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(default=None, description="The path of the request.")
    errors: list[ParameterError] | None = Field(
        default=None, description="Each invalid parameter, for validation problems."
    )


def _problem(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
    }


_BAD = _problem(
    "Unknown, repeated or malformed parameter.",
    {
        "type": "/problems/invalid-parameter",
        "title": "Invalid request parameter",
        "status": 400,
        "detail": "Parameter 'limit': Input should be less than or equal to 500",
        "instance": "/v1/statistics",
        "errors": [{"parameter": "limit", "message": "Input should be less than or equal to 500"}],
    },
)
_NOT_FOUND = _problem(
    "No resource with this id.",
    {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No statistic with id 'nope'",
        "instance": "/v1/statistics/nope",
    },
)
_NO_PAGE = _problem(
    "The cursor has the documented form but this API did not issue it for this `sort`.",
    {
        "type": "/problems/cursor-not-found",
        "title": "No page at this cursor",
        "status": 404,
        "detail": "No page at this cursor: not a cursor this API issued; use the 'next' link of "
        "a page",
        "instance": "/v1/statistics",
    },
)
_NOT_ACCEPTABLE = _problem(
    "The Accept header allows no media type this endpoint produces.",
    {
        "type": "/problems/not-acceptable",
        "title": "Not acceptable",
        "status": 406,
        "detail": "This endpoint can produce application/json; the request accepts none.",
        "instance": "/v1/statistics/x",
    },
)

PROBLEMS: dict[str, dict[int | str, dict[str, Any]]] = {
    "list": {
        200: {
            "description": "One page as JSON, or with `Accept: text/csv` or `format=csv` every "
            "matching item as CSV: nested objects flattened to `a.b` columns, lists of objects to "
            "`a.0.b`, lists of values joined with `|`.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        400: _BAD,
        404: _NO_PAGE,
        406: _NOT_ACCEPTABLE,
        503: _problem(
            "A whole-list CSV (or the export) while as many as the server runs at once are "
            "running; see Retry-After.",
            {
                "type": "/problems/overloaded",
                "title": "Service unavailable",
                "status": 503,
                "detail": "As many exports and whole-list CSVs as this server runs at once are "
                "running; retry shortly, or ask for a page (limit, cursor).",
                "instance": "/v1/statistics",
            },
        ),
    },
    "detail": {400: _BAD, 404: _NOT_FOUND, 406: _NOT_ACCEPTABLE},
    "plain": {400: _BAD},
}


def problem_schemas() -> dict[str, Any]:
    """Component schemas for the problem document, for the OpenAPI document."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}


@cache
def page_of(model: type[BaseModel]) -> type[BaseModel]:
    """The list envelope for `model`: items plus the relative URL of the next page."""
    return create_model(
        f"{model.__name__.removesuffix('Public')}Page",
        items=(list[model], Field(description="This page's items.")),  # type: ignore[valid-type]
        next=(str | None, Field(description="Relative URL of the next page, or null.")),
    )


# What the API refuses in any free-text parameter (see app/api/routing.py), said in the schema.
PLAIN_TEXT_PATTERN = "^[^\\u0000-\\u001f\\u007f\\ufffd]*$"


_ANY_REQUEST = {
    "400": _BAD,
    "414": _problem(
        "The request target is too long.",
        {
            "type": "/problems/uri-too-long",
            "title": "URI Too Long",
            "status": 414,
            "detail": "The request target is longer than 16384 bytes.",
            "instance": "/v1/search",
        },
    ),
    "429": _problem(
        "Rate limited (only when RATE_LIMIT_PER_MINUTE is set); see Retry-After.",
        {
            "type": "/problems/rate-limited",
            "title": "Too Many Requests",
            "status": 429,
            "detail": "More than 600 requests a minute from this client.",
            "instance": "/v1/statistics",
        },
    ),
    "431": _problem(
        "The request headers are too large.",
        {
            "type": "/problems/headers-too-large",
            "title": "Request Header Fields Too Large",
            "status": 431,
            "detail": "The request headers are larger than 32768 bytes.",
            "instance": "/v1/statistics",
        },
    ),
    "500": _problem(
        "An unexpected failure; nothing about it is disclosed, and it is logged.",
        {
            "type": "/problems/internal-error",
            "title": "Internal server error",
            "status": 500,
            "detail": "The server failed to answer this request; the failure has been logged.",
            "instance": "/v1/statistics",
        },
    ),
}


def _drop_null(parameter: dict[str, Any]) -> None:
    """An optional query parameter is absent, never null: `anyOf: [X, null]` becomes X, so that
    SDKs type it as X and linters see its limits."""
    schema = parameter.get("schema", {})
    options = schema.get("anyOf", [])
    kept = [option for option in options if option.get("type") != "null"]
    if len(options) == 2 and len(kept) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        parameter["schema"] = {**kept[0], **rest}


def tidy_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """Make the generated document say exactly what the API does: errors are 400 problems,
    never FastAPI's 422, free-text parameters refuse control characters, and the limits every
    request is subject to are documented on every operation."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
            for status, response in _ANY_REQUEST.items():
                operation.setdefault("responses", {}).setdefault(status, response)
            for parameter in operation.get("parameters", []):
                _drop_null(parameter)
                schema = parameter.get("schema", {})
                for option in schema.get("anyOf", [schema]):
                    if option.get("type") == "string" and not {"pattern", "enum"} & set(option):
                        option["pattern"] = PLAIN_TEXT_PATTERN
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document

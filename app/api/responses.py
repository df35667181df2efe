"""OpenAPI pieces shared by routes: the page envelope and the documented problem responses."""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from pydantic import BaseModel, Field, create_model

from app.errors import (
    AppError,
    CursorNotFound,
    HeadersTooLarge,
    InternalError,
    InvalidParameter,
    NotAcceptable,
    NotFound,
    Overloaded,
    RateLimited,
    UriTooLong,
    problem_body,
)
from app.models import SeriesPublic


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


def _problem(
    error: type[AppError],
    description: str,
    detail: str,
    instance: str = "/v1/statistics",
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A documented problem response, its example's type, title and status from the error."""
    example = orjson.loads(
        problem_body(error.status, error.type, error.title, detail, instance, errors)
    )
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
    InvalidParameter,
    "Unknown, repeated or malformed parameter.",
    "Parameter 'limit': Input should be less than or equal to 500",
    "/v1/statistics",
    [{"parameter": "limit", "message": "Input should be less than or equal to 500"}],
)
_NOT_FOUND = _problem(
    NotFound,
    "No resource with this id.",
    "No statistic with id 'nope'",
    "/v1/statistics/nope",
)
_NO_PAGE = _problem(
    CursorNotFound,
    "The cursor has the documented form but this API did not issue it for this `sort`.",
    "No page at this cursor: not a cursor this API issued; use the 'next' link of a page",
)
_NOT_ACCEPTABLE = _problem(
    NotAcceptable,
    "The Accept header allows no media type this endpoint produces.",
    "This endpoint can produce application/json; the request accepts none.",
    "/v1/statistics/x",
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
            Overloaded,
            "A whole-list CSV (or the export) while as many as the server runs at once are "
            "running; see Retry-After.",
            "As many exports and whole-list CSVs as this server runs at once are running; retry "
            "shortly, or ask for a page (limit, cursor).",
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
        as_of=(
            AsOfNote | None,
            Field(default=None, description="Only when `as_of=` is asked: the cut-off."),
        ),
        facets=(
            dict[str, list[FacetValue]] | None,
            Field(
                default=None,
                description="Only when `facets=` is asked: for each field, every value under "
                "the same filters (all pages), most frequent first.",
            ),
        ),
    )


class AsOfNote(BaseModel):
    date: str = Field(description="The `as_of` asked for, as written.")
    cutoff: str = Field(description="The last day it covers (ISO 8601).")
    dataset_version: str | None = Field(description="The dataset the answer was cut from.")


class SeriesDetail(SeriesPublic):
    as_of: AsOfNote | None = Field(
        default=None, description="Only when `as_of` is asked: the cut-off the series was cut at."
    )


class FacetValue(BaseModel):
    value: Any = Field(description="A value of the field (null: items without one).")
    count: int = Field(description="How many items of the whole list have it.")
    url: str | None = Field(description="This list narrowed to the value (null for no value).")


# What the API refuses in any free-text parameter (see app/api/routing.py), said in the schema.
PLAIN_TEXT_PATTERN = "^[^\\u0000-\\u001f\\u007f\\ufffd]*$"


_ANY_REQUEST = {
    "400": _BAD,
    "414": _problem(
        UriTooLong,
        "The request target is too long.",
        "The request target is longer than 16384 bytes.",
        "/v1/search",
    ),
    "429": _problem(
        RateLimited,
        "Rate limited (only when RATE_LIMIT_PER_MINUTE is set); see Retry-After.",
        "More than 600 requests a minute from this client.",
    ),
    "431": _problem(
        HeadersTooLarge,
        "The request headers are too large.",
        "The request headers are larger than 32768 bytes.",
    ),
    "500": _problem(
        InternalError,
        "An unexpected failure; nothing about it is disclosed, and it is logged.",
        "The server failed to answer this request; the failure has been logged.",
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

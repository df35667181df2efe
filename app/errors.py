"""One error hierarchy and one renderer: every error leaves as an RFC 9457 problem document."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"
log = logging.getLogger("korus_facts")


class AppError(Exception):
    """An error with an HTTP status and a problem type; subclasses name the common ones."""

    status = 400
    type = "bad-request"
    title = "Bad request"
    description = "The request cannot be answered as sent."

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class InvalidParameter(AppError):
    status = 400
    type = "invalid-parameter"
    title = "Invalid request parameter"
    description = "A query parameter is unknown, repeated, malformed or out of range."

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(
            f"Parameter '{parameter}': {message}",
            errors=[{"parameter": parameter, "message": message}],
        )


class NotFound(AppError):
    status = 404
    type = "not-found"
    title = "Not found"
    description = "No resource has this id or path."


class CursorNotFound(AppError):
    status = 404
    type = "cursor-not-found"
    title = "No page at this cursor"
    description = (
        "A `cursor` of the documented form that this API did not issue for the request's "
        "`sort`: it names no page. Follow the `next` link of a page instead."
    )


class NotAcceptable(AppError):
    status = 406
    type = "not-acceptable"
    title = "Not acceptable"
    description = "The endpoint cannot produce any media type the Accept header allows."


class MethodNotAllowed(AppError):
    status = 405
    type = "method-not-allowed"
    title = "Method not allowed"
    description = "The resource exists but does not answer this method."


class Overloaded(AppError):
    status = 503
    type = "overloaded"
    title = "Service unavailable"
    description = (
        "The server has as many connections or heavy requests as it takes; retry after the "
        "Retry-After seconds."
    )


class CorsRefused(AppError):
    status = 400
    type = "cors-refused"
    title = "CORS preflight refused"
    description = (
        "A CORS preflight asked for a method or request header this API does not allow from "
        "other origins."
    )


class RequestTimeout(AppError):
    status = 408
    type = "request-timeout"
    title = "Request Timeout"
    description = "The request's head and body did not arrive in time; the connection was closed."


class ContentTooLarge(AppError):
    status = 413
    type = "content-too-large"
    title = "Content Too Large"
    description = "The request has a body larger than the API reads (it reads none)."


class UriTooLong(AppError):
    status = 414
    type = "uri-too-long"
    title = "URI Too Long"
    description = "The request target is longer than the API accepts."


class HeadersTooLarge(AppError):
    status = 431
    type = "headers-too-large"
    title = "Request Header Fields Too Large"
    description = "The request headers are larger than the API accepts."


class RateLimited(AppError):
    status = 429
    type = "rate-limited"
    title = "Too Many Requests"
    description = "Too many requests from this client; retry after the Retry-After seconds."


class ServiceUnavailable(AppError):
    status = 503
    type = "unavailable"
    title = "Service unavailable"
    description = "The database is not ready: not reachable, not migrated, or not loaded."


class InternalError(AppError):
    status = 500
    type = "internal-error"
    title = "Internal server error"
    description = "An unexpected failure; nothing about it is disclosed."


class HttpError(AppError):
    """Another HTTP error the framework raises; its title is the status's own phrase."""

    type = "http-error"
    title = "HTTP error"
    description = "Another HTTP error."


def catalogue() -> dict[str, type[AppError]]:
    """Every problem type this API can answer with, by its type: the one list of them."""
    found: dict[str, type[AppError]] = {}
    pending: list[type[AppError]] = [AppError]
    while pending:
        error = pending.pop()
        found[error.type] = error
        pending.extend(error.__subclasses__())
    return dict(sorted(found.items()))


# The framework's errors by HTTP status, as this app's own: one type and one title each.
_FRAMEWORK_ERRORS: dict[int, type[AppError]] = {
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
}


def error_response(
    request: Request | None, error: type[AppError], detail: str, **headers: str
) -> Response:
    """The problem document of one of this app's error types, raised outside a route."""
    return problem_response(
        request, error.status, error.type, error.title, detail, headers=headers or None
    )


def problem_response(
    request: Request | None,
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    instance = str(request.url.path) if request is not None else None
    body = problem_body(status, problem_type, title, detail, instance, errors)
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_body(
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    instance: str | None,
    errors: list[dict[str, str]] | None = None,
) -> bytes:
    """The JSON of a problem document."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return orjson.dumps(body)


def _parameter_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "header", "body")]
    return ".".join(parts) or "request"


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return problem_response(
        request, exc.status, exc.type, exc.title, exc.detail, errors=exc.errors, headers=exc.headers
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": _parameter_name(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
        for e in exc.errors()
    ]
    names = ", ".join(dict.fromkeys(e["parameter"] for e in errors))
    return problem_response(
        request,
        InvalidParameter.status,
        InvalidParameter.type,
        InvalidParameter.title,
        f"Invalid value for: {names}",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    headers = dict(exc.headers or {})
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else phrase
    if status == 404:
        detail = f"No resource at {request.url.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed here; see the Allow header"
        headers = {**headers, "Allow": "GET, HEAD, OPTIONS"}  # every resource is read-only
    known = _FRAMEWORK_ERRORS.get(status)
    return problem_response(
        request,
        status,
        known.type if known else HttpError.type,
        known.title if known else phrase,
        detail,
        headers=headers,
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return error_response(
        request,
        InternalError,
        "The server failed to answer this request; the failure has been logged.",
    )


# How long a client should wait before asking again when the database is held by a load.
BUSY_RETRY_SECONDS = 5


def install_error_handlers(app: FastAPI, held: Callable[[BaseException | None], bool]) -> None:
    """Every error as a problem document. `held(driver_error)`: whether a database error is
    the database held by a writer past the busy timeout (SQLite, while a first load writes an
    unused file alone: app.db.locked): a 503 to retry, not a failure of this server."""

    async def database_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OperationalError) and held(exc.orig):
            return error_response(
                request,
                ServiceUnavailable,
                "The database is being loaded; retry after the Retry-After seconds.",
                **{"Retry-After": str(BUSY_RETRY_SECONDS)},
            )
        return await _unexpected(request, exc)

    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(OperationalError, database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


# Each problem type's description, for /problems/{type} and the OpenAPI document.
PROBLEM_TYPES = {name: error.description for name, error in catalogue().items()}

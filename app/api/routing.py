"""A route class that refuses what a route does not declare: unknown, repeated or NUL-bearing
query parameters are 400 problems naming the parameter, for every route at once. It is also
where each request is negotiated, once: the chosen media type is `request.state.media_type`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.api.threads import in_route_thread
from app.errors import InvalidParameter, Overloaded
from app.http import Streamed
from app.negotiation import CSV, JSON, negotiate

MAX_QUERY_LENGTH = 8192
# The `format` parameter of lists, which wins over the Accept header.
FORMATS = {"json": JSON, "csv": CSV}
PAGING = frozenset({"limit", "cursor"})


async def heavy(request: Request, handler: Callable[[Request], Awaitable[Response]]) -> Response:
    """Run a heavy request if fewer than HEAVY_REQUESTS are running in this process, else 503:
    a few exports must not take every route thread and the memory they need from the rest."""
    slots: asyncio.Semaphore = request.app.state.heavy_slots
    if slots.locked():
        raise Overloaded(
            "As many exports and whole-list CSVs as this server runs at once are running; "
            "retry shortly, or ask for a page (limit, cursor).",
            headers={"Retry-After": "2"},
        )
    await slots.acquire()
    try:
        response = await handler(request)
    except BaseException:
        slots.release()
        raise
    if isinstance(response, Streamed):  # held until the body has been sent (or abandoned)
        response.on_end.append(slots.release)
    else:
        slots.release()
    return response


def operation_id(route: APIRoute) -> str:
    """The operationId: the route function's name in camelCase (`listStatistics`), which is
    what SDK generators turn into method names."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class StrictRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["generate_unique_id_function"] = operation_id
        if not asyncio.iscoroutinefunction(endpoint):
            endpoint = in_route_thread(endpoint)  # the same signature: FastAPI reads it
        super().__init__(path, endpoint, **kwargs)
        # Heavy: reads everything (the export); a list asked for as CSV without paging is too.
        self.heavy = bool((self.openapi_extra or {}).get("x-heavy"))
        if self.operation_id is None:
            self.operation_id = self.unique_id

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        allowed = query_parameter_names(self.dependant)
        produces = self.media_types()

        async def strict_handler(request: Request) -> Response:
            check_query(request, allowed)
            chosen = FORMATS.get(request.query_params.get("format", ""))
            if chosen not in produces:  # `format=` names the representation outright
                chosen = negotiate(request.headers.get("accept"), produces)
            request.state.media_type = chosen
            if self.heavy or (chosen == CSV and PAGING.isdisjoint(request.query_params)):
                return await heavy(request, handler)
            return await handler(request)

        return strict_handler

    def media_types(self) -> list[str]:
        """What the route's 200 response can be, in the order the OpenAPI document lists them:
        the response class's media type first (a router's default class arrives wrapped in a
        placeholder), then the other declared contents. A route that declares none cannot be
        built: an empty offer would answer 406 to every client."""
        response_class = self.response_class
        if isinstance(response_class, DefaultPlaceholder):
            response_class = response_class.value
        declared = list(self.responses.get(200, {}).get("content", {}))
        default = getattr(response_class, "media_type", None)
        if isinstance(default, str) and default not in declared:
            declared.insert(0, default)
        if not declared:
            raise TypeError(f"route {self.path} declares no media type for its 200 response")
        return declared


def query_parameter_names(dependant: Dependant) -> set[str]:
    """Every query parameter a route and its dependencies declare."""
    names = set()
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= {f.alias or name for name, f in model.model_fields.items()}
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        names |= query_parameter_names(sub)
    return names


def check_query(request: Request, allowed: set[str]) -> None:
    if len(request.scope.get("query_string", b"")) > MAX_QUERY_LENGTH:
        raise InvalidParameter("query", f"the query string is longer than {MAX_QUERY_LENGTH} bytes")
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            hint = ", ".join(sorted(allowed)) or "none"
            raise InvalidParameter(name, f"unknown parameter; this endpoint accepts: {hint}")
        if name in seen:
            raise InvalidParameter(name, "given more than once")
        seen.add(name)
        if any(ord(ch) < 32 or ch in "\x7f\ufffd" for ch in value):
            raise InvalidParameter(name, "contains control characters or invalid UTF-8")

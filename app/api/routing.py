"""A route class that refuses what a route does not declare: unknown, repeated or NUL-bearing
query parameters are 400 problems naming the parameter, for every route at once."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import InvalidParameter
from app.http import JSON, negotiate

MAX_QUERY_LENGTH = 8192


class StrictRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        allowed = query_parameter_names(self.dependant)
        produces = self.media_types()

        async def strict_handler(request: Request) -> Response:
            check_query(request, allowed)
            negotiate(request, produces)
            return await handler(request)

        return strict_handler

    def media_types(self) -> list[str]:
        """What the route's 200 response can be, JSON first unless the route says otherwise."""
        declared = list(self.responses.get(200, {}).get("content", {}))
        default = getattr(self.response_class, "media_type", None)
        if isinstance(default, str) and default not in declared:
            declared.insert(0, default)
        return declared or [JSON]


def query_parameter_names(dependant: Dependant) -> set[str]:
    """Every query parameter a route and its dependencies declare."""
    names = {field.alias for field in dependant.query_params}
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

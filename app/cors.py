"""CORS for any origin, read methods only, with refusals as RFC 9457 problems (Starlette's
middleware answers a refused preflight in plain text). A preflight leaves before the conventions
middleware, so it sets what every response carries itself: the security headers and the dataset
version."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.docs import SECURITY_HEADERS
from app.errors import PROBLEM_MEDIA_TYPE, CorsRefused, problem_body

# What a browser on another origin may send and read. Request headers are the ones fetch,
# axios, jQuery and caches add; response headers are every one the contract documents.
ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"]
ALLOWED_HEADERS = [
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Cache-Control",
    "Content-Type",
    "If-Modified-Since",
    "If-None-Match",
    "Pragma",
    "X-Requested-With",
]
EXPOSED_HEADERS = [
    "Allow",
    "Content-Disposition",
    "ETag",
    "Link",
    "Retry-After",
    "X-Content-SHA256",
    "X-Dataset-Version",
]


class Cors(CORSMiddleware):
    def __init__(
        self, app: ASGIApp, version: Callable[[], Awaitable[str | None]] | None = None
    ) -> None:
        """`version`: the dataset version, as the conventions middleware gets it."""
        self.version = version
        super().__init__(
            app,
            allow_origins=["*"],
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A preflight as Starlette answers it, with the dataset version (read asynchronously,
        which Starlette's `preflight_response` cannot); anything else as Starlette handles it."""
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                response = self.preflight_response(headers)
                version = None if self.version is None else await self.version()
                if version:
                    response.headers["X-Dataset-Version"] = version
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = self._refusal_as_problem(super().preflight_response(request_headers))
        response.headers.update(SECURITY_HEADERS)  # it leaves before the conventions middleware
        return response

    def _refusal_as_problem(self, response: Response) -> Response:
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        body = problem_body(
            CorsRefused.status,
            CorsRefused.type,
            CorsRefused.title,
            f"This API allows GET, HEAD and OPTIONS from any origin with the request headers "
            f"{', '.join(ALLOWED_HEADERS)}; the preflight asked for another {refused}.",
            None,
        )
        kept = {"content-length", "content-type"}
        headers = {k: v for k, v in response.headers.items() if k.lower() not in kept}
        return Response(
            body, status_code=CorsRefused.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
        )

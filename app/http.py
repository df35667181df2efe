"""What the app installs around every route, in one middleware: limits, the response cache,
ETag/304, caching headers, gzip, the dataset version header, OPTIONS, the trailing-slash redirect
and the security headers of every response. A `Streamed` response (a whole list as CSV, the
export) is passed through as it is made, never held: its ETag is made from the request, gzip is
applied chunk by chunk, and a 304 or a HEAD is answered without making the body. What routes
themselves call to build a body is in app/rendering.py."""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from anyio import to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.docs import SECURITY_HEADERS
from app.errors import NotFound, problem_response
from app.identity import code_identity
from app.limits import RequestLimits
from app.negotiation import accept_ranges

READ_METHODS = "GET, HEAD, OPTIONS"


# The header a streamed response carries to the conventions (which remove it): send as you go.
_STREAMED = b"x-korus-streamed"
# The scope key where the conventions say they answered without the body (304, HEAD): a
# mutable dict {"answered": bool}, so that the body is never made.
_ANSWERED = "korus.answered"
# Bytes gathered before a streamed chunk is sent.
CHUNK = 1 << 16
_COMPRESSIBLE = re.compile(r"^(application/(json|problem\+json|xml)|text/|image/svg)")
_GZIP_SUFFIX = "-gzip"


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    bare = etag.strip('"').removesuffix(_GZIP_SUFFIX)
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"').removesuffix(_GZIP_SUFFIX)
        if tag == bare:
            return True
    return False


def _accepts_gzip(header: str | None) -> bool:
    """Whether Accept-Encoding admits gzip: its own entry decides, else `*` (RFC 9110 §12.5.3),
    so `gzip;q=0, *` is a refusal."""
    ranges = dict(accept_ranges(header or ""))
    return ranges.get("gzip", ranges.get("*/*", 0.0)) > 0


def stream_etag(version: str | None, scope: Scope, headers: Headers, content_type: str) -> str:
    """A strong ETag for a body made while it is sent: the dataset version, the code's identity
    and the canonical request (path, sorted query, Accept) say what the body will be."""
    query = scope.get("query_string", b"")
    digest = hashlib.sha256()
    for part in (
        (version or "").encode(),
        code_identity().encode(),
        scope["path"].encode(),
        b"&".join(sorted(query.split(b"&"))),
        (headers.get("accept") or "").encode(),
        content_type.encode(),
    ):
        digest.update(part + b"\0")
    return f'"{digest.hexdigest()[:32]}"'


class _Stream:
    """A streamed body on its way out: each chunk forwarded (gzipped when agreed), or, once the
    response was answered without a body, dropped."""

    def __init__(self, send: Send, compressor: Any = None, *, answered: bool = False) -> None:
        self.forward = send
        self.compressor = compressor
        self.answered = answered

    async def send(self, message: Message) -> None:
        if self.answered:
            return
        if message["type"] != "http.response.body":
            await self.forward(message)
            return
        body = message.get("body", b"")
        more = message.get("more_body", False)
        if self.compressor is not None:
            body = self.compressor.compress(body)
            if not more:
                body += self.compressor.flush()
        await self.forward({"type": "http.response.body", "body": body, "more_body": more})


class Streamed(StreamingResponse):
    """A response whose body is made while it is sent, from resources held in `stack` (a read
    snapshot, a heavy-request slot); they are released when the response ends, however it ends:
    sent, refused with a 304, answered to a HEAD, or abandoned by the client."""

    def __init__(
        self,
        chunks: Iterator[bytes],
        media_type: str,
        stack: ExitStack,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(self._body(), media_type=media_type, headers=headers)
        self.raw_headers.append((_STREAMED, b"1"))
        self.chunks = chunks
        self.stack = stack
        self.on_end: list[Callable[[], None]] = []  # run on the event loop, after the stack
        self.answered: dict[str, bool] = {}

    def _body(self) -> Iterator[bytes]:
        # runs once the response has started: by then the conventions know whether a body is due
        if not self.answered.get("answered"):
            yield from _gathered(self.chunks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.answered = scope.get(_ANSWERED) or {}
        try:
            await super().__call__(scope, receive, send)
        finally:
            try:
                await to_thread.run_sync(self.close)
            finally:
                for done in self.on_end:
                    done()

    def close(self) -> None:
        closing = getattr(self.chunks, "close", None)
        try:
            if closing is not None:
                closing()
        finally:
            self.stack.close()


def _gathered(pieces: Iterable[bytes]) -> Iterator[bytes]:
    buffer: list[bytes] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield b"".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield b"".join(buffer)


VersionProvider = Callable[[], Awaitable[str | None]]
_ENTITY_HEADERS = ("content-length", "content-type", "content-encoding", "content-disposition")


@dataclass
class Prepared:
    """A response with the conventions applied, ready to send to any request for it: what the
    response cache keeps. The gzip variant is made on first demand and kept."""

    status: int
    headers: list[tuple[bytes, bytes]]  # without Content-Length, ETag and Content-Encoding
    body: bytes
    etag: str | None = None  # only for cacheable GET/HEAD 200s
    compressible: bool = False
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        return 512 + len(self.body) + len(self.gzipped or b"")


class ResponseCache:
    """Serialised responses keyed by dataset version and canonical request, least recently used
    dropped beyond `max_bytes`. A new dataset version empties it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[Any, ...], Prepared] = OrderedDict()
        self.bytes = 0
        self.version: str | None = None

    def key(self, version: str, scope: Scope, headers: Headers) -> tuple[Any, ...]:
        query = scope.get("query_string", b"")
        canonical = b"&".join(sorted(query.split(b"&"))) if b"&" in query else query
        return (version, scope["path"], canonical, headers.get("accept"), headers.get("host"))

    def get(self, key: tuple[Any, ...]) -> Prepared | None:
        if key[0] != self.version:
            return None
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], prepared: Prepared) -> None:
        if prepared.size > self.max_bytes // 8:
            return
        if key[0] != self.version:
            self.entries.clear()
            self.bytes = 0
            self.version = key[0]
        old = self.entries.pop(key, None)
        self.bytes += prepared.size - (old.size if old else 0)
        self.entries[key] = prepared
        while self.bytes > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= dropped.size


class HttpConventions:
    """Pure ASGI middleware: request limits first, then the response cache, then the API's
    response conventions (ETag/304, Cache-Control, Vary, gzip, HEAD, security headers) on every
    response."""

    def __init__(
        self,
        app: ASGIApp,
        version: VersionProvider,
        max_age: int = 60,
        gzip_minimum_size: int = 1024,
        router: Any = None,
        limits: RequestLimits | None = None,
        cache_bytes: int = 0,
    ) -> None:
        self.app = app
        self.version = version
        self.max_age = max_age
        self.gzip_minimum_size = gzip_minimum_size
        self.router = router
        self.limits = limits or RequestLimits()
        self.cache = ResponseCache(cache_bytes) if cache_bytes > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        head = scope["method"] == "HEAD"
        refusal = self.limits.refusal(scope)
        if refusal is not None:
            await self._respond(scope, request_headers, refusal, send, head=head)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" not in request_headers:
            await self._options(scope, send)
            return
        redirect = self._slash_redirect(scope)
        if redirect is not None:
            await self._respond(scope, request_headers, redirect, send, head=head)
            return
        if head:  # answered as a GET whose body is dropped, so headers and ETag are the GET's
            scope = {**scope, "method": "GET"}
        key = None
        if self.cache is not None and scope["method"] == "GET":
            version = await self.version()
            if version is not None:
                key = self.cache.key(version, scope, request_headers)
                hit = self.cache.get(key)
                if hit is not None:
                    await self._send(hit, request_headers, send, head=head)
                    return
        start: Message | None = None
        chunks: list[bytes] = []
        answered = {"answered": False}
        scope = {**scope, _ANSWERED: answered}
        stream: _Stream | None = None

        async def capture(message: Message) -> None:
            nonlocal start, stream
            if message["type"] == "http.response.start":
                if any(name == _STREAMED for name, _ in message["headers"]):
                    stream = await self._stream_start(scope, message, request_headers, send, head)
                    answered["answered"] = stream.answered
                    return
                start = message
                return
            if stream is not None:
                await stream.send(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    assert start is not None
                    prepared = await self._prepare(scope, start, b"".join(chunks))
                    if key is not None and self._cacheable(prepared, scope, key[0]):
                        self.cache.put(key, prepared)  # type: ignore[union-attr]
                    await self._send(prepared, request_headers, send, head=head)
                return
            await send(message)

        await self.app(scope, receive, capture)

    @staticmethod
    def _cacheable(prepared: Prepared, scope: Scope, version: str) -> bool:
        """Only a GET 200 that the route read from the snapshot the key names, and that may be
        stored at all (health probes say no-store)."""
        state = scope.get("state") or {}
        if prepared.etag is None or state.get("dataset_version") != version:
            return False
        return not any(
            name == b"cache-control" and b"no-store" in value for name, value in prepared.headers
        )

    async def _respond(
        self, scope: Scope, request_headers: Headers, response: Response, send: Send, head: bool
    ) -> None:
        start = {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
        prepared = await self._prepare(scope, start, bytes(response.body))
        await self._send(prepared, request_headers, send, head=head)

    def _known(self, scope: Scope) -> bool:
        return self.router is None or any(
            route.matches({**scope, "method": "GET"})[0] == Match.FULL
            for route in self.router.routes
        )

    def _slash_redirect(self, scope: Scope) -> Response | None:
        """`/v1/statistics/` -> 308 to `/v1/statistics`, with a relative Location: it never
        takes a host from the request and never changes the scheme the client used."""
        path: str = scope["path"]
        if len(path) < 2 or not path.endswith("/") or self._known(scope):
            return None
        target = path.rstrip("/") or "/"
        if not self._known({**scope, "path": target}):
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        location = quote(target) + (f"?{query}" if query else "")
        return Response(status_code=308, headers={"Location": location})

    async def _options(self, scope: Scope, send: Send) -> None:
        known = self._known(scope)
        if known:
            response = Response(status_code=204, headers={"Allow": READ_METHODS})
        else:
            response = problem_response(
                Request(scope),
                NotFound.status,
                NotFound.type,
                NotFound.title,
                f"No resource at {scope['path']}",
            )
        await self._respond(scope, Headers(scope=scope), response, send, head=False)

    async def _headers(self, scope: Scope, start: Message) -> tuple[MutableHeaders, str | None]:
        """Every response's headers: the dataset version, the security headers, no Server and
        no Content-Length (set when the body is sent, if it is known)."""
        headers = MutableHeaders(raw=[(k, v) for k, v in start["headers"] if k != _STREAMED])
        state = scope.get("state") or {}
        version = state.get("dataset_version") or await self.version()
        if version:
            headers["X-Dataset-Version"] = version
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        for name in ("server", "content-length"):
            if name in headers:
                del headers[name]
        return headers, version

    def _cacheable_headers(self, headers: MutableHeaders) -> None:
        headers.setdefault("Cache-Control", f"public, max-age={self.max_age}")
        headers.append("Vary", "Accept, Accept-Encoding")

    async def _prepare(self, scope: Scope, start: Message, body: bytes) -> Prepared:
        status = start["status"]
        headers, version = await self._headers(scope, start)
        if scope["method"] not in ("GET", "HEAD") or status != 200:
            return Prepared(status, headers.raw, body)
        digest = hashlib.sha256()
        digest.update((version or "").encode())
        digest.update(b"\0" + headers.get("content-type", "").encode() + b"\0")
        digest.update(body)
        self._cacheable_headers(headers)
        compressible = len(body) > self.gzip_minimum_size and bool(
            _COMPRESSIBLE.match(headers.get("content-type", ""))
        )
        return Prepared(
            status, headers.raw, body, f'"{digest.hexdigest()[:32]}"', compressible=compressible
        )

    async def _stream_start(
        self, scope: Scope, start: Message, request_headers: Headers, send: Send, head: bool
    ) -> _Stream:
        """A streamed response's headers: the conventions' own, with an ETag made from the
        request (the body is not held to hash it) and gzip applied chunk by chunk. A 304 or a
        HEAD is answered here, and the body is never made."""
        headers, version = await self._headers(scope, start)
        self._cacheable_headers(headers)
        content_type = headers.get("content-type", "")
        compress = bool(_COMPRESSIBLE.match(content_type)) and _accepts_gzip(
            request_headers.get("accept-encoding")
        )
        etag = stream_etag(version, scope, request_headers, content_type)
        if compress:
            etag = etag[:-1] + _GZIP_SUFFIX + '"'
            headers["Content-Encoding"] = "gzip"
        headers["ETag"] = etag
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None and _etag_matches(if_none_match, etag):
            kept = [(k, v) for k, v in headers.raw if k.decode().lower() not in _ENTITY_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return _Stream(send, answered=True)
        await send(
            {"type": "http.response.start", "status": start["status"], "headers": headers.raw}
        )
        if head:
            await send({"type": "http.response.body", "body": b""})
            return _Stream(send, answered=True)
        return _Stream(send, zlib.compressobj(6, zlib.DEFLATED, 31) if compress else None)

    async def _send(
        self, prepared: Prepared, request_headers: Headers, send: Send, *, head: bool
    ) -> None:
        headers = list(prepared.headers)
        body = prepared.body
        if prepared.etag is not None:
            compress = prepared.compressible and _accepts_gzip(
                request_headers.get("accept-encoding")
            )
            etag = prepared.etag[:-1] + _GZIP_SUFFIX + '"' if compress else prepared.etag
            headers.append((b"etag", etag.encode()))
            if_none_match = request_headers.get("if-none-match")
            if if_none_match is not None and _etag_matches(if_none_match, etag):
                kept = [(k, v) for k, v in headers if k.decode().lower() not in _ENTITY_HEADERS]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            if compress:
                if prepared.gzipped is None:
                    prepared.gzipped = gzip.compress(body, compresslevel=6, mtime=0)
                body = prepared.gzipped
                headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": prepared.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})


_AS_OF_PATH = re.compile(r"^/v1/as-of/([^/]{1,10})/(.+)$")


class AsOfPaths:
    """`/v1/as-of/2017-08-21/statistics?limit=5` is `/v1/statistics?limit=5&as_of=2017-08-21`:
    the same answer under a path of its own, for caches that key on the path only. Installed
    inside the conventions, so the response cache and ETags see the path as asked."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (match := _AS_OF_PATH.match(scope["path"])):
            day, rest = match.groups()
            query = scope.get("query_string", b"")
            extra = urlencode({"as_of": day}).encode()
            scope = {
                **scope,
                "path": f"/v1/{rest}",
                "raw_path": f"/v1/{rest}".encode(),
                "query_string": query + b"&" + extra if query else extra,
            }
        await self.app(scope, receive, send)

"""The HTTP protocol the server runs: uvicorn's httptools protocol with the limits one client
must not be able to break, enforced before a request reaches the app (docs/RELIABILITY.md,
"Serving limits").

- A request line over MAX_LINE_BYTES (414) or a head (request line and headers) over
  MAX_HEAD_BYTES (431) is refused as soon as that many bytes arrived (httptools would buffer it
  without limit).
- A body over MAX_BODY_BYTES (the API reads none): 413.
- A request whose head and body take longer than REQUEST_SECONDS to arrive (slowloris): 408.
- A connection that sends nothing for IDLE_SECONDS after it opens is closed; between requests
  uvicorn's keep-alive timeout does the same.
- More than MAX_CONNECTIONS open connections per process: the new one gets a 503 and is closed.
- What httptools cannot parse (a bad method, a malformed line): 400.

Every such answer is a problem document with the API's security headers, then the connection
closes: no response leaves without them.

`prepare_process` raises the open-file limit to what the system allows (an idle socket costs a
descriptor; MAX_CONNECTIONS stays well under it), and a worker of `serve --workers N` asks the
kernel to end it when its master dies, so that `kill -9` of the master leaves no orphan serving.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import resource
import signal
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.docs import SECURITY_HEADERS
from app.errors import (
    AppError,
    ContentTooLarge,
    HeadersTooLarge,
    Overloaded,
    RequestTimeout,
    UriTooLong,
    problem_body,
)

MAX_HEAD_BYTES = 64 * 1024  # the app refuses URLs over 16 KiB (414) and headers over 32 KiB (431)
MAX_LINE_BYTES = 32 * 1024
MAX_BODY_BYTES = 64 * 1024
REQUEST_SECONDS = 10.0
IDLE_SECONDS = 10.0
MAX_CONNECTIONS = 512

# The refusals the server writes itself, each one of the app's problem types.
_ERRORS: dict[int, type[AppError]] = {
    error.status: error
    for error in (
        AppError,
        RequestTimeout,
        ContentTooLarge,
        UriTooLong,
        HeadersTooLarge,
        Overloaded,
    )
}


WORKER_ENV = "KORUS_FACTS_WORKER"  # set by `serve --workers N` for the processes it starts
_PR_SET_PDEATHSIG = 1


def prepare_process() -> None:
    """Raise the soft open-file limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def die_with_master() -> None:
    """In a worker process: be sent SIGTERM when the master dies (Linux), and stop now if it
    already has."""
    if os.environ.get(WORKER_ENV) != "1" or not hasattr(os, "getppid"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        return
    if os.getppid() == 1:
        os.kill(os.getpid(), signal.SIGTERM)


def refusal(status: int, detail: str) -> bytes:
    """A complete HTTP/1.1 response: the problem document, the security headers, and
    `Connection: close`."""
    error = _ERRORS[status]
    body = problem_body(status, error.type, error.title, detail, None)
    headers = {
        **SECURITY_HEADERS,
        "Content-Type": "application/problem+json",
        "Content-Length": str(len(body)),
        "Connection": "close",
        "Cache-Control": "no-store",
    }
    if status == 503:
        headers["Retry-After"] = "1"
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode("latin-1")
    head += b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in headers.items())
    return head + b"\r\n" + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes: int | None = 0  # bytes of the head being read; None once it is read
        self._line_bytes: int | None = 0  # bytes of its request line; None once it ended
        self._body_bytes = 0
        self._deadline: asyncio.TimerHandle | None = None
        self._in_message = False  # from the first byte of a request to its last

    # -- timers ---------------------------------------------------------------------------------

    def _arm(self, seconds: float, status: int, detail: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire, status, detail)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, status: int, detail: str) -> None:
        self._deadline = None
        if status == 0:  # idle: nothing was asked, nothing to answer
            self.transport.close()
        else:
            self._refuse(status, detail)

    def _refuse(self, status: int, detail: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(refusal(status, detail))
            self.transport.close()

    # -- the protocol ---------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > MAX_CONNECTIONS:
            self._refuse(503, f"More than {MAX_CONNECTIONS} open connections; retry shortly.")
            return
        self._arm(IDLE_SECONDS, 0, "")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._head_bytes is not None:
            blank = data.find(b"\r\n\r\n")  # the head ends here: what follows is a body
            self._head_bytes += len(data) if blank < 0 else blank + 4
            if self._line_bytes is not None:
                end = data.find(b"\n")
                self._line_bytes += len(data) if end < 0 else end
                if self._line_bytes > MAX_LINE_BYTES:
                    self._refuse(414, f"The request line is longer than {MAX_LINE_BYTES} bytes.")
                    return
                if end >= 0:
                    self._line_bytes = None
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(431, f"The request head is larger than {MAX_HEAD_BYTES} bytes.")
                return
        super().data_received(data)
        if self._in_message and self._deadline is None and not self.transport.is_closing():
            # Only a request that did not arrive in one read gets a timer: most arrive whole,
            # and arming a timer for every request cost a cached answer several per cent.
            self._arm(
                REQUEST_SECONDS, 408, f"The request did not arrive within {REQUEST_SECONDS:g} s."
            )

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "The request is not valid HTTP/1.1 (a malformed line or method).")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._disarm()  # a new connection's idle timer
        self._head_bytes = 0
        self._body_bytes = 0
        self._in_message = True

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        self._line_bytes = 0
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > MAX_BODY_BYTES:
            self._refuse(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._in_message = False
        self._disarm()
        super().on_message_complete()

"""Request limits that protect the service: URL length, header size, and optional per-client
rate limiting. Each refusal is an RFC 9457 problem, decided before any route runs."""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from app.errors import HeadersTooLarge, RateLimited, UriTooLong, error_response

MAX_URL_BYTES = 16384
MAX_HEADER_BYTES = 32768
_CLIENTS = 10_000  # buckets kept; the least recently seen are dropped beyond this


class TokenBuckets:
    """One bucket per client: `rate` requests a minute, bursts up to `rate`."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        tokens, at = self.buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.refill)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.refill
        self.buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
        while len(self.buckets) > _CLIENTS:
            self.buckets.popitem(last=False)
        return wait


class RequestLimits:
    """The refusals every request is checked against first (called by app.http.HttpConventions
    before anything else, its response cache included, so a cached answer is still limited)."""

    def __init__(self, rate_per_minute: int = 0) -> None:
        self.buckets = TokenBuckets(rate_per_minute) if rate_per_minute > 0 else None

    def refusal(self, scope: Scope) -> Response | None:
        """The problem response refusing this request, or None if it may go ahead."""
        url_bytes = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if url_bytes > MAX_URL_BYTES:
            return error_response(
                Request(scope),
                UriTooLong,
                f"The request target is longer than {MAX_URL_BYTES} bytes.",
            )
        header_bytes = sum(len(k) + len(v) for k, v in scope.get("headers", []))
        if header_bytes > MAX_HEADER_BYTES:
            return error_response(
                Request(scope),
                HeadersTooLarge,
                f"The request headers are larger than {MAX_HEADER_BYTES} bytes.",
            )
        if self.buckets is not None:
            client = scope.get("client") or ("unknown", 0)
            wait = self.buckets.take(client[0], time.monotonic())
            if wait > 0:
                return error_response(
                    Request(scope),
                    RateLimited,
                    f"More than {int(self.buckets.capacity)} requests a minute from this client.",
                    **{"Retry-After": str(math.ceil(wait))},
                )
        return None

"""Plain `def` routes run on the route threads of app/api/threads.py, not through Starlette's
own thread hop: on the pool the app's lifespan makes (`THREADS` threads), with the request's
context variables, the route's signature (its parameters and their checks), and a cancelled
request waiting for its thread, as Starlette's hop made it wait."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query
from starlette.testclient import TestClient

from app.api import deps
from app.api.routing import StrictRoute
from app.api.threads import in_route_thread, route_threads
from app.config import Settings
from app.db import locked
from app.errors import install_error_handlers
from app.main import create_app

ASKED: contextvars.ContextVar[str] = contextvars.ContextVar("asked", default="unset")


def _app(threads: int) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        with route_threads(threads):
            yield

    router = APIRouter(route_class=StrictRoute)

    @router.get("/where")
    def where(n: Annotated[int, Query(ge=1)]) -> dict[str, object]:
        return {"thread": threading.current_thread().name, "n": n, "asked": ASKED.get()}

    app = FastAPI(lifespan=lifespan)
    install_error_handlers(app, held=locked)

    @app.middleware("http")
    async def mark(request, call_next):  # type: ignore[no-untyped-def]
        ASKED.set(request.url.path)
        return await call_next(request)

    app.include_router(router)
    return app


async def _get(app: FastAPI, *paths: str) -> list[httpx.Response]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        return list(await asyncio.gather(*(client.get(p) for p in paths)))


def test_a_plain_route_runs_on_the_route_threads_with_the_requests_context() -> None:
    answers = asyncio.run(_get(_app(threads=2), *[f"/where?n={i}" for i in range(1, 9)]))
    assert [r.status_code for r in answers] == [200] * 8
    assert [r.json()["n"] for r in answers] == list(range(1, 9))
    names = {r.json()["thread"] for r in answers}
    assert all(name.startswith("route") for name in names)
    assert 1 <= len(names) <= 2  # THREADS of them, never more
    assert {r.json()["asked"] for r in answers} == {"/where"}


def test_a_plain_routes_parameters_are_still_checked() -> None:
    (answer,) = asyncio.run(_get(_app(threads=2), "/where?n=0"))
    assert answer.status_code == 400  # the query's checks, as a problem
    assert answer.headers["content-type"] == "application/problem+json"
    (unknown,) = asyncio.run(_get(_app(threads=2), "/where?n=1&m=2"))
    assert unknown.status_code == 400  # StrictRoute still sees the declared parameters


def test_the_documented_parameters_of_a_plain_route_are_its_own() -> None:
    schema = _app(threads=1).openapi()
    (parameter,) = schema["paths"]["/where"]["get"]["parameters"]
    assert parameter["name"] == "n" and parameter["in"] == "query"


def test_the_apps_routes_run_on_its_route_threads(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real app: its lifespan makes THREADS route threads, and its routes' database work
    runs there (every route opens its read transaction with `deps.reading`)."""
    seen: set[str] = set()
    reading = deps.reading

    def noted(request: Any) -> Any:
        seen.add(threading.current_thread().name)
        return reading(request)

    monkeypatch.setattr(deps, "reading", noted)
    app = create_app(Settings(database_url=migrated_url, threads=3, response_cache_mb=0))
    with TestClient(app) as client:
        for path in ["/v1/statistics?limit=1", "/v1/search?q=steel", "/v1/sources"] * 4:
            assert client.get(path).status_code == 200
    assert seen and all(name.startswith("route") for name in seen) and len(seen) <= 3


def test_a_cancelled_request_waits_for_its_thread() -> None:
    release, finished = threading.Event(), threading.Event()

    def slow() -> None:
        release.wait(5)
        finished.set()

    async def main() -> None:
        with route_threads(1):
            task = asyncio.create_task(in_route_thread(slow)())
            await asyncio.sleep(0.05)
            task.cancel()
            await asyncio.sleep(0.05)
            assert not task.done()  # still waiting for the thread, as Starlette's hop did
            release.set()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert finished.is_set()

    asyncio.run(main())


def test_a_routes_exception_reaches_the_caller() -> None:
    def fails() -> None:
        raise LookupError("from the route")

    async def main() -> None:
        with route_threads(1):
            await in_route_thread(fails)()

    with pytest.raises(LookupError, match="from the route"):
        asyncio.run(main())

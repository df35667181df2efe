"""The ASGI application: `create_app(settings)` for tests and tools, `app` for uvicorn."""

from __future__ import annotations

from app import startup

startup.pause_collector()  # before the imports below: see app/startup.py

import asyncio  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402
from contextlib import asynccontextmanager  # noqa: E402

from anyio import CapacityLimiter, to_thread  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402

from app.api import openapi  # noqa: E402
from app.api.deps import dataset_version_provider  # noqa: E402
from app.api.routes import (  # noqa: E402
    analysis,
    changes,
    citations,
    export,
    health,
    meetings,
    metrics,
    milestones,
    organizations,
    pages,
    people,
    problems,
    provisions,
    search,
    series,
    sources,
    statements,
    statistics,
    timeline,
)
from app.api.routing import StrictRoute  # noqa: E402
from app.api.threads import route_threads  # noqa: E402
from app.config import Settings, get_settings  # noqa: E402
from app.cors import Cors  # noqa: E402
from app.db import locked, make_engine  # noqa: E402
from app.docs import install_docs  # noqa: E402
from app.errors import install_error_handlers  # noqa: E402
from app.http import AsOfPaths, HttpConventions  # noqa: E402
from app.limits import RequestLimits  # noqa: E402
from app.serving import die_with_master  # noqa: E402

DESCRIPTION = """
Citation-first facts of the 2017-2018 renegotiation of the U.S.-Korea Free Trade Agreement
(KORUS): statistics, provisions, meetings, milestones, people, organisations and statements,
each with the exact characters of the document it comes from. `source_text[start:end] == quote`
holds for every citation.

Lists answer `{"items": [...], "next": ...}` with keyset cursors, `sort`, filters, and CSV
(`Accept: text/csv` or `format=csv`). Errors are RFC 9457 problem documents.
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # One connection per route thread (only they touch the database), plus two spare.
    engine = make_engine(settings.database_url, pool_size=settings.threads, max_overflow=2)
    app.state.engine = engine
    # Routes run on THREADS route threads (app/api/threads.py, made below); a few suffice (each
    # request is short) and fewer threads contend less for the GIL (docs/PERFORMANCE.md has the
    # measurements). Streamed bodies and the dataset version's read use anyio's, as many.
    to_thread.current_default_thread_limiter().total_tokens = settings.threads
    app.state.version_cache = (None, 0.0)
    app.state.heavy_slots = asyncio.Semaphore(settings.heavy_requests)
    # Probes get threads of their own: a busy server still answers /readyz.
    app.state.probe_threads = CapacityLimiter(2)
    try:
        with route_threads(settings.threads):
            yield
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="korus-facts",
        version="1",
        summary="Citation-first facts of the 2017-2018 KORUS renegotiation.",
        description=DESCRIPTION,
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by app.api.openapi's route, which negotiates like the rest
        openapi_tags=openapi.TAGS,
        servers=openapi.SERVERS,
    )
    app.state.settings = settings or get_settings()
    # A trailing slash is redirected by the conventions middleware, with a relative Location
    # (Starlette's own redirect builds an absolute one from the Host header).
    app.router.redirect_slashes = False
    # Routes the app declares itself (the docs pages) negotiate and refuse unknown parameters
    # like the routers' routes.
    app.router.route_class = StrictRoute
    install_error_handlers(app, held=locked)
    install_docs(app)
    app.mount(
        "/explorer-assets",
        StaticFiles(directory=str(pages.WEB / "static")),
        name="explorer-assets",
    )
    for module in (
        health,
        sources,
        metrics,
        statistics,
        provisions,
        meetings,
        milestones,
        people,
        organizations,
        statements,
        series,
        citations,
        changes,
        analysis,
        timeline,
        search,
        export,
        problems,
        openapi,
        pages,
    ):
        # Each router's routes are complete (prefix, tags, route class, response class), so they
        # join the app as they are. `include_router` would wrap the router and build every one of
        # its routes a second time on the first request that passes it (FastAPI 0.163).
        app.router.routes.extend(module.router.routes)

    app.openapi = lambda: openapi.build_openapi(app)  # type: ignore[method-assign]
    # Outermost last: CORS, then the limits, the response cache and the response conventions.
    settings = app.state.settings
    version = dataset_version_provider(app)
    app.add_middleware(AsOfPaths)
    app.add_middleware(
        HttpConventions,
        version=version,
        max_age=settings.cache_max_age,
        gzip_minimum_size=settings.gzip_minimum_size,
        router=app.router,
        limits=RequestLimits(settings.rate_limit_per_minute),
        cache_bytes=settings.response_cache_mb * 1024 * 1024,
    )
    app.add_middleware(Cors, version=version)
    return app


app = create_app()
die_with_master()
startup.resume_collector()

"""/healthz and /readyz: is the process up, and can it answer with data."""

from __future__ import annotations

from typing import Literal

from anyio import to_thread
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from app import schema
from app.api.routing import StrictRoute
from app.errors import ServiceUnavailable
from app.queries.dataset import dataset_version
from app.rendering import json_response

router = APIRouter(tags=["health"], route_class=StrictRoute)


class Liveness(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok` while the process runs.")


class Readiness(BaseModel):
    status: Literal["ready"] = Field(description="`ready`: the API can answer with data.")
    dataset_version: str = Field(description="Version of the loaded dataset.")
    schema_revision: str = Field(alias="schema", description="The database's migration revision.")


NO_STORE = {"Cache-Control": "no-store"}  # probes must never be answered from a cache


@router.get("/healthz", summary="Liveness", response_model=Liveness)
async def get_liveness() -> Response:
    """200 while the process runs; it does not touch the database (nor take a route thread)."""
    return json_response({"status": "ok"}, NO_STORE)


@router.get(
    "/readyz",
    summary="Readiness",
    response_model=Readiness,
    responses={503: {"description": "Not ready."}},
)
async def get_readiness(request: Request) -> Response:
    """200 only when the database answers, its migrations are at head and the seed is loaded.
    It runs on the probes' own threads, so a server whose route threads are busy still says."""
    revision, head, version = await to_thread.run_sync(
        _read_state, request, limiter=request.app.state.probe_threads
    )
    if revision != head:
        raise ServiceUnavailable(f"The database schema is at {revision}, not at head {head}.")
    if version is None:
        raise ServiceUnavailable("No dataset is loaded; run `korus-facts load`.")
    request.state.dataset_version = version  # the header says what the body says
    return json_response(
        {"status": "ready", "dataset_version": version, "schema": revision}, NO_STORE
    )


def _read_state(request: Request) -> tuple[str | None, str | None, str | None]:
    engine = request.app.state.engine
    head = schema.head_revision(request.app.state.settings.database_url)
    try:
        with engine.connect() as conn:
            revision = schema.current_revision(conn)
            version = dataset_version(conn) if revision == head else None
    except Exception:
        raise ServiceUnavailable("The database does not answer.") from None
    return revision, head, version

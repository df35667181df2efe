"""/v1/changes: what the loads since a dataset version added, changed and removed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from app.api.deps import reading
from app.api.responses import PROBLEMS
from app.api.routing import StrictRoute
from app.models.dataset import ChangesPublic
from app.queries.changes import changes_since
from app.rendering import json_response
from app.vocabulary import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["changes"], route_class=StrictRoute)


@router.get(
    "/changes",
    response_model=ChangesPublic,
    responses=PROBLEMS["detail"],
    summary="What changed since a dataset version",
)
def list_changes(
    request: Request,
    since: Annotated[
        str,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[0-9a-f]+$",
            description="A dataset version you hold (`X-Dataset-Version`, `/readyz`, or the "
            "export's `dataset_version`).",
        ),
    ],
) -> Response:
    """Every resource the loads since `since` added, changed (with the fields that changed) or
    removed, merged into one answer, so that a service can fetch only those. The last 100 loads
    are remembered; an older or unknown version is a 404 (download everything again)."""
    with reading(request) as conn:
        found = changes_since(conn, since)
    return json_response(found)

"""/problems/{type}: what each problem `type` URI of this API means."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from app.api.responses import PROBLEMS
from app.api.routing import StrictRoute
from app.errors import PROBLEM_TYPES, NotFound
from app.rendering import json_response

router = APIRouter(tags=["health"], route_class=StrictRoute)


class ProblemType(BaseModel):
    type: str = Field(description="The problem `type` URI.")
    description: str = Field(description="What it means.")


@router.get(
    "/problems/{problem_type}",
    summary="Describe a problem type",
    response_model=ProblemType,
    responses={404: PROBLEMS["detail"][404]},
)
def get_problem_type(
    problem_type: Annotated[
        str,
        Path(
            description="The slug of a problem `type`.",
            json_schema_extra={"enum": sorted(PROBLEM_TYPES), "maxLength": 60},
        ),
    ],
) -> Any:
    """What a problem `type` URI of this API means."""
    if problem_type not in PROBLEM_TYPES:
        raise NotFound(f"No problem type '{problem_type[:60]}'")
    return json_response(
        {"type": f"/problems/{problem_type}", "description": PROBLEM_TYPES[problem_type]}
    )

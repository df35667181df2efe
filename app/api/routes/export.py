"""/v1/export: the whole dataset in one JSON document."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import Field
from starlette.requests import Request
from starlette.responses import Response

from app.api.deps import streamed
from app.api.responses import PROBLEMS
from app.api.routing import StrictRoute
from app.models import (
    CheckPublic,
    DiscrepancyPublic,
    MeetingPublic,
    MetricPublic,
    MilestonePublic,
    OrganizationPublic,
    PersonPublic,
    ProvisionPublic,
    SourcePublic,
    StatementPublic,
    StatisticPublic,
)
from app.models.filters import AsOf
from app.negotiation import JSON
from app.queries.export import export_chunks
from app.vocabulary import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["export"], route_class=StrictRoute)


class SourceWithText(SourcePublic):
    text: str = Field(description="The exact text.")


class ExportComplete(BaseModel):
    counts: dict[str, int] = Field(description="How many items each list holds.")


class Export(BaseModel):
    dataset_version: str | None = Field(description="The version of everything loaded.")
    loaded_at: str | None = Field(description="When it was loaded (ISO 8601, UTC).")
    as_of: str | None = Field(description="The `as_of` asked for, if any.")
    sources: list[SourceWithText] = Field(description="Every source, with its exact text.")
    metrics: list[MetricPublic] = Field(description="Every metric.")
    statistics: list[StatisticPublic] = Field(description="Every statistic.")
    provisions: list[ProvisionPublic] = Field(description="Every provision.")
    meetings: list[MeetingPublic] = Field(description="Every meeting.")
    milestones: list[MilestonePublic] = Field(description="Every milestone.")
    people: list[PersonPublic] = Field(description="Every person.")
    organizations: list[OrganizationPublic] = Field(description="Every organisation.")
    statements: list[StatementPublic] = Field(description="Every statement.")
    discrepancies: list[DiscrepancyPublic] = Field(description="Every discrepancy.")
    checks: list[CheckPublic] = Field(description="Every arithmetic check.")
    complete: ExportComplete = Field(
        description="Always the last member: a document without it was cut short."
    )


@router.get(
    "/export",
    response_model=Export,
    responses={**PROBLEMS["plain"], 503: PROBLEMS["list"][503]},
    summary="Export the whole dataset",
    openapi_extra={"x-heavy": True},
)
def export_dataset(request: Request, as_of: Annotated[AsOf, Query()] = None) -> Response:
    """Every resource in one JSON document, the sources' exact texts included, with the dataset
    version: what a fact-checker needs to verify everything offline. Sent while it is made (its
    size does not cost the server memory); its last member, `complete`, counts every list."""
    return streamed(request, lambda conn: export_chunks(conn, as_of), JSON)

"""Milestones: dated events that are not meetings."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.names import DateBasis
from app.models.types import NonEmpty, SeedDate, Slug


class MilestoneSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    title: NonEmpty
    date: SeedDate
    date_basis: DateBasis = "event"
    date_disputed: str | None = None
    cause: str | None = None
    summary: str | None = None
    citations: list[CitationSeed] = PField(min_length=1)


class MilestoneBase(SQLModel):
    title: str = Field(description="What happened.")
    date_precision: Precision = Field(
        sa_type=String(8), description="How precisely `date` is known."
    )
    date_basis: DateBasis = Field(
        default="event",
        sa_type=String(8),
        description="`event`: when it happened; `reported`: the date of the report a source "
        "cites for it (it happened no later).",
    )
    date_disputed: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="Set when sources date the event differently: how, in the curator's words. "
        "The dispute is shown, not resolved.",
    )
    cause: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="Why it happened, in the source's own words (verbatim in a citation).",
    )
    summary: str | None = Field(
        default=None, sa_column=Column(Text), description="More detail, in brief."
    )


class Milestone(MilestoneBase, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    date: dt.date
    date_last: dt.date


class MilestonePublic(MilestoneBase):
    id: str = Field(description="Stable slug of the milestone.")
    url: str = Field(description="This resource's own relative path.")
    date: str = Field(description="When, ISO 8601 at its precision.")
    citations: list[CitationPublic] = Field(description="Where the event is reported.")

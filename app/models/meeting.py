"""Meetings: who met where and when, with the participants the sources name."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.types import Code, Iso3, NonEmpty, SeedDate, Slug


class LocationSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: str | None = None
    country: Iso3 | None = None


class ParticipantSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: NonEmpty
    role: str | None = None
    organization: str | None = None
    organization_id: Slug | None = None
    country: Iso3 | None = None
    lead: bool = False


class MeetingSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    title: NonEmpty
    kind: Code
    start_date: SeedDate
    end_date: SeedDate | None = None
    location: LocationSeed | None = None
    participants: list[ParticipantSeed] = PField(default_factory=list)
    summary: str | None = None
    citations: list[CitationSeed] = PField(min_length=1)


class MeetingBase(SQLModel):
    title: str = Field(description="Short name of the meeting.")
    kind: str = Field(
        index=True,
        description="What sort of meeting.",
        schema_extra={
            "examples": ["summit", "joint_committee_special_session", "negotiation_round"]
        },
    )
    start_date_precision: Precision = Field(
        sa_type=String(8), description="How precisely `start_date` is known."
    )
    end_date_precision: Precision | None = Field(
        sa_type=String(8),
        default=None,
        description="How precisely the date is known: `year`, `month` or `day`.",
    )
    summary: str | None = Field(
        default=None, sa_column=Column(Text), description="What happened, in brief."
    )


class Meeting(MeetingBase, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    start_date: date
    end_date: date | None = None
    span_last: date = Field(description="Last day the meeting may cover (internal, for filters).")
    location_city: str | None = None
    location_country: str | None = None


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_pk", "position"),)

    pk: int | None = Field(default=None, primary_key=True)
    meeting_pk: int = Field(
        sa_column=Column(
            Integer, ForeignKey("meeting.pk", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int
    name: str
    role: str | None = None
    organization: str | None = None
    organization_id: str | None = None
    person_id: str | None = None
    country: str | None = None
    lead: bool = False


class LocationPublic(SQLModel):
    city: str | None = Field(default=None, description="City.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")


class ParticipantPublic(SQLModel):
    name: str = Field(description="Name as the source gives it.")
    role: str | None = Field(default=None, description="Title or function.")
    organization: str | None = Field(default=None, description="Organisation represented.")
    organization_id: str | None = Field(
        default=None, description="That organisation's id, where it is one."
    )
    person_id: str | None = Field(default=None, description="The person's id.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")
    lead: bool = Field(description="True for the head of a delegation.")


class MeetingPublic(MeetingBase):
    id: str = Field(description="Stable slug of the meeting.")
    url: str = Field(description="This resource's own relative path.")
    start_date: str = Field(description="First day, ISO 8601 at its precision.")
    end_date: str | None = Field(default=None, description="Last day, if it spans several.")
    location: LocationPublic | None = Field(default=None, description="Where, if known.")
    participants: list[ParticipantPublic] = Field(description="Who took part.")
    citations: list[CitationPublic] = Field(description="Where the meeting is reported.")

"""Statements: who said or wrote what, when, to whom, and where it is reported, verbatim."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PField
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.names import DateBasis
from app.models.organization import LinkPublic
from app.models.types import Code, Iso3, NonEmpty, SeedDate, Slug

StatementKind = Literal["quote", "paraphrase", "position", "allegation", "commitment"]
SpeakerType = Literal["person", "organization"]


class StatementSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    kind: StatementKind
    speakers: list[Slug]
    speaker_as_stated: str | None = None
    countries: list[Iso3] = PField(default_factory=list)
    organization: Slug | None = None
    text: NonEmpty
    date: SeedDate
    date_basis: DateBasis
    date_note: str | None = None
    medium: Code
    audience: str | None = None
    meeting: Slug | None = None
    reported_by: Slug | None = None
    statistic_ids: list[Slug] = PField(default_factory=list)
    provision_ids: list[Slug] = PField(default_factory=list)
    note: str | None = None
    citations: list[CitationSeed] = PField(min_length=1)

    @model_validator(mode="after")
    def _someone_speaks(self) -> StatementSeed:
        if not self.speakers and not self.speaker_as_stated:
            raise ValueError("a statement needs speakers, or speaker_as_stated when none is named")
        return self


class StatementBase(SQLModel):
    title: str = Field(
        description="A one-line label made by the loader: who, and the start of what they said."
    )
    kind: StatementKind = Field(
        index=True,
        sa_type=String(16),
        description="`quote` (the speaker's own words), `paraphrase` (the source's words for "
        "them), `position`, `allegation` or `commitment`.",
    )
    text: str = Field(
        sa_column=Column(Text, nullable=False),
        description="The statement verbatim as the source prints it (inside a citation's quote).",
    )
    speaker_as_stated: str | None = Field(
        default=None,
        description='The source\'s words for an unnamed speaker ("Korean officials").',
    )
    date_precision: Precision = Field(
        sa_type=String(8), description="How precisely `date` is known."
    )
    date_basis: DateBasis = Field(
        sa_type=String(8),
        description="`event`: when it was said; `reported`: when a source reported it (no later).",
    )
    date_note: str | None = Field(
        default=None, sa_column=Column(Text), description="How the date was found."
    )
    medium: str = Field(
        index=True,
        description="Where it was said or written.",
        schema_extra={
            "examples": ["letter", "press_conference", "joint_statement", "fact_sheet", "speech"]
        },
    )
    audience: str | None = Field(default=None, description="To whom, where the source says.")
    note: str | None = Field(
        default=None, sa_column=Column(Text), description="The curator's note, if any."
    )


class Statement(StatementBase, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    date: dt.date
    date_last: dt.date
    speakers: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    countries: list[str] = Field(sa_column=Column(JSON, nullable=False))
    organization_id: str | None = None
    meeting_id: str | None = None
    reported_by_id: str | None = None
    statistic_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    provision_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))


class StatementLink(SQLModel, table=True):
    """What a statement's filters match: its speakers, organisations and countries."""

    __tablename__ = "statement_link"
    __table_args__ = (UniqueConstraint("statement_pk", "role", "ref_id"),)

    pk: int | None = Field(default=None, primary_key=True)
    statement_pk: int = Field(
        sa_column=Column(
            Integer, ForeignKey("statement.pk", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    role: str = Field(sa_type=String(16))  # speaker, organization or country
    ref_id: str = Field(sa_type=String(120), index=True)


class SpeakerPublic(SQLModel):
    type: SpeakerType = Field(description="`person` or `organization`.")
    id: str = Field(description="The speaker's id.")
    name: str = Field(description="The speaker's label.")
    url: str = Field(description="The speaker's relative path.")


class StatementPublic(StatementBase):
    id: str = Field(description="Stable slug of the statement.")
    url: str = Field(description="This resource's own relative path.")
    speakers: list[SpeakerPublic] = Field(
        description="Who made it; empty when the source names no one (see `speaker_as_stated`)."
    )
    countries: list[str] = Field(description="Whose side it is: ISO 3166-1 alpha-3 codes.")
    organization: LinkPublic | None = Field(
        default=None, description="The organisation the speaker spoke for, as the source says."
    )
    date: str = Field(description="When, ISO 8601 at its precision (see `date_basis`).")
    meeting: LinkPublic | None = Field(default=None, description="The meeting it was made at.")
    reported_by: LinkPublic | None = Field(
        default=None, description="The outlet the source relays it from, if it names one."
    )
    statistics: list[LinkPublic] = Field(description="Statistics it states or concerns.")
    provisions: list[LinkPublic] = Field(description="Provisions it concerns.")
    citations: list[CitationPublic] = Field(description="Where the statement stands.")

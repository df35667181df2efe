"""Provisions: what the amended agreement and its side arrangements oblige."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.types import Code, NonEmpty, SeedDate, Slug


class ProvisionSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    title: NonEmpty
    summary: NonEmpty
    category: Code
    instrument: Code
    obligated_party: str | None = None
    before: str | None = None
    after: str | None = None
    deadline: SeedDate | None = None
    statistic_ids: list[Slug] = PField(default_factory=list)
    citations: list[CitationSeed] = PField(min_length=1)


class ProvisionBase(SQLModel):
    title: str = Field(description="Short name of the provision.")
    summary: str = Field(sa_column=Column(Text, nullable=False), description="What it provides.")
    category: str = Field(
        index=True,
        description="Subject area.",
        schema_extra={"examples": ["autos", "trucks", "steel", "pharmaceuticals"]},
    )
    instrument: str = Field(
        index=True,
        description="The instrument it belongs to.",
        schema_extra={"examples": ["korus_amendment", "section_232", "currency_understanding"]},
    )
    obligated_party: str | None = Field(
        default=None, description="Who is bound (ISO 3166-1 alpha-3, or both)."
    )
    before: str | None = Field(
        default=None, sa_column=Column(Text), description="The state before the change."
    )
    after: str | None = Field(
        default=None, sa_column=Column(Text), description="The state after the change."
    )
    deadline_precision: Precision | None = Field(
        sa_type=String(8),
        default=None,
        description="How precisely the date is known: `year`, `month` or `day`.",
    )


class Provision(ProvisionBase, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    deadline: date | None = None
    deadline_last: date | None = Field(
        default=None, description="Last day the deadline may stand for (internal, for filters)."
    )


class ProvisionStatistic(SQLModel, table=True):
    __tablename__ = "provision_statistic"

    provision_pk: int = Field(
        sa_column=Column(Integer, ForeignKey("provision.pk", ondelete="CASCADE"), primary_key=True)
    )
    statistic_pk: int = Field(
        sa_column=Column(
            Integer, ForeignKey("statistic.pk", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class ProvisionPublic(ProvisionBase):
    id: str = Field(description="Stable slug of the provision.")
    url: str = Field(description="This resource's own relative path.")
    deadline: str | None = Field(default=None, description="Deadline, ISO 8601 at its precision.")
    statistic_ids: list[str] = Field(description="Statistics the provision carries.")
    citations: list[CitationPublic] = Field(description="Where the provision is stated.")

"""Metrics: the vocabulary that says which statistics measure the same thing."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.models.types import NonEmpty, Slug

METRIC_RULE_FIELDS = {"positive_direction", "terms"}


class MetricSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    label: NonEmpty
    description: NonEmpty
    unit: NonEmpty
    sign_convention: str | None = None
    scope: str | None = None
    # For the loader's rules only (not stored): which direction of change is positive, for a
    # metric of changes; the words one of a statistic's quotes must use to name what it measures.
    positive_direction: Literal["rise", "fall"] | None = None
    terms: list[NonEmpty] = PField(default_factory=list)


class MetricBase(SQLModel):
    label: str = Field(description="Short human-readable name.")
    description: str = Field(
        sa_column=Column(Text, nullable=False), description="What the metric measures."
    )
    unit: str = Field(
        description="Unit of every statistic of this metric.", schema_extra={"examples": ["USD"]}
    )
    sign_convention: str | None = Field(
        default=None, description="How the sign of a value reads, for balances and changes."
    )
    scope: str | None = Field(
        default=None,
        description="The scope every statistic of this metric has, when the metric fixes it.",
    )


class Metric(MetricBase, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)


class MetricPublic(MetricBase):
    id: str = Field(description="Stable slug of the metric.")
    url: str = Field(description="This resource's own relative path.")
    statistic_count: int = Field(description="How many statistics report this metric.")

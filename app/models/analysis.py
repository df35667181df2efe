"""Arithmetic checks and discrepancies: computed by the loader from the seed, stored, served."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.types import Slug


class CheckSeed(BaseModel):
    """A claim whose arithmetic can be redone: which statistic states it, from which inputs."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    kind: Literal["percent_change", "share", "difference", "ratio", "sum"]
    claim: Slug
    start: Slug | None = None
    end: Slug | None = None
    change: Slug | None = None
    part: Slug | None = None
    whole: Slug | None = None
    parts: list[Slug] | None = None
    note: str | None = None


class DiscrepancyNoteSeed(BaseModel):
    """A curator's note on the discrepancy that groups (at least) these statistics."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    statistics: list[Slug] = PField(min_length=2)
    note: str


class ArithmeticCheck(SQLModel, table=True):
    __tablename__ = "arithmetic_check"

    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    kind: str
    claim_pk: int = Field(foreign_key="statistic.pk", index=True)
    input_ids: list[str] = Field(sa_column=Column(JSON, nullable=False))
    stated: float
    computed: float
    computed_low: float
    computed_high: float
    tolerance: float
    status: str = Field(index=True)
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


class Discrepancy(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    metric_pk: int = Field(foreign_key="metric.pk", index=True)
    reporter: str
    partner: str | None = None
    scope: str | None = None
    period_start: date | None = None
    period_start_precision: str | None = Field(default=None, sa_type=String(8))
    period_end: date | None = None
    period_end_precision: str | None = Field(default=None, sa_type=String(8))
    members: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    relative_spread: float
    assessment: str
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


class DiscrepancyMember(SQLModel):
    id: str = Field(description="Id of the statistic.")
    value: float = Field(description="Its value.")
    as_reported: str = Field(description="Its figure as written.")
    source_id: str = Field(description="The source that states it.")


class DiscrepancyPublic(SQLModel):
    id: str = Field(description="Stable id of the group (metric, parties, scope, period).")
    url: str = Field(description="This resource's own relative path.")
    metric: str = Field(description="The metric the statistics report.")
    reporter: str
    partner: str | None = None
    scope: str | None = None
    period_start: str | None = Field(default=None, description="ISO 8601 at its precision.")
    period_start_precision: Precision | None = None
    period_end: str | None = Field(default=None, description="ISO 8601 at its precision.")
    period_end_precision: Precision | None = None
    statistics: list[DiscrepancyMember] = Field(description="The disagreeing statistics.")
    relative_spread: float = Field(description="(max − min) / largest absolute value.")
    assessment: Literal["rounding", "genuine"] = Field(
        description="`rounding`: one value rounds to every figure as written; else `genuine`."
    )
    explanation: str = Field(description="Why the assessment is what it is.")
    note: str | None = Field(default=None, description="A curator's note, where one exists.")


class CheckPublic(SQLModel):
    id: str = Field(description="Stable id of the check.")
    url: str = Field(description="This resource's own relative path.")
    kind: Literal["percent_change", "share", "difference", "ratio", "sum"] = Field(
        description="The arithmetic the claim states."
    )
    claim_id: str = Field(description="The statistic that states the claim.")
    input_ids: list[str] = Field(description="The statistics it relates, in formula order.")
    stated: float = Field(description="The claimed value (the claim statistic's value).")
    computed: float = Field(description="The value recomputed from the inputs as stated.")
    computed_range: list[float | None] = Field(
        description="[low, high] the inputs allow, given the precision they are written to "
        "(null for an unbounded end)."
    )
    tolerance: float = Field(
        description="Half the width of the range the claim's own written precision allows."
    )
    status: Literal["consistent", "inconsistent"] = Field(
        description="`consistent` when the two ranges meet."
    )
    explanation: str = Field(description="The computation, in words.")
    note: str | None = Field(default=None, description="A curator's note, where one exists.")

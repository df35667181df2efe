"""Arithmetic checks and discrepancies: computed by the loader from the seed, stored, served."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.curation import CheckSourceErrorPublic
from app.models.types import Slug

CheckKind = Literal["percent_change", "share", "difference", "ratio", "sum"]
Derivation = Literal["difference", "sum", "ratio", "implied_start", "implied_change"]


class Roles(BaseModel):
    """The figures a computation relates, by role (which roles a kind takes: ROLES in
    app/analysis/arithmetic.py)."""

    model_config = ConfigDict(extra="forbid")

    start: InputRef | None = None
    end: InputRef | None = None
    change: InputRef | None = None
    part: InputRef | None = None
    whole: InputRef | None = None
    parts: list[InputRef] | None = None


class InputSeed(Roles):
    """One input of a reading, when it is more than a statistic's id: the statistic's words read
    another way (`read_as`), scaled (`times`), a figure derived from others (`derive`), a
    curator's conjecture of what a garbled statistic meant (`conjecture`, `value`), or a date
    (`milestone`, `source_published`), read in years."""

    statistic: Slug | None = None
    read_as: str | None = None
    times: float | None = None
    derive: Derivation | None = None
    percent: InputRef | None = None
    conjecture: str | None = None
    value: float | None = None
    milestone: Slug | None = None
    source_published: Slug | None = None
    note: str | None = None


InputRef = Slug | InputSeed


class ReadingSeed(Roles):
    """One reading of an ambiguous claim: which figures it relates, and how."""

    id: Slug
    label: str = PField(min_length=1)
    claim: InputRef | None = None


class CheckSeed(Roles):
    """A claim whose arithmetic can be redone: which statistic states it, from which inputs, under
    one reading (the roles given directly) or several (`readings`)."""

    id: Slug
    kind: CheckKind
    claim: Slug
    readings: list[ReadingSeed] | None = PField(default=None, min_length=2)
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
    computed: float | None = None
    computed_low: float
    computed_high: float
    tolerance: float
    status: str = Field(index=True)
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    readings: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    source_errors: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))


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
    reporter: str = Field(description="ISO 3166-1 alpha-3 code of the economy reported on.")
    partner: str | None = Field(default=None, description="The counterpart economy, if any.")
    scope: str | None = Field(default=None, description="What the statistics cover.")
    period_start: str | None = Field(default=None, description="ISO 8601 at its precision.")
    period_start_precision: Precision | None = Field(
        default=None, description="How precisely the date is known: `year`, `month` or `day`."
    )
    period_end: str | None = Field(default=None, description="ISO 8601 at its precision.")
    period_end_precision: Precision | None = Field(
        default=None, description="How precisely the date is known: `year`, `month` or `day`."
    )
    statistics: list[DiscrepancyMember] = Field(description="The disagreeing statistics.")
    relative_spread: float = Field(description="(max − min) / largest absolute value.")
    assessment: Literal["rounding", "genuine"] = Field(
        description="`rounding`: one value rounds to every figure as written; else `genuine`."
    )
    explanation: str = Field(description="Why the assessment is what it is.")
    note: str | None = Field(default=None, description="A curator's note, where one exists.")


class CiteRef(SQLModel):
    type: Literal["statistic", "milestone", "source"] = Field(
        description="What the input rests on: a statistic, a milestone (its date) or a source "
        "(its publication date)."
    )
    id: str = Field(description="Its id.")
    url: str = Field(description="Its relative path.")


class CheckInput(SQLModel):
    role: str = Field(
        description="What the input is in the computation (`start`, `end`, `change`, `part`, "
        "`whole`, `parts`, or `claim`)."
    )
    as_reported: str = Field(
        description="The figure as written, or, for a derived input, its formula over the "
        "figures as written."
    )
    value: float = Field(description="Its value.")
    value_low: float | None = Field(description="Lowest value its wording allows (null: none).")
    value_high: float | None = Field(description="Highest value its wording allows (null: none).")
    basis: Literal["stated", "read_as", "derived", "conjecture", "date"] = Field(
        description="`stated`: as its source states it; `read_as`: the same words read another "
        "way; `derived`: computed from the figures it cites; `conjecture`: the curator's reading "
        "of a garbled sentence, not the source's figure; `date`: a date, in years."
    )
    cites: list[CiteRef] = Field(description="The statistics, milestones or sources it rests on.")
    note: str | None = Field(default=None, description="How the input is read, where it matters.")


class CheckReading(SQLModel):
    id: str = Field(description="Stable id of the reading within the check.")
    label: str = Field(description="The reading, in words.")
    kind: CheckKind = Field(description="The arithmetic of this reading.")
    claim: CheckInput = Field(description="The claim as this reading takes it.")
    inputs: list[CheckInput] = Field(description="The inputs, in formula order.")
    computed: float = Field(description="The value recomputed from the inputs as stated.")
    computed_range: list[float | None] = Field(
        description="[low, high] the inputs allow (null for an unbounded end)."
    )
    status: Literal["consistent", "inconsistent"] = Field(
        description="`consistent` when the range the inputs allow meets the claim's."
    )
    explanation: str = Field(description="The computation, in words.")


class CheckPublic(SQLModel):
    id: str = Field(description="Stable id of the check.")
    url: str = Field(description="This resource's own relative path.")
    kind: CheckKind = Field(description="The arithmetic the claim states (its first reading's).")
    claim_id: str = Field(description="The statistic that states the claim.")
    input_ids: list[str] = Field(
        description="Every statistic the readings relate, in order of first use."
    )
    stated: float = Field(description="The claimed value (the claim statistic's value).")
    computed: float | None = Field(
        description="The value recomputed from the inputs as stated; null when the check has "
        "several readings (see `readings`)."
    )
    computed_range: list[float | None] = Field(
        description="[low, high] the inputs allow under any reading, given the wording of each "
        "figure (null for an unbounded end)."
    )
    tolerance: float = Field(
        description="Half the width of the range the claim's own wording allows."
    )
    status: Literal["consistent", "inconsistent", "depends_on_reading"] = Field(
        description="`consistent` or `inconsistent` when every reading agrees; "
        "`depends_on_reading` when they do not (the readings say which gives what)."
    )
    readings: list[CheckReading] = Field(
        description="Each reading of the claim with its inputs, computation and verdict (one "
        "when the claim can be read only one way)."
    )
    source_errors: list[CheckSourceErrorPublic] = Field(
        description="Sentences this check rests on that the curator judges garbled (see the "
        "statistics' `source_error`); empty when none."
    )
    explanation: str = Field(description="The computation, in words.")
    note: str | None = Field(default=None, description="A curator's note, where one exists.")

"""Statistics: one reported figure each, exactly as a source states it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.curation import ExemptionPublic, RuleName, SourceErrorPublic, SourceErrorSeed
from app.models.types import Iso3, NonEmpty, SeedDate, Slug


class StatisticSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    metric: Slug
    label: NonEmpty
    reporter: Iso3
    partner: Iso3 | None = None
    scope: str | None = None
    value: int | float
    unit: NonEmpty
    as_reported: NonEmpty
    approximate: bool = False
    period_start: SeedDate | None = None
    period_end: SeedDate | None = None
    attributed_to: str | None = None
    attributed_to_id: Slug | None = None
    notes: str | None = None
    source_error: SourceErrorSeed | None = None
    exemptions: dict[RuleName, NonEmpty] = PField(default_factory=dict)
    citations: list[CitationSeed] = PField(min_length=1)


class StatisticBase(SQLModel):
    label: str = Field(description="What the figure is, in a phrase.")
    reporter: str = Field(
        index=True,
        description="ISO 3166-1 alpha-3 code of the economy the figure is about.",
        schema_extra={"examples": ["USA"]},
    )
    partner: str | None = Field(
        index=True,
        default=None,
        description="ISO 3166-1 alpha-3 code of the counterpart economy, if any.",
        schema_extra={"examples": ["KOR"]},
    )
    scope: str | None = Field(
        index=True,
        default=None,
        description="What the figure covers.",
        schema_extra={"examples": ["goods", "services", "goods_and_services"]},
    )
    value: float = Field(
        description="The figure in `unit`, unscaled: '$27.6 billion' is 27600000000."
    )
    unit: str = Field(
        index=True,
        description="Unit of `value`.",
        schema_extra={"examples": ["USD", "percent", "vehicles"]},
    )
    as_reported: str = Field(
        description="The figure verbatim as the source writes it; it stands inside a citation."
    )
    approximate: bool = Field(
        description="True when the wording hedges the figure ('nearly', 'about', 'less than', "
        "'more than'); `qualifier` says which way."
    )
    period_start_precision: Precision | None = Field(
        sa_type=String(8),
        default=None,
        description="How precisely the date is known: `year`, `month` or `day`.",
    )
    period_end_precision: Precision | None = Field(
        sa_type=String(8),
        default=None,
        description="How precisely the date is known: `year`, `month` or `day`.",
    )
    attributed_to: str | None = Field(
        default=None, description="Who stated the figure, when the source reports a claim."
    )
    attributed_to_id: str | None = Field(
        default=None,
        description="That person's or organisation's id, where the claim has a named author.",
    )
    notes: str | None = Field(default=None, sa_column=Column(Text), description="Curator's notes.")


class Statistic(StatisticBase, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    metric_pk: int = Field(foreign_key="metric.pk", index=True)
    metric_id: str = Field(description="The metric's slug, kept beside its key for sorting.")
    document: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="The public JSON of the statistic, kept by the loader (internal).",
    )
    source_error: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    exemptions: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    period_start: date | None = None
    period_end: date | None = None
    period_last: date | None = Field(
        default=None, description="Last day the period may cover (internal, for filters)."
    )


class StatisticPublic(StatisticBase):
    id: str = Field(description="Stable slug of the statistic.")
    value_low: float | None = Field(
        description="The lowest value the wording allows (null: no lower bound): 'nearly $20 "
        "billion' allows 15-20 billion, '$13.2 billion' 13.15-13.25 billion."
    )
    value_high: float | None = Field(
        description="The highest value the wording allows (null: no upper bound, as for "
        "'more than doubled')."
    )
    qualifier: Literal["exact", "about", "at_most", "at_least"] = Field(
        description="Which way the wording hedges the figure: `about` (both ways), `at_most` "
        "('nearly', 'almost', 'less than'), `at_least` ('more than', 'over'), or `exact` (exact "
        "to the precision written)."
    )
    url: str = Field(description="This resource's own relative path.")
    metric: str = Field(description="Id of the metric the figure reports.")
    period_start: str | None = Field(
        default=None, description="Start of the period, ISO 8601 at its precision."
    )
    period_end: str | None = Field(
        default=None, description="End of the period, ISO 8601 at its precision."
    )
    source_error: SourceErrorPublic | None = Field(
        default=None,
        description="Set when the curator judges the sentence the figure rests on garbled: what "
        "it literally says, what it likely meant, and why. Whatever is built on such a figure "
        "carries the same mark.",
    )
    exemptions: list[ExemptionPublic] = Field(
        description="Curation rules set aside for this statistic, each with the curator's reason "
        "(empty for almost every statistic)."
    )
    citations: list[CitationPublic] = Field(description="Where the figure is stated.")

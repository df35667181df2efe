"""Series: one metric for one reporter, partner and scope, period by period, reconciled."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision


class Series(SQLModel, table=True):
    """A series as the loader built it: its keys for filters and sorting, and its public JSON."""

    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    metric_id: str
    reporter: str = Field(index=True)
    partner: str | None = Field(default=None, index=True)
    scope: str | None = Field(default=None, index=True)
    first_published: date | None = Field(default=None, index=True)
    document: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))


class ReportedFigurePublic(SQLModel):
    statistic_id: str = Field(description="The statistic that reports the figure.")
    url: str = Field(description="The statistic's relative path.")
    source_id: str = Field(description="The source it is cited from (its first citation).")
    as_reported: str = Field(description="The figure verbatim.")
    value: float = Field(description="Its value, unscaled, in the series' unit.")
    value_low: float | None = Field(description="Lowest value the wording allows (null: none).")
    value_high: float | None = Field(description="Highest value the wording allows (null: none).")
    qualifier: Literal["exact", "about", "at_most", "at_least"] = Field(
        description="Which way the wording hedges."
    )
    citation_url: str = Field(description="The cited span in its source's text (RFC 5147).")


class ConflictPublic(SQLModel):
    below: list[str] = Field(description="Statistics whose figures lie wholly below the gap.")
    above: list[str] = Field(description="Statistics whose figures lie wholly above the gap.")
    gap: float = Field(description="How far apart the closest allowed values are (series unit).")


class ReconciledPointPublic(SQLModel):
    """One period of a series as reconciled: its interval, best value, rule and state."""

    period_start: str | None = Field(description="First period covered, ISO 8601 at its precision.")
    period_start_precision: Precision | None = Field(description="Its precision.")
    period_end: str | None = Field(description="Last period covered, when it differs.")
    period_end_precision: Precision | None = Field(description="Its precision.")
    state: Literal["single_source", "agreed", "rounding", "conflict"] = Field(
        description="`single_source`: one source; `agreed`: the same figure from several; "
        "`rounding`: different figures one true value could be written as; `conflict`: no value "
        "every figure allows."
    )
    low: float | None = Field(
        description="The reconciled interval: the lowest value every figure allows (null: "
        "unbounded, or none in a conflict)."
    )
    high: float | None = Field(description="The highest value every figure allows.")
    best: float | None = Field(description="The best value, by `rule` (null in a conflict).")
    rule: str = Field(description="The rule that chose `best`.")


class SeriesPointPublic(ReconciledPointPublic):
    conflict: ConflictPublic | None = Field(
        description="In a conflict: who disagrees, by how much."
    )
    reported: list[ReportedFigurePublic] = Field(description="Every source's figure, cited.")


class SeriesKeysPublic(SQLModel):
    """What names a series: its metric, reporter, partner and scope, and its addresses."""

    id: str = Field(description="Stable slug: metric, reporter, partner and scope.")
    url: str = Field(description="The whole series' relative path (every period and figure).")
    svg_url: str = Field(description="The series as an SVG chart.")
    metric: str = Field(description="The metric's id.")
    metric_url: str = Field(description="The metric's relative path.")
    label: str = Field(description="The metric's label.")
    unit: str = Field(description="Unit of every value (values are unscaled: 27.6 bn is 27.6e9).")
    reporter: str = Field(description="ISO 3166-1 alpha-3 code of the reporter.")
    partner: str | None = Field(description="ISO 3166-1 alpha-3 code of the partner, if any.")
    scope: str | None = Field(description="goods, services, goods_and_services, or none.")


class SeriesPublic(SeriesKeysPublic):
    points: list[SeriesPointPublic] = Field(description="One per period, in time order.")


class SeriesStatesPublic(SQLModel):
    single_source: int = Field(description="Periods reported by one source.")
    agreed: int = Field(description="Periods whose sources give the same figure.")
    rounding: int = Field(description="Periods whose figures one true value could be written as.")
    conflict: int = Field(description="Periods whose sources disagree (no value all allow).")


class SeriesSummaryPublic(SeriesKeysPublic):
    """A series in a list: its keys and a summary; `url` has every period and figure."""

    first_period: str | None = Field(description="The first dated point's period_start.")
    last_period: str | None = Field(
        description="The last dated point's period_end, or its period_start."
    )
    period_count: int = Field(description="How many periods (points) the series has.")
    figure_count: int = Field(description="How many reported figures, over all periods.")
    states: SeriesStatesPublic = Field(description="How many periods are in each state.")
    latest: ReconciledPointPublic | None = Field(
        description="The last dated point without its figures (no dated point: the last one)."
    )

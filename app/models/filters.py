"""Each list's filters, declared once: one pydantic model per list, read from the query string
by FastAPI (query parameter models), documented in the OpenAPI document from these fields, and
turned into SQL by one table of conditions per resource in app/queries/."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

# A slug or a code: what a curator can write, no more.
Code = Annotated[str | None, Field(max_length=120)]
SourceId = Annotated[
    str | None, Field(max_length=120, description="Only facts citing this source.")
]
Text = Annotated[
    str | None,
    Field(min_length=1, max_length=200, description="Case-insensitive text contained in the fact."),
]


def _code(description: str) -> Field:  # type: ignore[valid-type]
    return Field(default=None, max_length=120, description=description)


class Filters(BaseModel):
    """What every filter model shares: unknown names are refused by the route, not here."""

    def given(self) -> dict[str, object]:
        """The filters the request set, by name."""
        return {name: value for name, value in self if value is not None}


class StatisticFilters(Filters):
    metric: str | None = _code("Only this metric (its id).")
    reporter: str | None = _code("Reporter, ISO 3166-1 alpha-3.")
    partner: str | None = _code("Partner, ISO 3166-1 alpha-3.")
    scope: str | None = _code("goods, services, goods_and_services.")
    unit: str | None = _code("USD, percent, ...")
    year: int | None = Field(
        default=None, ge=1900, le=2100, description="Only figures whose period overlaps it."
    )
    source_id: SourceId = None
    min_value: float | None = Field(
        default=None, ge=-1e18, le=1e18, allow_inf_nan=False, description="Smallest value."
    )
    max_value: float | None = Field(
        default=None, ge=-1e18, le=1e18, allow_inf_nan=False, description="Largest value."
    )
    q: Text = None


class ProvisionFilters(Filters):
    category: str | None = _code("autos, trucks, steel, ...")
    instrument: str | None = _code("korus_amendment, section_232, currency_understanding, ...")
    source_id: SourceId = None
    q: Text = None


class SourceFilters(Filters):
    kind: str | None = _code("Only sources of this kind.")
    publisher: str | None = _code("Only sources from this publisher.")


class DiscrepancyFilters(Filters):
    metric: str | None = _code("Only this metric (its id).")


class CheckFilters(Filters):
    status: Literal["consistent", "inconsistent", "depends_on_reading"] | None = Field(
        default=None, description="Only this outcome."
    )
    source_id: SourceId = None

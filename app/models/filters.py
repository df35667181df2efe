"""Each list's filters, declared once: one pydantic model per list, read from the query string
by FastAPI (query parameter models), documented in the OpenAPI document from these fields, and
turned into SQL by one table of conditions per resource in app/queries/."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field

from app.dates import PartialDate
from app.errors import InvalidParameter
from app.models.statement import StatementKind
from app.vocabulary import SEARCH_TYPES, TIMELINE_TYPES

SourceId = Annotated[
    str | None, Field(max_length=120, description="Only facts citing this source.")
]
Text = Annotated[
    str | None,
    Field(min_length=1, max_length=200, description="Case-insensitive text contained in the fact."),
]


# YYYY, YYYY-MM or YYYY-MM-DD naming a real day: the schema refuses what the server would
# (April 31st, February 29th outside leap years), so that a client that trusts it is never
# refused a value it allows.
_YEAR = r"[1-9]\d{3}"
_LEAP_YEAR = r"(?:[1-9]\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)"
DATE_PATTERN = (
    rf"^(?:{_YEAR}(?:-(?:0[13578]|1[02])(?:-(?:0[1-9]|[12]\d|3[01]))?"
    r"|-(?:0[469]|11)(?:-(?:0[1-9]|[12]\d|30))?"
    r"|-02(?:-(?:0[1-9]|1\d|2[0-8]))?)?"
    rf"|{_LEAP_YEAR}-02-29)$"
)


AsOf = Annotated[
    str | None,
    Field(
        pattern=DATE_PATTERN,
        max_length=10,
        description="Only what sources published by then state: YYYY, YYYY-MM or YYYY-MM-DD (a "
        "partial date means its last day; a source counts once its own date's last day is "
        "reached). Later citations, names, roles and figures are left out; the page says the "
        "cut-off in `as_of`.",
    ),
]


def _code(description: str) -> Any:
    """A filter on a slug or a code: no longer than any id a curator can write."""
    return Field(default=None, max_length=120, description=description)


class Filters(BaseModel):
    """What every filter model shares: unknown names are refused by the route, not here."""

    def given(self) -> dict[str, object]:
        """The filters the request set, by name (`as_of` as the last day it covers)."""
        given = {name: value for name, value in self if value is not None}
        if given.get("as_of") is not None:
            given["as_of"] = partial_date("as_of", str(given["as_of"]), end=True)
        return given

    def cutoff(self) -> date | None:
        """The last day `as_of` covers, if the request asked for one."""
        value = self.given().get("as_of")
        return value if isinstance(value, date) else None


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
    as_of: AsOf = None


class ProvisionFilters(Filters):
    category: str | None = _code("autos, trucks, steel, ...")
    instrument: str | None = _code("korus_amendment, section_232, currency_understanding, ...")
    source_id: SourceId = None
    q: Text = None
    as_of: AsOf = None


class SourceFilters(Filters):
    kind: str | None = _code("Only sources of this kind.")
    publisher: str | None = _code("Only sources from this publisher.")
    as_of: AsOf = None


class SeriesFilters(Filters):
    metric: str | None = _code("Only this metric (its id).")
    reporter: str | None = _code("Reporter, ISO 3166-1 alpha-3.")
    partner: str | None = _code("Partner, ISO 3166-1 alpha-3.")
    scope: str | None = _code("goods, services, goods_and_services.")
    as_of: AsOf = None


class SeriesView(Filters):
    """One series, whole or as of a day."""

    as_of: AsOf = None


class DiscrepancyFilters(Filters):
    metric: str | None = _code("Only this metric (its id).")


class CheckFilters(Filters):
    status: Literal["consistent", "inconsistent", "depends_on_reading"] | None = Field(
        default=None, description="Only this outcome."
    )
    source_id: SourceId = None


def comma_list_pattern(values: tuple[str, ...]) -> str:
    names = "|".join(values)
    return rf"^({names})(,({names}))*$"


def partial_date(name: str, raw: str, *, end: bool) -> date:
    """A `from`/`to` bound: a partial date covers its whole month or year."""
    try:
        value = PartialDate.parse(raw)
    except ValueError as exc:
        raise InvalidParameter(name, str(exc)) from None
    return value.last if end else value.first


def comma_list(name: str, raw: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """A `type=a,b` parameter as a tuple, every value one of `allowed`."""
    values = tuple(v.strip() for v in raw.split(","))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidParameter(name, f"unknown value {unknown[0]!r}; use {', '.join(allowed)}")
    return values


DateFrom = Annotated[
    str | None,
    Field(
        alias="from",
        pattern=DATE_PATTERN,
        max_length=10,
        description="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD (a partial date means its "
        "first day). Items overlapping the range are included.",
    ),
]
DateTo = Annotated[
    str | None,
    Field(
        alias="to",
        pattern=DATE_PATTERN,
        max_length=10,
        description="Latest date: YYYY, YYYY-MM or YYYY-MM-DD (a partial date means its last day).",
    ),
]


class DateRange(Filters):
    """Filters with `from` and `to` (fields `date_from`, `date_to`), as written: `given()` turns
    them into the first day of `from` and the last day of `to`."""

    def given(self) -> dict[str, object]:
        given = super().given()
        for name, alias, end in (("date_from", "from", False), ("date_to", "to", True)):
            if given.get(name) is not None:
                given[name] = partial_date(alias, str(given[name]), end=end)
        return given


class MeetingFilters(DateRange):
    kind: str | None = _code("summit, joint_committee_special_session, negotiation_round, ...")
    date_from: DateFrom = None
    date_to: DateTo = None
    participant: str | None = Field(
        default=None, min_length=1, max_length=200, description="Part of a participant's name."
    )
    source_id: SourceId = None
    as_of: AsOf = None


class MilestoneFilters(DateRange):
    date_from: DateFrom = None
    date_to: DateTo = None
    source_id: SourceId = None
    as_of: AsOf = None


class TimelineFilters(DateRange):
    date_from: DateFrom = None
    date_to: DateTo = None
    type: str | None = Field(
        default=None,
        max_length=100,
        pattern=comma_list_pattern(TIMELINE_TYPES),
        description=f"Comma list of {', '.join(TIMELINE_TYPES)}.",
    )

    as_of: AsOf = None

    def given(self) -> dict[str, object]:
        given = super().given()
        if self.type is not None:
            given["type"] = comma_list("type", self.type, TIMELINE_TYPES)
        return given


class SearchFilters(Filters):
    """What search results may be narrowed to (`q`, the words to find, is the search itself)."""

    type: str | None = Field(
        default=None,
        max_length=100,
        pattern=comma_list_pattern(SEARCH_TYPES),
        description=f"Comma list of {', '.join(SEARCH_TYPES)}.",
    )

    as_of: AsOf = None

    def given(self) -> dict[str, object]:
        given = super().given()
        if self.type is not None:
            given["type"] = comma_list("type", self.type, SEARCH_TYPES)
        return given


STATEMENT_KINDS: tuple[str, ...] = get_args(StatementKind)
# People's and organisations' filters: by the source their names (or roles) cite, by any name.
NamesCite = Annotated[
    str | None,
    Field(max_length=120, description="Only those whose names (or roles) cite this source."),
]
PrintedName = Annotated[
    str | None,
    Field(min_length=1, max_length=200, description="Part of any name a source prints."),
]


class PersonFilters(Filters):
    country: str | None = _code("ISO 3166-1 alpha-3 code.")
    organization: str | None = _code("Only people a source gives a role in this organisation.")
    source_id: NamesCite = None
    q: PrintedName = None
    as_of: AsOf = None


class OrganizationFilters(Filters):
    kind: str | None = _code("ministry, agency, department, company, publisher, ...")
    country: str | None = _code("ISO 3166-1 alpha-3 code.")
    source_id: NamesCite = None
    q: PrintedName = None
    as_of: AsOf = None


class StatementFilters(DateRange):
    speaker: str | None = _code("Only statements by this person or organisation (its id).")
    organization: str | None = _code(
        "Only statements by this organisation, or by a person speaking for it (its id)."
    )
    country: str | None = _code("Only statements from this side: ISO 3166-1 alpha-3.")
    medium: str | None = _code("letter, press_conference, joint_statement, fact_sheet, ...")
    kind: str | None = Field(
        default=None,
        max_length=100,
        pattern=comma_list_pattern(STATEMENT_KINDS),
        description=f"Comma list of {', '.join(STATEMENT_KINDS)}.",
    )
    date_from: DateFrom = None
    date_to: DateTo = None
    source_id: SourceId = None
    q: Annotated[
        str | None,
        Field(min_length=1, max_length=200, description="Case-insensitive text of the statement."),
    ] = None

    as_of: AsOf = None

    def given(self) -> dict[str, object]:
        given = super().given()
        if self.kind is not None:
            given["kind"] = comma_list("kind", self.kind, STATEMENT_KINDS)
        return given

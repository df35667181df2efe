"""/v1/timeline and /v1/timeline.ics: every dated item in one chronological list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from starlette.responses import Response

from app.api.deps import (
    ListQuery,
    list_query,
    reading,
)
from app.api.responses import PROBLEMS, page_of
from app.api.routing import StrictRoute
from app.models import Dataset, TimelineItem
from app.models.filters import TimelineFilters
from app.pagination import bound, parse_sort
from app.queries import timeline as queries
from app.vocabulary import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["timeline"], route_class=StrictRoute)


@router.get(
    "/timeline",
    response_model=page_of(TimelineItem),
    responses=PROBLEMS["list"],
    summary="The timeline",
)
def list_timeline(
    request: Request,
    query: Annotated[
        ListQuery, Depends(list_query(queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.FACETS))
    ],
    filters: Annotated[TimelineFilters, Query()],
) -> Response:
    """Meetings, milestones and provision deadlines in chronological order. A date known to the
    month or year sorts by its first day, before finer dates on that day, and keeps its
    precision: `2017-07` with `date_precision: month`."""
    return query.run(request, bound(queries.list_timeline, filters), "timeline")


@router.get(
    "/timeline.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "An iCalendar feed."},
        **PROBLEMS["plain"],
    },
    summary="The timeline as iCalendar",
)
def get_timeline_calendar(
    request: Request,
    filters: Annotated[TimelineFilters, Query()],
) -> Response:
    """The same items as an RFC 5545 calendar of all-day events. A date known only to the month
    or year spans that whole month or year, and says so in its description and in
    `X-KORUS-DATE-PRECISION`."""
    from icalendar import Calendar, Event  # only this route needs it (start-up time)

    sort = parse_sort(None, queries.SORT_FIELDS, queries.DEFAULT_SORT, queries.SORT_FIELDS["id"])
    with reading(request) as conn:
        rows = queries.timeline_rows(conn, filters, sort)
        loaded = conn.execute(select(Dataset.__table__.c.loaded_at)).scalar()  # type: ignore[attr-defined]
    stamp = (loaded or datetime(2018, 1, 1)).replace(tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//korus-facts//timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "KORUS renegotiation timeline")
    base = str(request.base_url).rstrip("/")
    for row in rows:
        item = queries.timeline_item(row)
        event = Event()
        event.add("uid", f"{item['type']}-{item['id']}@korus-facts")
        event.add("dtstamp", stamp)
        event.add("summary", item["title"])
        event.add("dtstart", row["date"])
        event.add("dtend", row["date_last"] + timedelta(days=1))
        precision = item["date_precision"]
        when = item["date"] + (f" to {item['end_date']}" if item["end_date"] else "")
        event.add(
            "description",
            f"{item['type']}, {when} (known to the {precision}). {base}{item['url']}",
        )
        event.add("url", f"{base}{item['url']}")
        event.add("categories", [item["type"]])
        event.add("x-korus-date-precision", precision)
        calendar.add_component(event)
    return Response(calendar.to_ical(), media_type="text/calendar; charset=utf-8")

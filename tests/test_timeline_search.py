"""The timeline, its iCalendar feed, and full-text search, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from starlette.testclient import TestClient

from app.dates import PartialDate
from tests.helpers import walk

BREADTH = {"year": 0, "month": 1, "day": 2}
TYPE_RANK = {"meeting": 0, "milestone": 1, "provision": 2, "statement": 3}


def test_timeline_holds_every_dated_item_in_order(client: TestClient) -> None:
    items = walk(client, "/v1/timeline", limit=4)
    meetings = {m["id"]: m for m in walk(client, "/v1/meetings")}
    milestones = {m["id"]: m for m in walk(client, "/v1/milestones")}
    deadlines = {p["id"]: p for p in walk(client, "/v1/provisions") if p["deadline"]}
    statements = {s["id"]: s for s in walk(client, "/v1/statements")}
    assert sorted((i["type"], i["id"]) for i in items) == sorted(
        [("meeting", k) for k in meetings]
        + [("milestone", k) for k in milestones]
        + [("provision", k) for k in deadlines]
        + [("statement", k) for k in statements]
    )
    by_type = {
        "meeting": meetings,
        "milestone": milestones,
        "provision": deadlines,
        "statement": statements,
    }
    for item in items:
        source = by_type[item["type"]][item["id"]]
        expected = source.get("start_date") or source.get("date") or source.get("deadline")
        assert item["date"] == expected
        assert client.get(item["url"]).status_code == 200
    keys = [
        (
            PartialDate.parse(i["date"]).first,
            BREADTH[i["date_precision"]],
            TYPE_RANK[i["type"]],
            i["id"],
        )
        for i in items
    ]
    assert keys == sorted(keys)


def test_timeline_filters(client: TestClient) -> None:
    in_2018 = walk(client, "/v1/timeline", **{"from": "2018", "to": "2018-12-31"})
    assert in_2018
    for item in in_2018:
        first = PartialDate.parse(item["date"]).first
        last = PartialDate.parse(item["end_date"] or item["date"]).last
        assert first <= date(2018, 12, 31) and last >= date(2018, 1, 1)
    only = walk(client, "/v1/timeline", type="meeting,provision")
    assert only and {i["type"] for i in only} == {"meeting", "provision"}
    bad = client.get("/v1/timeline", params={"type": "party"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["parameter"] == "type"


def test_ics_feed_parses_and_matches_the_timeline(client: TestClient) -> None:
    response = client.get("/v1/timeline.ics")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    items = walk(client, "/v1/timeline")
    assert [str(e["UID"]) for e in events] == [f"{i['type']}-{i['id']}@korus-facts" for i in items]
    for event, item in zip(events, items, strict=True):
        start = event.decoded("DTSTART")
        assert start == PartialDate.parse(item["date"]).first
        last = PartialDate.parse(item["end_date"] or item["date"]).last
        assert event.decoded("DTEND") == last + timedelta(days=1)
        assert str(event["X-KORUS-DATE-PRECISION"]) == item["date_precision"]
    assert client.get("/v1/timeline.ics", headers={"Accept": "application/json"}).status_code == 406


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("eco-credits", ("provision", "autos-eco-credits")),
        ("OCTG", ("milestone", "octg-anti-dumping-duties-2017-04")),
        ("27.6", ("statistic", "as-goods-deficit-2016")),
        ("U.S.", ("statistic", "as-exports-2016")),
        ("Myung-hee Yoo", ("meeting", "negotiation-round-2018-01-31-seoul")),
        ("Lighthizer letter", ("milestone", "lighthizer-letter-2017-07-12")),
    ],
)
def test_search_finds_tokens_as_written(
    client: TestClient, q: str, expected: tuple[str, str]
) -> None:
    hits = walk(client, "/v1/search", q=q, limit=100)
    assert expected in [(h["type"], h["id"]) for h in hits]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert "<mark>" in hit["snippet"]
        assert client.get(hit["url"]).status_code == 200


def test_search_pages_and_filters_by_type(client: TestClient) -> None:
    everything = client.get("/v1/search", params={"q": "Korea", "limit": 500}).json()["items"]
    paged = walk(client, "/v1/search", q="Korea", limit=7)
    assert [(h["type"], h["id"]) for h in paged] == [(h["type"], h["id"]) for h in everything]
    sources = walk(client, "/v1/search", q="Korea", type="source")
    assert sources and all(h["type"] == "source" for h in sources)


def test_search_snippets_are_inert(client: TestClient) -> None:
    hits = client.get("/v1/search", params={"q": "<script>alert(1)</script> Korea"}).json()
    for hit in hits["items"]:
        assert "<script" not in hit["snippet"]
        without_marks = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks and ">" not in without_marks
    quoted = client.get("/v1/search", params={"q": "eco-credits"}).json()["items"][0]
    assert "&quot;<mark>eco" in quoted["snippet"]  # the text's own quotes, escaped


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR NOT", "*", "NEAR(a b)", "a:b", "'; DROP"])
def test_search_syntax_is_never_an_error(client: TestClient, q: str) -> None:
    assert client.get("/v1/search", params={"q": q}).status_code == 200


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 201}, {"q": "a", "type": "x"}])
def test_search_bad_parameters(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/v1/search", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"

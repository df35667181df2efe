"""as_of: what had been claimed by a day. A source counts once the last day its date may stand
for has come (a source of July 2017 counts from 31 July 2017); a fact counts when a counted
source cites it, and shows only what counted sources say. Expectations are computed from the
full lists and the sources' dates, by that rule."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from app.dates import PartialDate
from app.seed.corpus import told_by
from app.seed.reader import read_seed
from app.vocabulary import FACT_KINDS
from tests.conftest import SEED_DIR
from tests.helpers import FACT_PATHS, walk

BEFORE_JOINT_COMMITTEE = "2017-08-21"  # the first special session met on 2017-08-22


def _counted(client: TestClient, cutoff: str) -> set[str]:
    last = PartialDate.parse(cutoff).last
    return {
        s["id"]
        for s in walk(client, "/v1/sources")
        if s["published_on"] and PartialDate.parse(s["published_on"]).last <= last
    }


@pytest.mark.parametrize("path", FACT_PATHS)
def test_a_fact_list_as_of_a_day_holds_what_counted_sources_say(
    client: TestClient, path: str
) -> None:
    counted = _counted(client, BEFORE_JOINT_COMMITTEE)
    assert counted == {"ictsd-bridges-2017-07-06", "sourcing-journal-2017-07"}
    everything = walk(client, path)
    expected = {i["id"] for i in everything if {c["source_id"] for c in i["citations"]} & counted}
    then = walk(client, path, as_of=BEFORE_JOINT_COMMITTEE)
    assert {i["id"] for i in then} == expected
    for item in then:
        assert item["citations"] and {c["source_id"] for c in item["citations"]} <= counted
        for name in item.get("names", []) + item.get("roles", []):
            assert name["source_id"] in counted
        # the sources themselves: one not yet published is not there to link to
        assert {s["id"] for s in item.get("published_sources", [])} <= counted


def test_the_page_says_its_cut_off(client: TestClient) -> None:
    page = client.get("/v1/statistics", params={"as_of": "2017-07", "limit": 1})
    assert page.json()["as_of"] == {
        "date": "2017-07",
        "cutoff": "2017-07-31",
        "dataset_version": page.headers["x-dataset-version"],
    }
    plain = client.get("/v1/statistics", params={"limit": 1})
    assert "as_of" not in plain.json() and plain.headers["etag"] != page.headers["etag"]
    assert client.get("/v1/statistics", params={"as_of": "2017-02-30"}).status_code == 400


def test_series_are_reconciled_again_from_what_counted(client: TestClient) -> None:
    series = {s["id"]: s for s in walk(client, "/v1/series", as_of=BEFORE_JOINT_COMMITTEE)}
    summary = series["trade-deficit-goods--usa-kor-goods"]
    answer = client.get(summary["url"], params={"as_of": BEFORE_JOINT_COMMITTEE})
    goods = answer.json()
    assert goods["as_of"]["cutoff"] == "2017-08-21"
    assert answer.headers["etag"] != client.get(summary["url"]).headers["etag"]
    by_year = {p["period_start"]: p for p in goods["points"]}
    assert set(by_year) == {"2011", "2016"}  # 2017's only figure is the White House's, of 2018
    y2016 = by_year["2016"]
    assert sorted(f["source_id"] for f in y2016["reported"]) == [
        "ictsd-bridges-2017-07-06",
        "sourcing-journal-2017-07",
    ]
    assert (y2016["state"], y2016["best"]) == ("rounding", 27650000000)
    assert by_year["2011"]["state"] == "single_source"
    # the list's summary counts the same narrowed periods
    assert (summary["period_count"], summary["last_period"]) == (2, "2016")
    assert summary["states"] == {"single_source": 1, "agreed": 0, "rounding": 1, "conflict": 0}
    # a series none of whose figures had been published did not exist yet
    assert client.get(summary["url"], params={"as_of": "2000"}).status_code == 404
    # the chart draws the same narrowed series (the path form is the same answer): it links
    # only figures of sources counted by then, where the whole chart links a later one too
    chart = client.get(f"/v1/as-of/{BEFORE_JOINT_COMMITTEE}{summary['url'][3:]}.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg")
    counted = _counted(client, BEFORE_JOINT_COMMITTEE)
    linked = set(re.findall(r"/v1/sources/([a-z0-9-]+)/text", chart.text))
    whole = set(re.findall(r"/v1/sources/([a-z0-9-]+)/text", client.get(summary["svg_url"]).text))
    assert linked and linked <= counted and not whole <= counted


def test_timeline_search_and_export_as_of(client: TestClient) -> None:
    counted = _counted(client, BEFORE_JOINT_COMMITTEE)
    cited: dict[tuple[str, str], set[str]] = {}
    for path in FACT_PATHS:
        for item in walk(client, path):
            cited[(item["url"].split("/")[2], item["id"])] = {
                c["source_id"] for c in item["citations"]
            }
    timeline = walk(client, "/v1/timeline", as_of=BEFORE_JOINT_COMMITTEE)
    assert timeline
    for entry in timeline:
        assert cited[(entry["url"].split("/")[2], entry["id"])] & counted
    hits = walk(client, "/v1/search", q="deficit", as_of=BEFORE_JOINT_COMMITTEE)
    assert hits
    for hit in hits:
        if hit["type"] == "source":
            assert hit["id"] in counted
        else:
            assert cited[(hit["url"].split("/")[2], hit["id"])] & counted
    export = client.get("/v1/export", params={"as_of": BEFORE_JOINT_COMMITTEE}).json()
    assert export["as_of"] == BEFORE_JOINT_COMMITTEE
    assert {s["id"] for s in export["sources"]} == counted
    assert export["statistics"] == walk(client, "/v1/statistics", as_of=BEFORE_JOINT_COMMITTEE)


def test_the_same_as_a_path_for_caches(client: TestClient) -> None:
    path = client.get(f"/v1/as-of/{BEFORE_JOINT_COMMITTEE}/statistics", params={"limit": 5})
    query = client.get("/v1/statistics", params={"limit": 5, "as_of": BEFORE_JOINT_COMMITTEE})
    assert path.status_code == 200 and path.json() == query.json()
    assert path.headers["etag"] != client.get("/v1/statistics", params={"limit": 5}).headers["etag"]
    unknown = client.get(f"/v1/as-of/{BEFORE_JOINT_COMMITTEE}/metrics")  # metrics have no as_of
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["parameter"] == "as_of"
    assert client.get("/v1/as-of/yesterday/statistics").status_code == 400


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


@pytest.mark.parametrize("q", ["Lighthizer", "Trump", "Trade Representative", "Korea", "KORUS"])
def test_search_as_of_a_day_matches_and_quotes_only_what_counted_sources_say(
    client: TestClient, q: str
) -> None:
    # A fact's search words under as_of are those of the fact as its list shows it then
    # (tested above against the sources' dates): its own fields and what counted sources say.
    told = {
        (item["url"].split("/")[2], item["id"]): "\n".join(_strings(item))
        for path in FACT_PATHS
        for item in walk(client, path, as_of=BEFORE_JOINT_COMMITTEE)
    }
    hits = walk(client, "/v1/search", q=q, as_of=BEFORE_JOINT_COMMITTEE)
    assert hits
    for hit in hits:
        if hit["type"] == "source":
            continue  # a source is a whole text: counted or not (the test above)
        words = told[(hit["url"].split("/")[2], hit["id"])]
        for word in q.split():  # matched by what it then said (a stem shares a word's start)
            assert word.lower()[:5] in words.lower(), (hit["id"], word)
        snippet = html.unescape(re.sub("</?mark>", "", hit["snippet"]))
        for piece in re.split(r"…|\n| \.\.\. ", snippet):  # fragments: FTS5, ts_headline
            assert piece.strip() in words, (hit["id"], piece)


def _items(value: object) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _items(getattr(value, name))
    elif isinstance(value, list):
        for inner in value:
            yield from _items(inner)


def test_a_fact_as_told_by_some_sources_leaves_out_only_what_the_others_say() -> None:
    bundle = read_seed(SEED_DIR)
    for kind in FACT_KINDS:
        for model in bundle.models(kind):
            everyone = {c.source for c in model.citations}
            assert told_by(model, everyone) == model
            nobody = list(_items(told_by(model, set())))
            assert not [i for i in nobody if isinstance(getattr(i, "source", None), str)]
            unsourced = [i for i in _items(model) if not hasattr(i, "source")]
            assert len(nobody) == len(unsourced), model.id  # a participant, a location stays

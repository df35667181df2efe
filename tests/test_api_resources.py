"""The resources of API.md through the real HTTP stack, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.config import ROOT
from app.dates import PartialDate
from app.seed import strict_yaml
from tests.helpers import FACT_PATHS, LIST_PATHS, walk

SEED = ROOT / "seed"


def seed_entries(kind: str) -> list[dict[str, Any]]:
    return strict_yaml.load((SEED / f"{kind}.yaml").read_text(encoding="utf-8"))[kind]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_pagination_visits_every_item_exactly_once(client: TestClient, path: str) -> None:
    everything = client.get(path, params={"limit": 500}).json()["items"]
    paged = walk(client, path, limit=2)
    assert [i["id"] for i in paged] == [i["id"] for i in everything]
    assert len({i["id"] for i in paged}) == len(paged) > 0


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_resource_has_id_and_own_url(client: TestClient, path: str) -> None:
    for item in walk(client, path):
        assert item["url"] == f"{path}/{item['id']}"
        detail = client.get(item["url"])
        assert detail.status_code == 200
        assert detail.json() == item


def test_lists_hold_exactly_the_seed(client: TestClient) -> None:
    kinds = ("sources", "metrics", "statistics", "provisions", "meetings", "milestones")
    for kind in (*kinds, "people", "organizations", "statements"):
        served = {i["id"] for i in walk(client, f"/v1/{kind}", limit=500)}
        assert served == {e["id"] for e in seed_entries(kind)}, kind


@pytest.mark.parametrize("path", FACT_PATHS)
def test_every_citation_is_verbatim(client: TestClient, path: str) -> None:
    texts: dict[str, str] = {}
    facts = walk(client, path)
    for fact in facts:
        # the one exception: a publisher no text names rests on its sources' metadata
        if path == "/v1/organizations" and not fact["names"]:
            assert fact["published_sources"], f"{fact['id']} has no citation and publishes nothing"
            continue
        assert fact["citations"], f"{fact['id']} has no citation"
        for c in fact["citations"]:
            if c["source_id"] not in texts:
                texts[c["source_id"]] = client.get(f"/v1/sources/{c['source_id']}/text").text
            text = texts[c["source_id"]]
            assert text[c["start"] : c["end"]] == c["quote"]
            assert text[: c["start"]].endswith(c["prefix"]) and len(c["prefix"]) <= 32
            assert text[c["end"] :].startswith(c["suffix"]) and len(c["suffix"]) <= 32
            assert c["url"] == f"/v1/sources/{c['source_id']}/text#char={c['start']},{c['end']}"


def test_as_reported_stands_inside_a_quote(client: TestClient) -> None:
    for statistic in walk(client, "/v1/statistics"):
        assert any(statistic["as_reported"] in c["quote"] for c in statistic["citations"])


def test_source_text_is_the_exact_seed_bytes(client: TestClient) -> None:
    by_file = {e["id"]: SEED / e["file"] for e in seed_entries("sources")}
    for source in walk(client, "/v1/sources"):
        response = client.get(source["text_url"])
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        original = by_file[source["id"]].read_bytes()
        assert response.content == original
        assert hashlib.sha256(response.content).hexdigest() == source["sha256"]
        assert source["length"] == len(original.decode("utf-8"))


def test_source_fact_counts_match_citing_facts(client: TestClient) -> None:
    sources = walk(client, "/v1/sources")
    for source in sources:
        for kind, count in source["fact_counts"].items():
            citing = walk(client, f"/v1/{kind}", source_id=source["id"])
            assert count == len(citing), (source["id"], kind)


def test_partial_dates_keep_their_precision(client: TestClient) -> None:
    seeds = {e["id"]: e for e in seed_entries("sources")}
    for source in walk(client, "/v1/sources"):
        written = str(seeds[source["id"]]["published_on"])
        assert source["published_on"] == written
        expected = {4: "year", 7: "month", 10: "day"}[len(written)]
        assert source["published_on_precision"] == expected


def test_statistic_values_are_unscaled_numbers(client: TestClient) -> None:
    seeds = {e["id"]: e for e in seed_entries("statistics")}
    for statistic in walk(client, "/v1/statistics"):
        assert statistic["value"] == seeds[statistic["id"]]["value"]
        assert isinstance(statistic["value"], int | float)


def test_statistic_filters(client: TestClient) -> None:
    everything = walk(client, "/v1/statistics")
    cases: list[tuple[dict[str, Any], Any]] = [
        ({"metric": "trade-deficit-goods"}, lambda s: s["metric"] == "trade-deficit-goods"),
        ({"reporter": "USA"}, lambda s: s["reporter"] == "USA"),
        ({"partner": "KOR"}, lambda s: s["partner"] == "KOR"),
        ({"scope": "goods"}, lambda s: s["scope"] == "goods"),
        ({"unit": "percent"}, lambda s: s["unit"] == "percent"),
        ({"min_value": 2e10}, lambda s: s["value"] >= 2e10),
        ({"max_value": 100}, lambda s: s["value"] <= 100),
        (
            {"year": 2016},
            lambda s: (
                s["period_start"] is not None
                and s["period_start"][:4] <= "2016" <= (s["period_end"] or s["period_start"])[:4]
            ),
        ),
        (
            {"source_id": "ictsd-bridges-2017-07-06"},
            lambda s: any(c["source_id"] == "ictsd-bridges-2017-07-06" for c in s["citations"]),
        ),
        (
            {"q": "EXPORTS"},
            lambda s: (
                "exports"
                in " ".join(
                    s[k] or "" for k in ("label", "notes", "as_reported", "attributed_to")
                ).lower()
            ),
        ),
    ]
    for params, predicate in cases:
        got = walk(client, "/v1/statistics", **params)
        assert got, params
        assert [s["id"] for s in got] == [s["id"] for s in everything if predicate(s)], params


def test_meeting_and_milestone_date_filters(client: TestClient) -> None:
    everything = walk(client, "/v1/meetings")
    meetings = walk(client, "/v1/meetings", **{"from": "2018-01", "to": "2018"})
    overlapping = [  # a partial date stands for its whole month or year
        m["id"]
        for m in everything
        if PartialDate.parse(m["end_date"] or m["start_date"]).last >= date(2018, 1, 1)
        and PartialDate.parse(m["start_date"]).first <= date(2018, 12, 31)
    ]
    assert meetings and [m["id"] for m in meetings] == overlapping
    yoo = walk(client, "/v1/meetings", participant="yoo")
    assert [m["id"] for m in yoo] == [
        m["id"] for m in everything if any("yoo" in p["name"].lower() for p in m["participants"])
    ]
    milestones = walk(client, "/v1/milestones", **{"from": "2017", "to": "2017-12-31"})
    assert milestones and all(m["date"].startswith("2017") for m in milestones)


def test_provision_and_source_filters(client: TestClient) -> None:
    steel = walk(client, "/v1/provisions", category="steel")
    assert steel and all(p["category"] == "steel" for p in steel)
    news = walk(client, "/v1/sources", kind="news_article")
    assert news and all(s["kind"] == "news_article" for s in news)


def test_default_orders_are_documented_ones(client: TestClient) -> None:
    sources = walk(client, "/v1/sources")
    assert [s["published_on"] for s in sources] == sorted(s["published_on"] for s in sources)
    stats = walk(client, "/v1/statistics")
    keys = [(s["metric"], s["period_start"] or "9999", s["id"]) for s in stats]
    assert keys == sorted(keys)
    meetings = walk(client, "/v1/meetings")
    assert [m["start_date"] for m in meetings] == sorted(m["start_date"] for m in meetings)


@pytest.mark.parametrize("sort", ["-value", "value,-id", "-period_end,label", "reporter,-metric"])
def test_sorting_and_paging_agree(client: TestClient, sort: str) -> None:
    paged = walk(client, "/v1/statistics", sort=sort, limit=3)
    whole = client.get("/v1/statistics", params={"sort": sort, "limit": 500}).json()["items"]
    assert [s["id"] for s in paged] == [s["id"] for s in whole]
    if sort == "-value":
        values = [s["value"] for s in paged]
        assert values == sorted(values, reverse=True)


def test_meeting_participants_and_location(client: TestClient) -> None:
    seeds = {e["id"]: e for e in seed_entries("meetings")}
    for meeting in walk(client, "/v1/meetings"):
        seed = seeds[meeting["id"]]
        assert [p["name"] for p in meeting["participants"]] == [
            p["name"] for p in seed.get("participants", [])
        ]
        if seed.get("location"):
            assert meeting["location"]["city"] == seed["location"]["city"]
        else:
            assert meeting["location"] is None


def test_provisions_link_their_statistics(client: TestClient) -> None:
    seeds = {e["id"]: e for e in seed_entries("provisions")}
    for provision in walk(client, "/v1/provisions"):
        assert provision["statistic_ids"] == sorted(seeds[provision["id"]].get("statistic_ids", []))
        for statistic_id in provision["statistic_ids"]:
            assert client.get(f"/v1/statistics/{statistic_id}").status_code == 200


def test_metrics_count_their_statistics(client: TestClient) -> None:
    for metric in walk(client, "/v1/metrics"):
        assert metric["statistic_count"] == len(walk(client, "/v1/statistics", metric=metric["id"]))


def test_a_metric_that_fixes_scope_gives_it_to_its_statistics(client: TestClient) -> None:
    metrics = {m["id"]: m for m in walk(client, "/v1/metrics")}
    fixed = [s for s in walk(client, "/v1/statistics") if metrics[s["metric"]]["scope"]]
    assert fixed
    assert all(s["scope"] == metrics[s["metric"]]["scope"] for s in fixed)


def test_a_field_named_twice_in_sort_counts_once(client: TestClient) -> None:
    once = client.get("/v1/statistics", params={"sort": "-value"}).json()["items"]
    twice = client.get("/v1/statistics", params={"sort": "-value,value"}).json()["items"]
    assert [s["id"] for s in once] == [s["id"] for s in twice]


def test_export_holds_every_resource_and_the_texts(client: TestClient) -> None:
    document = client.get("/v1/export").json()
    assert document["dataset_version"] == client.get("/readyz").json()["dataset_version"]
    for kind in (
        "metrics",
        "statistics",
        "provisions",
        "meetings",
        "milestones",
        "people",
        "organizations",
        "statements",
        "discrepancies",
        "checks",
    ):
        assert document[kind] == walk(client, f"/v1/{kind}"), kind
    for source in document["sources"]:
        text = source.pop("text")
        assert text == client.get(source["text_url"]).text
        assert hashlib.sha256(text.encode()).hexdigest() == source["sha256"]
    assert document["sources"] == walk(client, "/v1/sources")


@pytest.mark.parametrize(
    ("statistic_id", "qualifier", "low", "high"),
    [
        # from the grammar's rules (app/analysis/precision.py), not from the code's output:
        ("as-goods-deficit-2016", "exact", 27.55e9, 27.65e9),  # "$27.6 billion": ± half a unit
        ("as-imports-change-2011-2016", "at_most", 15e9, 20e9),  # "nearly $20 billion"
        ("as-goods-deficit-multiple-2011-2016", "at_least", 2, None),  # "more than doubled"
        ("as-autos-deficit-share-2016", "about", 85, 95),  # "about 90 percent"
    ],
)
def test_statistics_carry_the_interval_their_wording_allows(
    client: TestClient, statistic_id: str, qualifier: str, low: float, high: float | None
) -> None:
    item = client.get(f"/v1/statistics/{statistic_id}").json()
    assert item["qualifier"] == qualifier
    assert item["value_low"] == pytest.approx(low)
    assert item["value_high"] == (None if high is None else pytest.approx(high))
    listed = {i["id"]: i for i in walk(client, "/v1/statistics", limit=500)}
    assert listed[statistic_id] == item

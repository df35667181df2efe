"""Series: the rule of reconciliation on its own, then what the API and the explorer serve.

Expected values come from the rule and the texts: "$27.6 billion" allows 27.55-27.65 billion and
"US$27.7 billion" 27.65-27.75 billion, so the three 2016 goods-deficit figures meet at exactly
27.65 billion.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.analysis.series import Reported, reconcile
from tests.helpers import launch_chromium, running_server, walk

GOODS = "trade-deficit-goods--usa-kor-goods"


def _r(sid: str, source: str, value: float, low: float | None, high: float | None) -> Reported:
    return Reported(sid, source, str(value), value, low, high)


def test_the_rule_rounding_agreed_single_conflict_and_bound() -> None:
    rounding = reconcile(
        [
            _r("a", "s1", 27.6, 27.55, 27.65),
            _r("b", "s2", 27.7, 27.65, 27.75),
            _r("c", "s3", 27.6, 27.55, 27.65),
        ]
    )
    assert (rounding.state, rounding.low, rounding.high, rounding.best) == (
        "rounding",
        27.65,
        27.65,
        27.65,
    )
    agreed = reconcile([_r("a", "s1", 13.2, 13.15, 13.25), _r("b", "s2", 13.2, 13.15, 13.25)])
    assert agreed.state == "agreed" and agreed.best == pytest.approx(13.2)
    single = reconcile([_r("a", "s1", 22.9, 22.85, 22.95)])
    assert single.state == "single_source" and single.low == 22.85
    conflict = reconcile([_r("a", "s1", 10.0, 9.95, 10.05), _r("b", "s2", 12.0, 11.95, 12.05)])
    assert conflict.state == "conflict" and conflict.best is None and conflict.low is None
    assert conflict.below == ("a",) and conflict.above == ("b",)
    assert conflict.gap == pytest.approx(1.9)
    bound = reconcile([_r("a", "s1", 2.0, 2.0, None)])  # "more than doubled"
    assert bound.best == 2.0 and bound.high is None and bound.rule.startswith("bound")


def test_the_2016_goods_deficit_is_reconciled_as_rounding(client: TestClient) -> None:
    series = client.get(f"/v1/series/{GOODS}").json()
    assert series["unit"] == "USD" and series["metric"] == "trade-deficit-goods"
    by_year = {p["period_start"]: p for p in series["points"]}
    y2016 = by_year["2016"]
    assert sorted(f["as_reported"] for f in y2016["reported"]) == [
        "$27.6 billion",
        "$27.6 billion",
        "US$27.7\u00a0billion",
    ]
    assert y2016["state"] == "rounding"
    assert (y2016["low"], y2016["high"], y2016["best"]) == (27650000000, 27650000000, 27650000000)
    assert by_year["2011"]["state"] == "agreed" and by_year["2011"]["best"] == 13200000000
    assert by_year["2017"]["state"] == "single_source"
    assert [p["period_start"] for p in series["points"]] == ["2011", "2016", "2017"]


def test_every_statistic_stands_in_exactly_one_series(client: TestClient) -> None:
    statistics = {s["id"]: s for s in walk(client, "/v1/statistics")}
    seen: list[str] = []
    for summary in walk(client, "/v1/series"):
        series = client.get(summary["url"]).json()
        for point in series["points"]:
            for figure in point["reported"]:
                stat = statistics[figure["statistic_id"]]
                seen.append(stat["id"])
                assert stat["metric"] == series["metric"]
                assert (stat["reporter"], stat["partner"], stat["scope"]) == (
                    series["reporter"],
                    series["partner"],
                    series["scope"],
                )
                assert (stat["period_start"], stat["period_end"]) == (
                    point["period_start"],
                    point["period_end"],
                )
                assert figure["as_reported"] == stat["as_reported"]
                assert (figure["value_low"], figure["value_high"]) == (
                    stat["value_low"],
                    stat["value_high"],
                )
                assert figure["citation_url"] == stat["citations"][0]["url"]
            if point["best"] is not None and point["low"] is not None and point["high"] is not None:
                assert point["low"] <= point["best"] <= point["high"]
    assert sorted(seen) == sorted(statistics)


def test_series_filters_and_conventions(client: TestClient) -> None:
    goods = walk(client, "/v1/series", metric="trade-deficit-goods")
    assert [s["id"] for s in goods] == [GOODS]
    assert all(s["reporter"] == "KOR" for s in walk(client, "/v1/series", reporter="KOR"))
    assert all(s["scope"] == "services" for s in walk(client, "/v1/series", scope="services"))
    assert client.get("/v1/series", params={"state": "x"}).status_code == 400
    missing = client.get("/v1/series/no-such-series")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    csv = client.get("/v1/series", headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and "states.conflict" in csv.text.splitlines()[0]
    etag = client.get(f"/v1/series/{GOODS}").headers["etag"]
    assert client.get(f"/v1/series/{GOODS}", headers={"If-None-Match": etag}).status_code == 304


def test_the_chart_is_an_accessible_svg_whose_points_link_to_citations(
    client: TestClient,
) -> None:
    series = client.get(f"/v1/series/{GOODS}").json()
    response = client.get(series["svg_url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert "<script" not in svg
    # the same series is the same document every day (its ETag too): no drawing date
    assert not re.search(r"\d{4}-\d{2}-\d{2}-->", svg)
    assert "Generated with pygal" in svg  # its credit stays
    assert re.search(r'<svg role="img" aria-labelledby="chart-title chart-desc"', svg)
    assert '<title id="chart-title">Trade deficit in goods' in svg
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', svg, re.S)
    assert desc and "2016" in desc.group(1) and "rounding" in desc.group(1)
    for point in series["points"]:
        for figure in point["reported"]:
            assert f'href="{figure["citation_url"]}"' in svg
    assert client.get("/v1/series/no-such-series.svg").status_code == 404


@pytest.mark.slow
def test_the_chart_renders_in_chromium(sqlite_seeded_url: str, tmp_path: Any) -> None:
    from playwright.sync_api import sync_playwright

    with running_server(sqlite_seeded_url) as (base, _), sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/v1/series/{GOODS}.svg")
        assert page.locator("svg > title").first.text_content().startswith("Trade deficit")
        assert "2016" in (page.locator("svg > desc").first.text_content() or "")
        links = page.locator("a[*|href*='/text#char=']").count()
        assert links == 7  # every reported figure of the series
        page.screenshot(path=str(tmp_path / "chart.png"))
        page.goto(f"{base}/series/{GOODS}")
        frame = page.locator("object.chart")
        assert frame.bounding_box()["height"] > 300
        page.screenshot(path=str(tmp_path / "page.png"))
        browser.close()
    assert [e for e in errors if "favicon" not in e and "404" not in e] == []


def test_a_list_item_summarises_its_series(client: TestClient) -> None:
    """A list carries summaries (docs/API.md, "Series"): what the whole series says, counted."""
    summaries = walk(client, "/v1/series")
    assert summaries
    for summary in summaries:
        series = client.get(summary["url"]).json()
        assert "points" not in summary
        for key in ("id", "svg_url", "metric", "label", "unit", "reporter", "partner", "scope"):
            assert summary[key] == series[key]
        points = series["points"]
        assert summary["period_count"] == len(points)
        assert summary["figure_count"] == sum(len(p["reported"]) for p in points)
        for state in ("single_source", "agreed", "rounding", "conflict"):
            assert summary["states"][state] == sum(p["state"] == state for p in points)
        dated = [p for p in points if p["period_start"] is not None]
        last = (dated or points)[-1]
        assert summary["latest"] == {
            k: v for k, v in last.items() if k not in ("reported", "conflict")
        }
        assert summary["first_period"] == (dated[0]["period_start"] if dated else None)
    goods = next(s for s in summaries if s["id"] == GOODS)
    # the worked example: 2011, 2016 and 2017; the latest is 2017's one White House figure
    assert (goods["first_period"], goods["last_period"], goods["period_count"]) == (
        "2011",
        "2017",
        3,
    )
    assert goods["states"] == {"single_source": 1, "agreed": 1, "rounding": 1, "conflict": 0}
    assert goods["latest"]["best"] == 22900000000 and goods["figure_count"] == 7

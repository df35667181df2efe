"""Facets: `facets=field,...` counts each value of a field over every matching item (not only
the page), under the same filters, most frequent first, each with the URL that narrows to it.
Expected counts are made by walking the list and counting, the rule itself."""

from __future__ import annotations

from collections import Counter

import pytest
from starlette.testclient import TestClient

from tests.helpers import walk

FACETED = {
    "/v1/statistics": ["metric", "reporter", "partner", "scope", "unit"],
    "/v1/provisions": ["category", "instrument"],
    "/v1/meetings": ["kind"],
    "/v1/sources": ["kind", "publisher"],
    "/v1/people": ["country"],
    "/v1/organizations": ["kind", "country"],
    "/v1/statements": ["kind", "medium"],
    "/v1/series": ["metric", "reporter", "partner", "scope"],
    "/v1/timeline": ["type"],
    "/v1/checks": ["status"],
}


@pytest.mark.parametrize("path", sorted(FACETED))
def test_facets_count_every_matching_item(client: TestClient, path: str) -> None:
    fields = FACETED[path]
    page = client.get(path, params={"facets": ",".join(fields), "limit": 1}).json()
    assert len(page["items"]) <= 1 and set(page["facets"]) == set(fields)
    items = walk(client, path)
    for field in fields:
        expected = Counter(item[field] for item in items)
        served = page["facets"][field]
        assert {f["value"]: f["count"] for f in served} == dict(expected)
        counts = [f["count"] for f in served]
        assert counts == sorted(counts, reverse=True)
        for facet in served:
            if facet["value"] is None:
                assert facet["url"] is None
                continue
            narrowed = walk(client, facet["url"].split("?")[0], **_params(facet["url"]))
            assert len(narrowed) == facet["count"], facet["url"]


def _params(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    query = dict(parse_qsl(url.split("?", 1)[1]))
    query.pop("limit", None)
    query.pop("facets", None)
    return query


def test_facets_follow_the_filters(client: TestClient) -> None:
    facets = client.get("/v1/statistics", params={"facets": "metric", "reporter": "KOR"}).json()[
        "facets"
    ]["metric"]
    expected = Counter(s["metric"] for s in walk(client, "/v1/statistics", reporter="KOR"))
    assert {f["value"]: f["count"] for f in facets} == dict(expected)
    for facet in facets:
        assert "reporter=KOR" in facet["url"] and "cursor=" not in facet["url"]


def test_bad_facets_are_problems_and_absent_facets_absent(client: TestClient) -> None:
    bad = client.get("/v1/statistics", params={"facets": "label"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["parameter"] == "facets"
    assert client.get("/v1/milestones", params={"facets": "date"}).status_code == 400
    assert "facets" not in client.get("/v1/statistics", params={"limit": 1}).json()
    csv = client.get("/v1/statistics", params={"facets": "metric", "format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")

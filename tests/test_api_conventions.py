"""The conventions of API.md that hold on every endpoint: problems, negotiation, caching,
compression, CORS, CSV, the dataset version header, the OpenAPI document."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from app.vocabulary import SINGULAR
from tests.helpers import LIST_PATHS, walk

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int, parameter: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert "Traceback" not in response.text
    if parameter is not None:
        assert parameter in [e["parameter"] for e in body["errors"]]
    return body


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"bogus": "1"}, "bogus"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "99999999999999999999999999"}, "limit"),
        ({"sort": "nonsense"}, "sort"),
        ({"sort": "value,,id"}, "sort"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": "WyJ4Il0="}, "cursor"),
        ({"cursor": "x" * 501}, "cursor"),
        ({"year": "twenty"}, "year"),
        ({"min_value": "NaN"}, "min_value"),
        ({"min_value": "1e999"}, "min_value"),
        ({"format": "xml"}, "format"),
        ({"q": ""}, "q"),
        ({"metric": "x\x00y"}, "metric"),
    ],
)
def test_bad_parameters_are_400_problems_naming_them(
    client: TestClient, query: dict[str, str], parameter: str
) -> None:
    assert_problem(client.get("/v1/statistics", params=query), 400, parameter)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/meetings?from=2017-13", "from"),
        ("/v1/milestones?to=yesterday", "to"),
        ("/v1/statistics?limit=1&limit=2", "limit"),
        ("/v1/sources/whatever?x=1", "x"),
        ("/healthz?verbose=1", "verbose"),
    ],
)
def test_bad_parameters_on_other_endpoints(client: TestClient, path: str, parameter: str) -> None:
    assert_problem(client.get(path), 400, parameter)


def test_cursor_from_another_sort_names_no_page(client: TestClient) -> None:
    first = client.get("/v1/statistics", params={"limit": 1, "sort": "-value"}).json()
    cursor = first["next"].split("cursor=")[1]
    body = assert_problem(client.get("/v1/statistics", params={"cursor": cursor}), 404)
    assert body["type"] == "/problems/cursor-not-found"


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyJ4Il0", "A", "_-_-"])
def test_a_cursor_of_the_documented_form_that_was_never_issued_names_no_page(
    client: TestClient, cursor: str
) -> None:
    """Every value the schema allows is well formed (so no 400); one the API did not issue is
    a 404 naming the cursor problem."""
    body = assert_problem(client.get("/v1/statistics", params={"cursor": cursor}), 404)
    assert body["type"] == "/problems/cursor-not-found"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/statistics/no-such-thing",
        "/v1/sources/NOT%20A%20SLUG",
        "/v1/sources/nope/text",
        "/v2/statistics",
    ],
)
def test_unknown_is_404_problem(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


def test_wrong_method_is_405_with_allow(client: TestClient) -> None:
    response = client.post("/v1/statistics")
    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_options_answers_allow(client: TestClient) -> None:
    response = client.options("/v1/statistics")
    assert response.status_code == 204
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/statistics",
        "/v1/statistics/as-exports-2016",
        "/v1/sources/ictsd-bridges-2017-07-06/text",
    ],
)
def test_unacceptable_accept_is_406(client: TestClient, path: str) -> None:
    assert_problem(client.get(path, headers={"Accept": "application/xml"}), 406)


def test_accept_wildcards_are_honoured(client: TestClient) -> None:
    assert (
        client.get("/v1/metrics", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("application/json")
    )
    assert (
        client.get("/v1/metrics", headers={"Accept": "text/*"})
        .headers["content-type"]
        .startswith("text/csv")
    )
    assert (
        client.get("/v1/metrics", headers={"Accept": "text/csv;q=0.5, application/json;q=0.9"})
        .headers["content-type"]
        .startswith("application/json")
    )


@pytest.mark.parametrize("path", LIST_PATHS)
def test_csv_has_every_item_of_every_page(client: TestClient, path: str) -> None:
    items = walk(client, path, limit=1)
    by_format = client.get(path, params={"format": "csv"})
    by_accept = client.get(path, headers={"Accept": "text/csv"})
    assert by_format.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_format.content == by_accept.content
    rows = list(csv.DictReader(io.StringIO(by_format.text)))
    assert [r["id"] for r in rows] == [i["id"] for i in items]
    assert all(r["url"] == f"{path}/{r['id']}" for r in rows)


@pytest.mark.parametrize("path", LIST_PATHS)
def test_csv_with_limit_or_cursor_is_one_page_linking_the_next(
    client: TestClient, path: str
) -> None:
    """`limit`/`cursor` are honoured with CSV as with JSON: the same items, page by page."""
    pages = []
    response = client.get(path, params={"format": "csv", "limit": 2})
    while True:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        pages.append([r["id"] for r in csv.DictReader(io.StringIO(response.text))])
        link = response.headers.get("link")
        if link is None:
            break
        assert link.endswith('>; rel="next"') and "format=csv" in link
        response = client.get(link[1 : link.index(">")])
    assert all(1 <= len(page) <= 2 for page in pages)
    assert [i for page in pages for i in page] == [i["id"] for i in walk(client, path, limit=2)]


def test_csv_flattens_citations(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/statistics?format=csv").text)))
    items = {i["id"]: i for i in walk(client, "/v1/statistics")}
    for row in rows:
        item = items[row["id"]]
        assert row["citations.0.quote"] == item["citations"][0]["quote"]
        assert int(row["citations.0.start"]) == item["citations"][0]["start"]
        assert row["approximate"] == ("true" if item["approximate"] else "false")


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/v1/statistics")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "public, max-age=60"
    again = client.get("/v1/statistics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/v1/statistics", params={"limit": 3})
    assert other.headers["etag"] != etag
    as_csv = client.get("/v1/statistics", params={"format": "csv"})
    assert as_csv.headers["etag"] != etag
    stale = client.get("/v1/statistics", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_gzip_over_one_kibibyte(client: TestClient) -> None:
    big = client.get("/v1/statistics", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    raw = client.get("/v1/statistics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert big.json() == raw.json()
    assert big.headers["etag"] != raw.headers["etag"]
    revalidated = client.get(
        "/v1/statistics",
        headers={"Accept-Encoding": "gzip", "If-None-Match": big.headers["etag"]},
    )
    assert revalidated.status_code == 304
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_cors_for_read_methods_only(client: TestClient) -> None:
    simple = client.get("/v1/metrics", headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in simple.headers
    preflight = client.options(
        "/v1/metrics",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]
    refused = client.options(
        "/v1/metrics",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"},
    )
    assert assert_problem(refused, 400)["type"] == "/problems/cors-refused"
    # every response carries the dataset version: preflights, admitted or refused, too
    version = simple.headers["x-dataset-version"]
    assert preflight.headers["x-dataset-version"] == refused.headers["x-dataset-version"] == version


def test_cors_preflight_admits_the_headers_caches_and_libraries_send(client: TestClient) -> None:
    asked = "cache-control, pragma, if-none-match, if-modified-since, x-requested-with, accept"
    preflight = client.options(
        "/v1/metrics",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": asked,
        },
    )
    assert preflight.status_code == 200
    allowed = {
        h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")
    }
    assert set(asked.replace(" ", "").split(",")) <= allowed
    refused = client.options(
        "/v1/metrics",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-secret-token",
        },
    )
    assert assert_problem(refused, 400)["type"] == "/problems/cors-refused"
    exposed = client.get("/v1/metrics", headers={"Origin": "https://example.org"}).headers
    assert {"etag", "link", "x-dataset-version", "retry-after", "allow", "content-disposition"} <= {
        h.strip().lower() for h in exposed["access-control-expose-headers"].split(",")
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Host": "evil.example"},
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
        {"Forwarded": "proto=https;host=evil.example"},
    ],
)
def test_trailing_slash_redirects_to_a_relative_location(
    client: TestClient, headers: dict[str, str]
) -> None:
    """Whatever the Host or forwarding headers say, the Location is a path: it cannot point
    elsewhere, and it cannot downgrade the scheme the client used."""
    response = client.get("/v1/statistics/?limit=2", headers=headers, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/v1/statistics?limit=2"


def test_one_title_per_problem_type(client: TestClient) -> None:
    """The app's 404 (unknown id) and the framework's (unknown path) are one problem type."""
    by_app = client.get("/v1/statistics/no-such-thing").json()
    by_framework = client.get("/v2/nothing").json()
    by_options = client.options("/v2/nothing").json()
    assert by_app["type"] == by_framework["type"] == by_options["type"] == "/problems/not-found"
    assert by_app["title"] == by_framework["title"] == by_options["title"]


def test_explanations_write_money_as_money(client: TestClient) -> None:
    for item in walk(client, "/v1/discrepancies"):
        assert "e+" not in item["explanation"], item["explanation"]
        if item["statistics"] and "USD" in str(client.get(f"/v1/metrics/{item['metric']}").json()):
            assert "US$" in item["explanation"] or "disagree" in item["explanation"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/statistics",
        "/v1/statistics/nope",
        "/healthz",
        "/openapi.json",
        "/v1/sources/ictsd-bridges-2017-07-06/text",
    ],
)
def test_every_response_carries_the_dataset_version(client: TestClient, path: str) -> None:
    version = client.get("/readyz").json()["dataset_version"]
    assert client.get(path).headers["x-dataset-version"] == version


def test_head_matches_get(client: TestClient) -> None:
    get = client.get("/v1/statistics")
    head = client.head("/v1/statistics")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]


def test_health_endpoints(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_openapi_document_describes_the_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    for path in LIST_PATHS:
        assert path in document["paths"]
        assert f"{path}/{{{SINGULAR[path.split('/')[-1]]}_id}}" in document["paths"]
        operation = document["paths"][path]["get"]
        assert {"400", "406"} <= set(operation["responses"])
        names = {p["name"] for p in operation["parameters"]}
        assert {"limit", "cursor", "sort", "format"} <= names
    assert "Problem" in document["components"]["schemas"]
    for page in ("/docs", "/redoc"):
        assert client.get(page).status_code == 200


def test_problem_types_are_documented(client: TestClient) -> None:
    body = client.get("/v1/statistics/nope").json()
    described = client.get(body["type"])
    assert described.status_code == 200
    assert described.json()["type"] == body["type"]

"""The headers real clients send, against a real `korus-facts serve` process.

Each cell below is written from the negotiation rule of docs/API.md ("Representations"), not
from what the server answers: an endpoint answers its default representation to an Accept that
names it, covers it with a wildcard or names it with parameters; a header that admits nothing
the endpoint makes but admits `application/problem+json` gets the default too; otherwise 406.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import httpx
import pytest

from app.vocabulary import SINGULAR

# What each endpoint can produce, default first (docs/API.md).
ENDPOINTS = {
    "list": "/v1/statistics?limit=3",
    "detail": "/v1/statistics/{statistic}",
    "search": "/v1/search?q=steel",
    "timeline": "/v1/timeline",
    "text": "/v1/sources/{source}/text",
    "ics": "/v1/timeline.ics",
    "export": "/v1/export",
    "openapi": "/openapi.json",
}
MEDIA = {
    "J": "application/json",
    "C": "text/csv",
    "T": "text/plain",
    "I": "text/calendar",
    "L": "application/vnd.citationstyles.csl+json",  # a detail's first offer after JSON
    "X": None,  # 406, as a problem document
}

CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)

# profile: (Accept header or None for none sent, expected per endpoint in ENDPOINTS' order)
#                                                                     list detail search timeline
#                                                                     text ics export openapi
PROFILES: dict[str, tuple[str | None, str]] = {
    "no Accept (urllib, pandas, wget)": (None, "JJJJTIJJ"),
    "*/* (curl, requests, httpx, Go)": ("*/*", "JJJJTIJJ"),
    "bare * (old Java clients)": ("*", "JJJJTIJJ"),
    "browser fetch() default": ("*/*", "JJJJTIJJ"),
    "Chrome navigation": (CHROME, "JJJJTIJJ"),
    "Firefox navigation": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "JJJJTIJJ",
    ),
    "Safari navigation": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "JJJJTIJJ",
    ),
    "axios, Angular HttpClient": ("application/json, text/plain, */*", "JJJJTIJJ"),
    "jQuery getJSON": (
        "application/json, text/javascript, */*; q=0.01",
        "JJJJTIJJ",
    ),
    "ky .json(), openapi-generator, java.net.http": ("application/json", "JJJJXXJJ"),
    "Spring RestTemplate/WebClient (Jackson)": (
        "application/json, application/*+json",
        "JJJJXXJJ",
    ),
    "RestSharp": (
        "application/json, text/json, text/x-json, text/javascript, application/xml, text/xml",
        "JJJJXXJJ",
    ),
    "Java HttpURLConnection": (
        "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2",
        "JJJJTIJJ",
    ),
    "charset parameter": ("application/json;charset=UTF-8", "JJJJXXJJ"),
    "charset and q": ("application/json; charset=utf-8; q=0.9", "JJJJXXJJ"),
    "application/*": ("application/*", "JJJJXXJJ"),
    "text/*": ("text/*", "CXCCTIXX"),
    "text/csv (pandas users who ask)": ("text/csv", "CXCCXXXX"),
    "CSV preferred by q": ("application/json;q=0.5, text/csv", "CJCCXXJJ"),
    "JSON refused, anything else": ("application/json;q=0, */*", "CLCCTIXX"),
    "only problem+json": ("application/problem+json", "JJJJTIJJ"),
    "JSON or problem+json": ("application/json, application/problem+json", "JJJJTIJJ"),
    "JSON:API": ("application/vnd.api+json", "XXXXXXXX"),
    "XML only": ("application/xml", "XXXXXXXX"),
    "HTML only (htmx)": ("text/html", "XXXXXXXX"),
    "everything refused": ("*/*;q=0", "XXXXXXXX"),
    "calendar apps": ("text/calendar, */*;q=0.5", "JJJJTIJJ"),
}


@pytest.fixture(scope="module")
def ids(served: str) -> dict[str, str]:
    first = httpx.get(f"{served}/v1/statistics?limit=1").json()["items"][0]
    return {"statistic": first["id"], "source": first["citations"][0]["source_id"]}


@pytest.fixture(scope="module")
def raw(served: str) -> Iterator[httpx.Client]:
    """A client that sends exactly the headers a test gives it, and decodes nothing."""
    with httpx.Client(base_url=served, timeout=30) as client:
        client.headers.pop("accept", None)
        client.headers.pop("accept-encoding", None)
        yield client


def _media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def test_the_table_is_complete() -> None:
    assert len(PROFILES) >= 20
    assert all(
        len(cells) == len(ENDPOINTS) and set(cells) <= set(MEDIA) for _, cells in PROFILES.values()
    )


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_every_client_gets_what_the_rule_says(
    raw: httpx.Client, ids: dict[str, str], profile: str, method: str
) -> None:
    accept, cells = PROFILES[profile]
    headers = {"Accept": accept} if accept is not None else {}
    wrong = []
    for (name, path), cell in zip(ENDPOINTS.items(), cells, strict=True):
        response = raw.request(method, path.format(**ids), headers=headers)
        expected = MEDIA[cell]
        got = (response.status_code, _media(response))
        want = (406, "application/problem+json") if expected is None else (200, expected)
        if got != want:
            wrong.append(f"{name}: {got} != {want}")
        elif method == "GET" and expected is None:
            assert response.json()["type"] == "/problems/not-acceptable"
    assert not wrong, f"{profile} ({accept!r}):\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        (None, False),
        ("gzip", True),
        ("br", False),
        ("deflate", False),
        ("identity", False),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("br, gzip;q=0.5", True),
        ("gzip, deflate, br, zstd", True),
    ],
)
def test_accept_encoding(raw: httpx.Client, accept_encoding: str | None, gzipped: bool) -> None:
    """Bodies over 1 KiB are gzipped exactly when the header admits gzip; the ETag of the
    gzipped form differs, and both forms decode to the same bytes."""
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding is not None else {}
    with raw.stream("GET", "/v1/statistics?limit=20", headers=headers) as response:
        sent = b"".join(response.iter_raw())  # the bytes on the wire, not decoded
    plain = raw.get("/v1/statistics?limit=20")
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == ("gzip" if gzipped else None)
    assert "Accept-Encoding" in response.headers["vary"]
    assert (gzip.decompress(sent) if gzipped else sent) == plain.content
    assert (response.headers["etag"] == plain.headers["etag"]) is not gzipped


def test_every_documented_representation_is_served(served: str) -> None:
    """The negotiation offers are the OpenAPI document's 200 contents: every operation answers
    each media type it documents when asked for it alone, and JSON ones to `application/json`."""
    document = httpx.get(f"{served}/openapi.json").json()
    examples: dict[str, str] = {"problem_type": "not-found"}
    for path in document["paths"]:
        if path.startswith("/v1/") and "{" not in path and path.count("/") == 2:
            items = httpx.get(f"{served}{path}?limit=1").json().get("items")
            if items:
                examples[_id_name(path)] = items[0]["id"]
    wrong = []
    for path, operations in document["paths"].items():
        concrete = path.format(**examples)
        for media in operations["get"]["responses"]["200"]["content"]:
            version = httpx.get(f"{served}/readyz").json()["dataset_version"]
            query = {"/v1/search": "?q=steel", "/v1/changes": f"?since={version}"}.get(path, "")
            response = httpx.get(f"{served}{concrete}{query}", headers={"Accept": media})
            if response.status_code != 200 or _media(response) != media:
                wrong.append(f"{concrete} {media}: {response.status_code} {_media(response)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("accept", "status"),
    [(None, 200), ("*/*", 200), (CHROME, 200), ("text/html", 200), ("application/json", 406)],
)
@pytest.mark.parametrize("path", ["/docs", "/redoc", "/"])
def test_html_pages_negotiate_like_the_api(
    raw: httpx.Client, path: str, accept: str | None, status: int
) -> None:
    """The docs pages and the explorer produce `text/html` only, by the same rule."""
    response = raw.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == status
    expected = "text/html" if status == 200 else "application/problem+json"
    assert _media(response) == expected


def _id_name(path: str) -> str:
    return f"{SINGULAR.get(path.split('/')[2], path.split('/')[2])}_id"

"""Security headers, the docs pages' policy, request limits and rate limiting."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/v1/statistics", "/v1/statistics/nope", "/openapi.json", "/healthz"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_allow_only_their_own_scripts(client: TestClient, page: str) -> None:
    response = client.get(page)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "cdn" not in response.text and "https://" not in response.text
    for src in re.findall(r'src="([^"]+)"', response.text) + re.findall(
        r'href="([^"]+)"', response.text
    ):
        assert src.startswith("/"), src
        assert client.get(src).status_code == 200
    for script in re.findall(r"<script>(.*?)</script>", response.text, re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_long_urls_and_huge_headers_are_refused(client: TestClient) -> None:
    long_url = client.get("/v1/statistics", params={"q": "x" * 20000})
    assert long_url.status_code == 414
    assert long_url.headers["content-type"] == "application/problem+json"
    huge = client.get("/v1/statistics", headers={"X-Padding": "y" * 40000})
    assert huge.status_code == 431


def test_a_body_on_a_get_is_ignored(client: TestClient) -> None:
    plain = client.get("/v1/metrics")
    with_body = client.request("GET", "/v1/metrics", content=b'{"limit": 1}')
    assert with_body.status_code == 200 and with_body.json() == plain.json()


@pytest.mark.parametrize(
    "query",
    [
        "limit=1%00",
        "metric=%FF%FE",
        "q=%ED%A0%80",
        "year=1" + "0" * 40,
        "reporter=%E2%80%AE",
        "sort=%F0%9F%98%80",
        "min_value=-1e309",
        "from=2017-02-30",
    ],
)
def test_hostile_parameters_are_400_not_500(client: TestClient, query: str) -> None:
    response = client.get(
        f"/v1/statistics?{query}" if "from" not in query else f"/v1/meetings?{query}"
    )
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"] in ("application/json", "application/problem+json")


def test_rate_limit_answers_429_with_retry_after(seeded_url: str) -> None:
    app = create_app(Settings(database_url=seeded_url, rate_limit_per_minute=5))
    with TestClient(app) as limited:
        statuses = [limited.get("/healthz").status_code for _ in range(8)]
        assert statuses[:5] == [200] * 5
        refused = limited.get("/healthz")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["type"] == "/problems/rate-limited"

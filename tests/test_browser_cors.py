"""A real browser on another origin: a static page served from a different port, in Debian's
Chromium driven by Playwright, uses the API the way a frontend does: fetch with default
headers, with `Accept: application/json` and with axios's header, revalidation with
If-None-Match, following `next`, and reading every header the contract exposes (Link, ETag,
X-Dataset-Version, Retry-After on a 429, Allow on a 405, Content-Disposition on CSV), through a
preflight that names the request headers caches and libraries add."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import free_port, launch_chromium, running_server

RATE_LIMIT = 40  # per minute, for this test's own server: enough for the checks, then a 429

PAGE_SCRIPT = """
async (api) => {
  const out = {};
  const list = `${api}/v1/statistics?limit=2`;

  let r = await fetch(list);
  out.plain = { status: r.status, type: r.headers.get("content-type"),
                link: r.headers.get("link"), etag: r.headers.get("etag"),
                version: r.headers.get("x-dataset-version") };
  const body = await r.json();
  out.items = body.items.length;

  r = await fetch(list, { headers: { Accept: "application/json" } });
  out.json = { status: r.status, type: r.headers.get("content-type") };

  r = await fetch(list, { headers: { Accept: "application/json, text/plain, */*" } });
  out.axios = { status: r.status, type: r.headers.get("content-type") };

  r = await fetch(list, { cache: "no-store", headers: { "If-None-Match": out.plain.etag } });
  out.revalidated = { status: r.status, etag: r.headers.get("etag") };

  r = await fetch(new URL(body.next, list));
  const second = await r.json();
  out.next = { status: r.status, first: body.items[0].id, second: second.items[0].id };

  r = await fetch(list, { headers: { "Cache-Control": "no-cache", "Pragma": "no-cache",
      "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT", "X-Requested-With": "XMLHttpRequest",
      "Accept-Language": "ko-KR" } });
  out.preflighted = { status: r.status };

  r = await fetch(`${api}/v1/statistics?format=csv`);
  out.csv = { status: r.status, disposition: r.headers.get("content-disposition") };

  r = await fetch(list, { method: "POST", body: "x" });
  out.post = { status: r.status, allow: r.headers.get("allow"),
               type: r.headers.get("content-type") };

  r = await fetch(`${api}/v1/statistics?limit=0`);
  out.bad = { status: r.status, type: r.headers.get("content-type"), body: await r.json() };

  for (let i = 0; i < 200; i++) {
    r = await fetch(`${api}/healthz`, { cache: "no-store" });
    if (r.status === 429) break;
  }
  out.limited = { status: r.status, retryAfter: r.headers.get("retry-after"),
                  type: r.headers.get("content-type") };
  return out;
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def limited_api(sqlite_seeded_url: str) -> Iterator[str]:
    with running_server(sqlite_seeded_url, RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT)) as (base, _):
        yield base


@pytest.fixture(scope="module")
def page_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static page on another port: another origin."""
    root = tmp_path_factory.mktemp("page")
    (root / "index.html").write_text(
        "<!doctype html><title>frontend</title><p>another origin</p>", encoding="utf-8"
    )
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_page_on_another_origin_uses_the_api(limited_api: str, page_origin: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(f"{page_origin}/index.html")
        out: dict[str, Any] = page.evaluate(PAGE_SCRIPT, limited_api)
        browser.close()

    assert out["plain"]["status"] == 200 and out["plain"]["type"] == "application/json"
    assert out["plain"]["link"].endswith('>; rel="next"')
    assert out["plain"]["etag"] and out["plain"]["version"]
    assert out["items"] == 2
    assert out["json"] == {"status": 200, "type": "application/json"}
    assert out["axios"] == {"status": 200, "type": "application/json"}
    assert out["revalidated"] == {"status": 304, "etag": out["plain"]["etag"]}
    assert out["next"]["status"] == 200 and out["next"]["first"] != out["next"]["second"]
    assert out["preflighted"] == {"status": 200}
    assert out["csv"]["status"] == 200
    assert out["csv"]["disposition"] == 'inline; filename="statistics.csv"'
    assert out["post"]["status"] == 405 and out["post"]["type"] == "application/problem+json"
    assert set(out["post"]["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert out["bad"]["status"] == 400 and out["bad"]["body"]["errors"][0]["parameter"] == "limit"
    assert out["limited"]["status"] == 429, out["limited"]
    assert int(out["limited"]["retryAfter"]) > 0
    assert out["limited"]["type"] == "application/problem+json"

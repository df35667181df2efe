"""The explorer pages: server-rendered, checked over HTTP on both databases, and in a real
headless Chromium (Debian's, driven by Playwright) that follows a citation to its span."""

from __future__ import annotations

import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from app.api.routes import pages
from app.config import ROOT
from app.vocabulary import SINGULAR
from tests.helpers import FACT_PATHS, launch_chromium, walk

ARTIFACTS = ROOT / "test-artifacts"


def test_index_links_every_timeline_item_and_source(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for item in walk(client, "/v1/timeline"):
        assert f'href="/facts/{item["type"]}/{item["id"]}"' in page.text
    for source in walk(client, "/v1/sources"):
        assert f'href="/sources/{source["id"]}"' in page.text
    for link in set(re.findall(r'href="(/(?:facts|sources)/[^"#]+)"', page.text)):
        assert client.get(link).status_code == 200, link


def test_the_index_lists_a_bounded_number_of_statistics(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large corpus must not make the index page read everything: it shows the first items
    and points at the API; a small one is listed whole."""
    whole = unescape(client.get("/").text)
    assert "Every statistic" in whole and "pages through them all" not in whole
    monkeypatch.setattr(pages, "INDEX_LIMIT", 3)
    # another Accept is another cache entry, so this page is computed under the new limit
    bounded_page = client.get("/", headers={"Accept": "text/html"})
    assert bounded_page.status_code == 200  # an HTML page answers a client that wants HTML
    bounded = unescape(bounded_page.text)
    facts = re.search(r'id="facts-h">(.*?)</section>', bounded, re.S)
    assert facts is not None
    assert facts.group(1).count('href="/facts/statistic/') == 3
    assert "/v1/statistics</a> pages through them all" in facts.group(1)
    assert "/v1/sources</a> lists them all" in bounded


def test_source_pages_mark_every_citation_exactly(client: TestClient) -> None:
    for path in FACT_PATHS:
        for fact in walk(client, path):
            fact_type = SINGULAR[path.split("/")[-1]]
            for position, citation in enumerate(fact["citations"]):
                page = client.get(f"/sources/{citation['source_id']}").text
                key = f"cite-{fact_type}-{fact['id']}-{position}"
                marked = re.findall(
                    r'<mark[^>]*data-cites="[^"]*\b' + re.escape(key) + r'\b[^"]*"[^>]*>'
                    r"<a [^>]*>(.*?)</a></mark>",
                    page,
                    re.S,
                )
                assert unescape("".join(marked)) == citation["quote"], key
                assert f'id="{key}"' in page


def test_fact_pages_link_citations_and_analysis(client: TestClient) -> None:
    page = client.get("/facts/statistic/ictsd-goods-deficit-2016").text
    assert (
        'href="/sources/ictsd-bridges-2017-07-06#cite-statistic-ictsd-goods-deficit-2016-0"' in page
    )
    assert "rounding" in page  # the 27.6 vs 27.7 discrepancy is shown beside the figure
    assert client.get("/facts/statistic/nope").status_code == 404
    assert client.get("/facts/party/x").status_code == 404


@pytest.mark.slow
def test_a_citation_followed_in_chromium_lands_on_its_quote(served: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{served}/")
        page.get_by_role("link", name="U.S. goods exports to Korea in 2016").first.click()
        quote = page.locator("blockquote").first.inner_text()
        page.locator("a.citation").first.click()
        page.wait_for_load_state()
        key = page.url.split("#", 1)[1]
        assert key == "cite-statistic-as-exports-2016-0"
        target = page.locator(":target")
        assert target.count() == 1
        marked = page.locator(f'mark[data-cites~="{key}"]').all_inner_texts()
        assert "".join(marked) == quote
        assert target.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        page.screenshot(path=str(ARTIFACTS / "explorer-citation.png"))
        page.goto(f"{served}/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
        page.screenshot(path=str(ARTIFACTS / "docs.png"))
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors

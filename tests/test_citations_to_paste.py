"""Citations to paste: every source and fact as CSL-JSON, BibTeX and RIS by content negotiation,
and as references formatted in APA or Chicago (citeproc-py), each with its pinpoint.

Expected forms come from the formats' own rules (RIS: two-letter tag, two spaces, a hyphen, a
space, CRLF; a record from TY to ER) and from the sources' metadata (the American Shipper article
is by Chris Gillis, December 2017)."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.helpers import FACT_PATHS, walk

CSL = "application/vnd.citationstyles.csl+json"
BIBTEX = "application/x-bibtex"
RIS = "application/x-research-info-systems"


def _first_cited(client: TestClient, path: str) -> dict:
    return next(item for item in walk(client, path) if item["citations"])


@pytest.mark.parametrize("path", ["/v1/sources", *FACT_PATHS])
def test_every_resource_negotiates_its_references(client: TestClient, path: str) -> None:
    item = _first_cited(client, path) if path != "/v1/sources" else walk(client, path)[0]
    expected = max(1, len(item.get("citations", [])))
    csl = client.get(item["url"], headers={"Accept": CSL})
    assert csl.status_code == 200 and csl.headers["content-type"].startswith(CSL)
    entries = csl.json()
    assert len(entries) == expected
    for entry, citation in zip(entries, item.get("citations", []), strict=False):
        assert entry["title"] and entry["URL"].startswith("http")
        assert f"“{citation['quote']}”" in entry["note"]
        assert f"characters {citation['start']}–{citation['end']}" in entry["note"]
        assert entry["note"].count(item["url"]) >= 1  # the fact's permalink
    bib = client.get(item["url"], headers={"Accept": BIBTEX})
    assert bib.status_code == 200 and bib.headers["content-type"].startswith(BIBTEX)
    assert len(re.findall(r"^@\w+\{", bib.text, re.M)) == expected
    assert bib.text.count("{") - bib.text.count(r"\{") == bib.text.count("}") - bib.text.count(
        r"\}"
    )
    ris = client.get(item["url"], headers={"Accept": RIS})
    assert ris.status_code == 200 and ris.headers["content-type"].startswith(RIS)
    lines = ris.text.split("\r\n")
    assert lines[-1] == "" and "\n" not in ris.text.replace("\r\n", "")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert sum(line.startswith("TY  - ") for line in lines) == expected
    assert sum(line == "ER  - " for line in lines) == expected
    assert (
        client.get(item["url"], headers={"Accept": "application/json"}).json()["id"] == (item["id"])
    )


def test_a_source_in_apa_and_chicago(client: TestClient) -> None:
    apa = client.get("/v1/sources/american-shipper-2017-12/citation").json()
    [reference] = apa["references"]
    assert apa["style"] == "apa" and reference["pinpoint"] is None
    assert reference["text"].startswith("Gillis, C. (2017, December).")
    assert "U.S., South Korea to begin KORUS amendment negotiations Jan. 5" in reference["text"]
    assert "<i>" in reference["html"]
    chicago = client.get(
        "/v1/sources/american-shipper-2017-12/citation", params={"style": "chicago-author-date"}
    ).json()
    assert chicago["references"][0]["text"].startswith("Gillis, C. 2017.")
    assert "@article{" in apa["bibtex"] and "TY  - NEWS" in apa["ris"]


def test_a_fact_cites_each_span_it_rests_on(client: TestClient) -> None:
    fact = client.get("/v1/milestones/korus-entry-into-force").json()
    cited = client.get("/v1/milestones/korus-entry-into-force/citation").json()
    assert cited["permalink"].endswith("/v1/milestones/korus-entry-into-force")
    assert cited["dataset_version"] == client.get("/readyz").json()["dataset_version"]
    assert [r["pinpoint"] for r in cited["references"]] == fact["citations"]
    assert [r["source_id"] for r in cited["references"]] == [
        c["source_id"] for c in fact["citations"]
    ]


def test_bad_citation_requests_are_problems(client: TestClient) -> None:
    bad = client.get("/v1/statistics/as-goods-deficit-2016/citation", params={"style": "mla"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    missing = client.get("/v1/statistics/no-such-figure/citation")
    assert missing.status_code == 404


def test_every_explorer_page_has_a_cite_this_block(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    page = client.get("/facts/statistic/as-goods-deficit-2016", headers=html).text
    block = re.search(r'<section class="cite-this".*?</section>', page, re.S)
    assert block and "Gillis, C. (2017, December)." in block.group(0)
    assert "Quoted: “" in block.group(0)
    assert "/v1/statistics/as-goods-deficit-2016/citation" in block.group(0)
    source = client.get("/sources/ustr-statement-2018-02-01", headers=html).text
    assert '<section class="cite-this"' in source


def test_an_organisation_as_author_is_one_name_in_bibtex(client: TestClient) -> None:
    bib = client.get(
        "/v1/sources/ictsd-bridges-2017-07-06", headers={"Accept": "application/x-bibtex"}
    ).text
    # braced whole: its comma must not read as "Family, Given"
    assert "author = {{International Centre for Trade and Sustainable Development (ICTSD), " in bib
    person = client.get(
        "/v1/sources/american-shipper-2017-12", headers={"Accept": "application/x-bibtex"}
    ).text
    assert "author = {Gillis, Chris}" in person

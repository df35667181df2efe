"""The figure scanner and coverage: every figure mention is cited by a fact or excused."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.analysis.scanner import scan
from app.seed.bundle import coverage
from app.seed.reader import SeedError, read_seed
from tests.conftest import SEED_DIR
from tests.helpers import edit, walk


def texts(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.kind) for m in scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("amounted to US$27.7\u00a0billion in 2016.", [("US$27.7\u00a0billion", "money")]),
        ("a surplus of US$ 10.7 billion", [("US$ 10.7 billion", "money")]),
        (
            "from $13.2 billion to $27.6 billion",
            [("$13.2 billion", "money"), ("$27.6 billion", "money")],
        ),
        ("the U.S. brought in $904 million worth", [("$904 million", "money")]),
        ("Samsung Invests $1.9 Billion in U.S.", [("$1.9 Billion", "money")]),
        ("from 25,000 to 50,000 per manufacturer", [("25,000", "count"), ("50,000", "count")]),
        ("a decline of 2.7 percent.", [("2.7 percent", "percent")]),
        ("a quota equal to 70% of volume", [("70%", "percent")]),
        ("rose nearly $20 billion over", [("$20 billion", "money")]),
        ("would create almost 1000 jobs", [("1000", "count")]),
        ("Korea is the US’ sixth-largest trading partner", [("sixth", "rank")]),
        ("our goods deficit has doubled since", [("doubled", "multiple")]),
        ("convened two specials sessions", [("two", "count")]),
    ],
)
def test_scanner_finds_each_number_form(text: str, expected: list[tuple[str, str]]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "held on Aug. 22, 2017 and Oct. 4, 2017.",
        "met in Seoul, Korea on January 31 - February 1 to advance",
        "On March 8, 2018, after receiving a report",
        "a press conference on Friday 30 June.",
        "Coming Soon 7-8 July, Hamburg, Germany. G20 LEADERS",
        "under Section 232 of the Trade Expansion Act of 1962",
        "<https://ustr.gov/fact-sheets/2018/january/statement-0>",
        "He joined American Shipper in 1994, shortly after",
        "trade between the two nations; the two sides; two-way trade",
    ],
)
def test_dates_names_and_urls_are_not_figures(text: str) -> None:
    assert texts(text) == []


def test_hedges_and_bound_years() -> None:
    [mention] = scan("U.S. imports rose nearly $20 billion in 2016.")
    assert mention.approximate and mention.year == 2016
    [plain] = scan("It amounted to $5 billion. In 2012 it was less.")
    assert plain.year is None


def test_spans_are_code_point_offsets() -> None:
    text = "Korea’s “deficit” of US$27.7\u00a0billion"
    [mention] = scan(text)
    assert text[mention.start : mention.end] == mention.text


def test_the_shipped_seed_leaves_nothing_uncovered() -> None:
    bundle = read_seed(SEED_DIR)
    reports = [coverage(bundle, source_id) for source_id in bundle.texts]
    assert sum(len(r.mentions) for r in reports) > 0
    for report in reports:
        assert report.uncovered == [] and report.unused_exclusions == []


def test_an_uncited_figure_fails_the_check(seed_copy: Path) -> None:
    text = (seed_copy / "statistics.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: ictsd-us-fdi-in-korea-2015")
    end = text.index("  - id: ictsd-samsung-appliance-plant-pledge")
    (seed_copy / "statistics.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    edit(seed_copy / "statements.yaml", ", ictsd-us-fdi-in-korea-2015]", "]")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    [issue] = caught.value.issues
    assert issue.file == "seed/sources/004_5a1606d8c5c2ea0e.txt"
    assert "'US$34.6 billion'" in issue.message and issue.line == 32


def test_a_stale_exclusion_fails_the_check(seed_copy: Path) -> None:
    edit(seed_copy / "exclusions.yaml", "mention: five", "mention: six")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    messages = [str(i) for i in caught.value.issues]
    assert any("seed/exclusions.yaml" in m and "stale" in m for m in messages)
    assert any("'five'" in m for m in messages)


def test_coverage_endpoint_accounts_for_every_mention(client: TestClient) -> None:
    for source in walk(client, "/v1/sources"):
        body = client.get(f"/v1/sources/{source['id']}/coverage").json()
        text = client.get(source["text_url"]).text
        assert body["summary"]["uncovered"] == 0
        assert body["summary"]["mentions"] == len(body["mentions"]) == len(scan(text))
        for mention in body["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
            if mention["status"] == "excluded":
                assert mention["reason"] and not mention["facts"]
                continue
            assert mention["status"] == "cited" and mention["facts"]
            for fact in mention["facts"]:
                cited = client.get(fact["url"]).json()["citations"]
                assert any(
                    c["source_id"] == source["id"]
                    and c["start"] <= mention["start"]
                    and mention["end"] <= c["end"]
                    for c in cited
                )


def test_coverage_of_unknown_source_is_404(client: TestClient) -> None:
    assert client.get("/v1/sources/nope/coverage").status_code == 404

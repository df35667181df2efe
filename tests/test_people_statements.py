"""People, organisations and statements: who said what, as the sources give it.

Expected values are read off the five texts (seed/sources/), not off the API: the names and
titles each source prints, the words each speaker is quoted with, the dates the texts give.
The mention scanner is tested on its own, and each seed rule by breaking a copy of the seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.analysis.mentions import NameIndex, adjacent_titles
from app.seed.reader import SeedError, read_seed
from tests.conftest import SEED_DIR
from tests.helpers import edit, walk

SOURCES = SEED_DIR / "sources"


def _text(source_id: str, client: TestClient) -> str:
    return client.get(f"/v1/sources/{source_id}/text").text


# --- the mention scanner, on its own ---------------------------------------------------------


def test_the_scanner_finds_names_nobody_curated() -> None:
    index = NameIndex({"Robert Lighthizer": "robert-lighthizer"}, ["Ambassador"])
    scan = index.scan("Talks went on, according to Lightizer and Jane Roe of the Widget Board.")
    assert [m.text for m in scan.unresolved] == ["Lightizer", "Jane Roe of the Widget Board"]
    scan = index.scan("Ambassador Robert Lighthizer spoke in Seoul in July.")
    assert scan.unresolved == []
    assert [(m.text, m.entity) for m in scan.resolved] == [
        ("Robert Lighthizer", "robert-lighthizer")
    ]


def test_the_scanner_reads_titles_next_to_names() -> None:
    index = NameIndex(
        {"Myung-hee Yoo": "yoo", "Wilbur Ross": "ross", "Trump": "trump"},
        [
            "Deputy Minister",
            "director general",
            "President",
            "Secretary of Commerce",
        ],
    )
    text = (
        "Deputy Minister Myung-hee Yoo met them. Myung-hee Yoo, director general, spoke. "
        "From Secretary of Commerce Wilbur Ross, President Trump heard it."
    )
    pairs = {(t.text, n.text) for t, n in adjacent_titles(text, index.scan(text))}
    assert pairs == {
        ("Deputy Minister", "Myung-hee Yoo"),
        ("director general", "Myung-hee Yoo"),
        ("Secretary of Commerce", "Wilbur Ross"),
        ("President", "Trump"),  # not Ross's: "President" opens the next name
    }


def test_places_countries_and_sentence_openers_are_not_names() -> None:
    index = NameIndex({}, [], countries=["KOR"])
    text = "Officials met in Seoul in March. Exports from KOR rose; South Korea agreed."
    assert index.scan(text).unresolved == []


# --- what the API serves ---------------------------------------------------------------------


def test_a_misspelling_is_kept_as_printed_and_noted(client: TestClient) -> None:
    person = client.get("/v1/people/robert-lighthizer").json()
    [misspelt] = [n for n in person["names"] if n["name"] == "Lightizer"]
    assert misspelt["form"] == "misspelling" and misspelt["note"]
    assert misspelt["source_id"] == "sourcing-journal-2017-07"
    assert "according to Lightizer" in misspelt["citation"]["quote"]
    text = _text("sourcing-journal-2017-07", client)
    c = misspelt["citation"]
    assert text[c["start"] : c["end"]] == c["quote"]


def test_roles_differ_by_source_and_are_dated_by_it(client: TestClient) -> None:
    yoo = client.get("/v1/people/myung-hee-yoo").json()
    roles = {(r["title"], r["source_id"], r["stated_on"]) for r in yoo["roles"]}
    # American Shipper (December 2017): "director general";
    # USTR (1 February 2018): "Deputy Minister"
    assert roles == {
        ("director general", "american-shipper-2017-12", "2017-12"),
        ("Deputy Minister", "ustr-statement-2018-02-01", "2018-02-01"),
    }
    assert {r["organization_id"] for r in yoo["roles"]} == {"motie"}
    lighthizer = client.get("/v1/people/robert-lighthizer").json()
    titles = {r["title"] for r in lighthizer["roles"]}
    assert {"U.S. Trade Representative", "United States Trade Representative", "Ambassador"} <= (
        titles
    )
    for role in lighthizer["roles"]:
        assert role["title"] in role["citation"]["quote"]
        source = client.get(f"/v1/sources/{role['source_id']}").json()
        assert role["stated_on"] == source["published_on"]


def test_one_ministry_two_cited_names_and_the_disagreement_shown(client: TestClient) -> None:
    motie = client.get("/v1/organizations/motie").json()
    assert motie["name_conflict"] == {
        "names": [
            "Ministry of Trade, Industry and Energy",
            "Ministry of Trade, Economy and Industry",
        ],
        "source_ids": ["american-shipper-2017-12", "ustr-statement-2018-02-01"],
    }
    assert "myung-hee-yoo" in {p["id"] for p in motie["people"]}
    ustr = client.get("/v1/organizations/ustr").json()
    assert ustr["name_conflict"] is None  # "U.S." and "US" are one name written two ways
    assert {s["id"] for s in ustr["published_sources"]} == {"ustr-statement-2018-02-01"}


PEOPLE = {
    "robert-lighthizer",
    "michael-beeman",
    "myung-hee-yoo",
    "wilbur-ross",
    "mike-pence",
    "donald-trump",
    "moon-jae-in",
}


def test_everyone_the_issue_names_is_a_person(client: TestClient) -> None:
    assert {p["id"] for p in walk(client, "/v1/people")} >= PEOPLE
    for person in walk(client, "/v1/people"):
        for name in person["names"]:
            assert name["name"] in name["citation"]["quote"]


@pytest.mark.parametrize(
    ("words", "speaker", "kind", "date"),
    [
        (
            "We are renegotiating a trade deal right now as we speak",
            "donald-trump",
            "quote",
            "2017-06-30",
        ),
        ("Samsung’s investment is great news", "wilbur-ross", "quote", None),
        ("Korean officials have not confirmed", None, "position", None),
        (
            "Korean-made steel is being sold in the US at prices lower",
            "trump-administration",
            "allegation",
            None,
        ),
        ("address our significant trade imbalance", "robert-lighthizer", "quote", "2017-07-12"),
        ("These negotiations are an example", "robert-lighthizer", "quote", "2018-02-01"),
        (
            "committed to foster expanded and balanced trade",
            "moon-jae-in",
            "commitment",
            "2017-06-30",
        ),
    ],
)
def test_the_statements_the_texts_make_are_facts(
    client: TestClient, words: str, speaker: str | None, kind: str, date: str | None
) -> None:
    found = [s for s in walk(client, "/v1/statements", q=words)]
    assert len(found) == 1, words
    [statement] = found
    assert statement["kind"] == kind
    if speaker:
        assert speaker in {s["id"] for s in statement["speakers"]}
    if date:
        assert statement["date"] == date and statement["date_basis"] == "event"
    assert any(statement["text"] in c["quote"] for c in statement["citations"])


def test_every_statement_is_verbatim_and_quotes_are_quoted(client: TestClient) -> None:
    statements = walk(client, "/v1/statements")
    assert len(statements) >= 25
    for statement in statements:
        assert any(statement["text"] in c["quote"] for c in statement["citations"]), statement["id"]
        if statement["kind"] == "quote":
            # the speaker's own words stand inside quotation marks in the source
            c = statement["citations"][0]
            text = _text(c["source_id"], client)
            at = text.index(statement["text"])
            assert text[at - 1] in "“\"‘'…" or text[at] in '“"…', statement["id"]
        assert statement["speakers"] or statement["speaker_as_stated"]
        for speaker in statement["speakers"]:
            assert client.get(speaker["url"]).status_code == 200


def test_statement_filters(client: TestClient) -> None:
    by_lighthizer = walk(client, "/v1/statements", speaker="robert-lighthizer")
    assert by_lighthizer
    assert all("robert-lighthizer" in {s["id"] for s in x["speakers"]} for x in by_lighthizer)
    letters = [s for s in by_lighthizer if s["medium"] == "letter"]
    assert {s["date"] for s in letters} == {"2017-07-12"}
    for_ustr = {s["id"] for s in walk(client, "/v1/statements", organization="ustr")}
    assert {s["id"] for s in by_lighthizer} <= for_ustr  # he spoke for USTR each time
    korean = walk(client, "/v1/statements", country="KOR")
    assert "korea-has-not-confirmed-upgrade" in {s["id"] for s in korean}
    assert all("KOR" in s["countries"] for s in korean)
    kinds = walk(client, "/v1/statements", kind="allegation,commitment")
    assert kinds and {s["kind"] for s in kinds} <= {"allegation", "commitment"}
    in_2018 = walk(client, "/v1/statements", **{"from": "2018", "to": "2018-12-31"})
    assert in_2018 and all(s["date"].startswith("2018") for s in in_2018)
    from_ustr = walk(client, "/v1/statements", source_id="ustr-statement-2018-02-01")
    assert from_ustr and all(
        any(c["source_id"] == "ustr-statement-2018-02-01" for c in s["citations"])
        for s in from_ustr
    )
    bad = client.get("/v1/statements", params={"kind": "rumour"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["parameter"] == "kind"


def test_people_link_meetings_statements_and_statistics(client: TestClient) -> None:
    beeman = client.get("/v1/people/michael-beeman").json()
    assert {m["id"] for m in beeman["meetings"]} == {
        "negotiation-round-2018-01-05-washington",
        "negotiation-round-2018-01-31-seoul",
    }
    trump = client.get("/v1/people/donald-trump").json()
    assert "ictsd-deficit-rise-since-2011" in {s["id"] for s in trump["statistics"]}
    assert "trump-renegotiating-right-now" in {s["id"] for s in trump["statements"]}
    for meeting in walk(client, "/v1/meetings"):
        for participant in meeting["participants"]:
            person = client.get(f"/v1/people/{participant['person_id']}").json()
            assert participant["name"] in {n["name"] for n in person["names"]}
    people = walk(client, "/v1/people", organization="ustr")
    assert {"robert-lighthizer", "michael-beeman"} <= {p["id"] for p in people}
    assert [p["id"] for p in walk(client, "/v1/people", q="lightizer")] == ["robert-lighthizer"]


def test_the_signing_date_conflict_is_shown_not_resolved(client: TestClient) -> None:
    signed = client.get("/v1/milestones/korus-signed").json()
    assert signed["date_disputed"]
    quotes = " ".join(c["quote"] for c in signed["citations"])
    assert "signed in 2011" in quotes and "signed under the George W. Bush administration" in quotes


def test_dates_from_the_reference_list_are_marked_as_reports(client: TestClient) -> None:
    threat = client.get("/v1/milestones/trump-termination-threat-reported-2017-04-28").json()
    assert threat["date"] == "2017-04-28" and threat["date_basis"] == "reported"
    assert "WASHINGTON POST, 28 April 2017" in threat["citations"][0]["quote"]
    shift = client.get("/v1/milestones/trump-shifts-to-amending-korus-2017").json()
    assert shift["cause"] and shift["cause"] in shift["citations"][0]["quote"]
    assert "push back from industry" in shift["cause"]


def test_the_new_resources_follow_every_convention(client: TestClient) -> None:
    for path in ("/v1/people", "/v1/organizations", "/v1/statements"):
        csv = client.get(path, headers={"Accept": "text/csv"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        etag = client.get(path).headers["etag"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        missing = client.get(f"{path}/nobody-at-all")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert client.get(path, params={"colour": "red"}).status_code == 400
    timeline = walk(client, "/v1/timeline", type="statement")
    assert {i["id"] for i in timeline} == {s["id"] for s in walk(client, "/v1/statements")}
    hits = walk(client, "/v1/search", q="Lightizer", type="person")
    assert [h["id"] for h in hits] == ["robert-lighthizer"]
    counts = client.get("/v1/sources/ictsd-bridges-2017-07-06").json()["fact_counts"]
    assert counts["statements"] > 0 and counts["people"] > 0 and counts["organizations"] > 0


def test_the_explorer_has_a_page_per_person_and_highlights_statements(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    page = client.get("/facts/person/myung-hee-yoo", headers=html)
    assert page.status_code == 200
    assert "director general" in page.text and "Deputy Minister" in page.text
    org = client.get("/facts/organization/motie", headers=html).text
    assert "sources give different names" in org
    source = client.get("/sources/ustr-statement-2018-02-01", headers=html).text
    assert re.search(r'data-cites="[^"]*cite-statement-lighthizer-seoul', source)


# --- the seed rules, each broken on a copy ---------------------------------------------------


def _problems(seed: Path) -> str:
    with pytest.raises(SeedError) as caught:
        read_seed(seed)
    return str(caught.value)


def test_an_uncurated_misspelling_fails_the_check(seed_copy: Path) -> None:
    text = (seed_copy / "people.yaml").read_text(encoding="utf-8")
    start = text.index("      - name: Lightizer")
    end = text.index("      - name: Robert Lighthizer\n        source: ustr-statement")
    (seed_copy / "people.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    problems = _problems(seed_copy)
    assert "seed/sources/001_93f166a6757dd128.txt" in problems
    assert "name 'Lightizer' resolves to no person or organisation" in problems


def test_a_misspelling_needs_a_note(seed_copy: Path) -> None:
    text = (seed_copy / "people.yaml").read_text(encoding="utf-8")
    at = text.index("        note: The article spells the name")
    end = text.index("\n", at) + 1
    (seed_copy / "people.yaml").write_text(text[:at] + text[end:], encoding="utf-8")
    assert "a misspelling is kept as printed and needs a note" in _problems(seed_copy)


def test_a_title_next_to_a_name_must_be_a_role(seed_copy: Path) -> None:
    text = (seed_copy / "people.yaml").read_text(encoding="utf-8")
    start = text.index("      - title: Deputy Minister")
    end = text.index("  - id: wilbur-ross")
    (seed_copy / "people.yaml").write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    problems = _problems(seed_copy)
    assert "'Deputy Minister' stands next to 'Myung-hee Yoo'" in problems
    assert "ustr-statement-2018-02-01" in problems


def test_a_stale_mention_exclusion_fails_the_check(seed_copy: Path) -> None:
    edit(seed_copy / "mention_exclusions.yaml", "mention: European Commission", "mention: Nobody")
    assert "no unresolved name 'Nobody'" in _problems(seed_copy)


def test_a_statement_must_be_the_sources_words(seed_copy: Path) -> None:
    edit(
        seed_copy / "statements.yaml",
        'text: "Korean officials have not confirmed whether they wish to do the same."',
        'text: "Korean officials refused to do the same."',
    )
    assert "text does not stand inside any of its quotes" in _problems(seed_copy)


def test_a_speaker_must_exist(seed_copy: Path) -> None:
    edit(seed_copy / "statements.yaml", "speakers: [wilbur-ross]", "speakers: [wilbur-rose]")
    assert "no person or organization with id 'wilbur-rose'" in _problems(seed_copy)


def test_a_participant_must_be_a_person(seed_copy: Path) -> None:
    edit(seed_copy / "meetings.yaml", "{name: Michael Beeman,", "{name: Mike Beeman,")
    assert "participant 'Mike Beeman' is no person's name" in _problems(seed_copy)


def test_coverage_lists_every_name_and_what_it_resolves_to(client: TestClient) -> None:
    for source in walk(client, "/v1/sources"):
        coverage = client.get(f"/v1/sources/{source['id']}/coverage").json()
        text = _text(source["id"], client)
        names = coverage["names"]
        assert coverage["summary"]["names"] == len(names) > 0
        for name in names:
            assert text[name["start"] : name["end"]] == name["text"]
            if name["status"] == "resolved":
                entity = client.get(name["entity"]["url"]).json()
                printed = {n["name"] for n in entity["names"]}
                assert name["text"] in printed
            else:
                assert name["status"] == "excluded" and name["reason"]
    shipper = client.get("/v1/sources/american-shipper-2017-12/coverage").json()
    excluded = [n["text"] for n in shipper["names"] if n["status"] == "excluded"]
    assert excluded == ["Mount St. Mary’s College"]  # the reporter's biography

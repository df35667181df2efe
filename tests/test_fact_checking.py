"""Fact-checker grade: bounds that keep a hedge's direction, claims judged under every reading,
garbled sentences marked, and the curation rules that keep the seed honest.

Expected values are written from the texts and the rules (docs/API.md, app/seed/rules.py), not
copied from what the code returns.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.analysis.arithmetic import Figure, judge, recompute
from app.analysis.precision import qualifier, stated_interval
from app.analysis.wording import direction, hedge_before
from app.seed.reader import SeedError, read_seed
from tests.helpers import edit, walk

# -- the figure grammar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value", "low", "high", "kind"),
    [
        ("$13.2 billion", 13.2e9, 13.15e9, 13.25e9, "exact"),
        ("about 90 percent", 90, 85, 95, "about"),
        ("nearly $20 billion", 20e9, 15e9, 20e9, "at_most"),
        ("less than $3.5 billion", 3.5e9, 0, 3.5e9, "at_most"),
        ("less than $3.5 billion", -3.5e9, -3.5e9, 0, "at_most"),
        ("up to 5 percent", 5, 0, 5, "at_most"),
        ("more than doubled", 2, 2, math.inf, "at_least"),
        ("at least $2 billion", 2e9, 2e9, math.inf, "at_least"),
        ("nearly six", 6, 5.5, 6, "at_most"),
    ],
)
def test_every_hedge_keeps_its_direction(
    written: str, value: float, low: float, high: float, kind: str
) -> None:
    interval = stated_interval(written, value)
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))
    assert qualifier(written) == kind


def test_the_scanner_sees_the_hedge_before_a_figure() -> None:
    text = "exports were valued at $42.3 billion, less than $3.5 billion when"
    assert hedge_before(text, text.index("$3.5")) == "less than"
    assert hedge_before(text, text.index("$42.3")) is None


@pytest.mark.parametrize(
    ("quote", "figure", "said"),
    [
        ("from $13.2 billion to $22.9 billion, an increase of 73 percent", "73 percent", "rise"),
        ("from $6.3 billion to $10.7 billion, a 70 percent increase", "70 percent", "rise"),
        ("in 2016, a drop of 3 percent over the previous year", "3 percent", "fall"),
        ("imports rose nearly $20 billion", "nearly $20 billion", "rise"),
        ("the total was $144.6 billion", "$144.6 billion", None),
    ],
)
def test_the_direction_of_a_change_is_read_from_its_nearest_word(
    quote: str, figure: str, said: str | None
) -> None:
    at = quote.index(figure)
    assert direction(quote, at, at + len(figure)) == said


# -- readings ------------------------------------------------------------------------------------


def test_a_claim_consistent_under_one_reading_only_depends_on_the_reading() -> None:
    claim = Figure("claim", 11e9, "US$11 billion")
    goods = recompute(
        "difference",
        claim,
        {
            "start": Figure("a", 13.2e9, "$13.2 billion"),
            "end": Figure("b", 27.7e9, "$27.7 billion"),
        },
        "goods",
    )
    overall = recompute(
        "difference",
        claim,
        {"start": Figure("c", 6.3e9, "$6.3 billion"), "end": Figure("d", 17.0e9, "$17.0 billion")},
        "overall",
    )
    assert (goods.status, overall.status) == ("inconsistent", "consistent")
    verdict = judge(claim, [goods, overall])
    assert verdict.status == "depends_on_reading"
    assert verdict.computed is None
    assert judge(claim, [overall]).status == "consistent"
    assert judge(claim, [goods, goods]).status == "inconsistent"


def test_trumps_11_billion_is_judged_under_both_scopes(client: TestClient) -> None:
    check = client.get("/v1/checks/ictsd-trump-deficit-rise-11-billion").json()
    assert check["status"] == "depends_on_reading"
    by_id = {r["id"]: r for r in check["readings"]}
    # goods: 27.7 − 13.2 = 14.5, outside 10.5–11.5
    assert by_id["goods-deficit"]["status"] == "inconsistent"
    assert by_id["goods-deficit"]["computed"] == pytest.approx(14.5e9)
    # goods and services: (27.7 − 10.7) − 6.3 = 10.7, inside 10.5–11.5
    overall = by_id["goods-and-services-deficit"]
    assert overall["status"] == "consistent"
    assert overall["computed"] == pytest.approx(10.7e9)
    derived = next(i for i in overall["inputs"] if i["basis"] == "derived")
    assert derived["value"] == pytest.approx(17.0e9)
    assert (derived["value_low"], derived["value_high"]) == (
        pytest.approx(16.9e9),
        pytest.approx(17.1e9),
    )
    assert {c["id"] for c in derived["cites"]} == {
        "ictsd-goods-deficit-2016",
        "ictsd-services-surplus-2016",
    }
    for cite in derived["cites"]:
        assert client.get(cite["url"]).status_code == 200


def test_imports_rising_nearly_20_billion_contradicts_the_deficit_and_exports(
    client: TestClient,
) -> None:
    # imports change = deficit change + exports change; the deficit rose 14.4 and exports fell
    check = client.get("/v1/checks/as-imports-rise-against-deficit-and-exports").json()
    assert check["status"] == "inconsistent"
    assert len(check["readings"]) >= 2
    for reading in check["readings"]:
        assert reading["status"] == "inconsistent"
        assert reading["computed_range"][1] <= 14.5e9 < 15e9  # "nearly $20 billion" is 15–20


def test_total_goods_trade_is_twice_exports_plus_the_deficit(client: TestClient) -> None:
    check = client.get("/v1/checks/ictsd-total-goods-trade-112-2-billion").json()
    assert check["status"] == "consistent"
    for reading in check["readings"]:
        exports = next(i for i in reading["inputs"] if "42.3" in i["as_reported"])
        assert exports["value"] == pytest.approx(2 * 42.3e9)


def test_nearly_six_years_is_measured_from_entry_into_force(client: TestClient) -> None:
    check = client.get("/v1/checks/as-agreement-nearly-six-years-old").json()
    assert check["status"] == "consistent"
    [reading] = check["readings"]
    assert [(i["basis"], i["cites"][0]["type"]) for i in reading["inputs"]] == [
        ("date", "milestone"),
        ("date", "source"),
    ]
    # March 2012 to December 2017: 5 years 9 months, give or take a month
    assert 5.6 < reading["computed"] < 5.9


# -- garbled sentences ---------------------------------------------------------------------------


def test_the_garbled_exports_sentence_is_marked_not_attributed(client: TestClient) -> None:
    stat = client.get("/v1/statistics/as-exports-change-2011-2016").json()
    assert stat["as_reported"] == "less than $3.5 billion"
    assert stat["qualifier"] == "at_most" and stat["approximate"] is True
    assert (stat["value_low"], stat["value_high"]) == (-3.5e9, 0)
    error = stat["source_error"]
    assert error and all(error[k] for k in ("literal_reading", "likely_reading", "why"))
    assert "$43.5 billion" in error["likely_reading"]
    check = client.get("/v1/checks/as-exports-decline-2-7-percent").json()
    assert check["status"] == "depends_on_reading"
    assert [e["statistic_id"] for e in check["source_errors"]] == ["as-exports-change-2011-2016"]
    conjectured = [i for r in check["readings"] for i in r["inputs"] if i["basis"] == "conjecture"]
    assert [i["as_reported"] for i in conjectured] == ["$43.5 billion"]


def test_whatever_rests_on_a_garbled_statistic_carries_the_mark(client: TestClient) -> None:
    garbled = {s["id"] for s in walk(client, "/v1/statistics") if s["source_error"]}
    assert garbled
    for check in walk(client, "/v1/checks"):
        rests_on = {check["claim_id"], *check["input_ids"]}
        assert {e["statistic_id"] for e in check["source_errors"]} == rests_on & garbled


def test_the_explorer_shows_the_mark_beside_the_sentence(client: TestClient) -> None:
    page = client.get("/sources/american-shipper-2017-12", headers={"Accept": "text/html"})
    assert "Suspected source error" in page.text
    assert "as-exports-change-2011-2016" in page.text
    fact = client.get("/facts/statistic/as-exports-change-2011-2016")
    assert "Suspected source error" in fact.text and "Likely meant" in fact.text
    index = client.get("/")
    assert "depends on reading" in index.text


# -- the seed as curated -------------------------------------------------------------------------


def test_a_discrepancy_note_lists_its_group_and_only_the_sources_figures(
    client: TestClient,
) -> None:
    for d in walk(client, "/v1/discrepancies"):
        if d["note"]:
            assert "27.65" not in d["note"]
    [deficit] = walk(client, "/v1/discrepancies", metric="trade-deficit-goods")
    assert {m["id"] for m in deficit["statistics"]} == {
        "as-goods-deficit-2016",
        "ictsd-goods-deficit-2016",
        "sj-goods-deficit-2016",
    }


def test_arrangements_outside_korus_cite_the_words_that_say_so(client: TestClient) -> None:
    for provision_id in ("steel-section-232-quota", "currency-understanding"):
        provision = client.get(f"/v1/provisions/{provision_id}").json()
        quotes = " ".join(c["quote"] for c in provision["citations"])
        assert "Outside the context of" in quotes


def test_a_textiles_figure_is_quoted_with_the_word_textiles(client: TestClient) -> None:
    for stat in walk(client, "/v1/statistics", metric="imports-textiles-apparel"):
        assert any("textiles" in c["quote"] for c in stat["citations"])


def test_exemptions_are_shown_with_their_reason(client: TestClient) -> None:
    stat = client.get("/v1/statistics/sj-goods-deficit-2016").json()
    assert [e["rule"] for e in stat["exemptions"]] == ["metric_named"]
    assert stat["exemptions"][0]["reason"]
    assert client.get("/v1/statistics/as-goods-deficit-2016").json()["exemptions"] == []


# -- the rules refuse what breaks them ------------------------------------------------------------


def _refused(seed: Path, *words: str) -> str:
    with pytest.raises(SeedError) as caught:
        read_seed(seed)
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return message


def test_a_dropped_hedge_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "statistics.yaml",
        "    as_reported: nearly $20 billion\n    approximate: true",
        "    as_reported: $20 billion",
    )
    _refused(seed_copy, "as-imports-change-2011-2016", "as_reported", "nearly $20 billion")


def test_a_dropped_hedge_with_a_reason_is_accepted_and_a_stale_reason_refused(
    seed_copy: Path,
) -> None:
    edit(
        seed_copy / "statistics.yaml",
        "    as_reported: nearly $20 billion\n    approximate: true",
        "    as_reported: $20 billion\n    exemptions: {hedge_kept: a made-up reason}",
    )
    read_seed(seed_copy)
    edit(
        seed_copy / "statistics.yaml",
        "as_reported: $20 billion\n",
        "as_reported: nearly $20 billion\n    approximate: true\n",
    )
    _refused(seed_copy, "as-imports-change-2011-2016", "exemption is stale")


def test_an_unhedged_figure_marked_approximate_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "statistics.yaml",
        "    as_reported: $24 billion\n",
        "    as_reported: $24 billion\n    approximate: true\n",
    )
    _refused(seed_copy, "as-autos-deficit-2016", "not hedged")


def test_a_flipped_sign_is_refused(seed_copy: Path) -> None:
    edit(seed_copy / "statistics.yaml", "    value: -3\n", "    value: 3\n")
    _refused(seed_copy, "sj-textile-imports-percent-change-2016", "fall", "negative")


def test_an_invented_start_month_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "statistics.yaml",
        "    period_start: 2017\n    period_end: 2017-05",
        "    period_start: 2017-01\n    period_end: 2017-05",
    )
    _refused(seed_copy, "sj-textile-imports-2017-ytd", "period_start", "month")


def test_a_quote_that_does_not_name_the_metric_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "statistics.yaml",
        'quote: "Looking at textiles and apparel specifically, the U.S. brought in $904 million '
        'worth of goods from South Korea in 2016"',
        'quote: "the U.S. brought in $904 million worth of goods from South Korea in 2016"',
    )
    _refused(seed_copy, "sj-textile-imports-2016", "textiles")


def test_a_discrepancy_note_with_an_outside_figure_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "discrepancy_notes.yaml",
        "    note: The Sourcing Journal",
        "    note: USTR's figure was $27.65 billion. The Sourcing Journal",
    )
    _refused(seed_copy, "$27.65 billion", "no statistic of the group")


def test_a_discrepancy_note_missing_a_member_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "discrepancy_notes.yaml",
        ", sj-goods-deficit-2016]",
        "]",
    )
    _refused(seed_copy, "sj-goods-deficit-2016", "every statistic of the group")


def test_an_arrangement_outside_korus_without_its_sentence_is_refused(seed_copy: Path) -> None:
    edit(
        seed_copy / "provisions.yaml",
        '      - source: whitehouse-fact-sheet-2018-03-28\n        quote: "Outside the context '
        "of KORUS, the Trump Administration has reached a deal with South Korea to protect "
        'American steel manufacturers and national security."\n',
        "",
    )
    _refused(seed_copy, "steel-section-232-quota", "outside KORUS")


def test_a_summary_that_hides_who_acts_is_refused(seed_copy: Path) -> None:
    text = (seed_copy / "provisions.yaml").read_text(encoding="utf-8")
    start = text.index("summary: The fact sheet says South Korea will extend")
    end = text.index("\n", start)
    (seed_copy / "provisions.yaml").write_text(
        text[:start]
        + "summary: The phase-out of the 25 percent U.S. tariff on trucks is extended to 2041."
        + text[end:],
        encoding="utf-8",
    )
    _refused(seed_copy, "trucks-tariff-phase-out-extension", "South Korea")


def test_a_conjecture_needs_a_statistic_marked_garbled(seed_copy: Path) -> None:
    edit(
        seed_copy / "checks.yaml",
        "statistic: as-exports-change-2011-2016\n          conjecture:",
        "statistic: as-exports-2016\n          conjecture:",
    )
    _refused(seed_copy, "as-exports-decline-2-7-percent", "not marked garbled")


def test_a_reading_must_read_words_the_quote_holds(seed_copy: Path) -> None:
    edit(
        seed_copy / "checks.yaml",
        "read_as: $3.5 billion\n          note:",
        "read_as: $4.5 billion\n          note:",
    )
    _refused(seed_copy, "as-exports-decline-2-7-percent", "read_as", "$4.5 billion")


def test_the_level_a_stated_percentage_implies_is_checked(client: TestClient) -> None:
    # $42.3 billion after a 2.7 percent decline implies about $43.5 billion in 2011: a fall of
    # about $1.2 billion, which is "less than $3.5 billion" but not "$3.5 billion"
    check = client.get("/v1/checks/as-exports-fall-implied-by-2-7-percent").json()
    assert check["status"] == "depends_on_reading"
    by_id = {r["id"]: r for r in check["readings"]}
    assert by_id["less-than-3-5-billion"]["status"] == "consistent"
    assert by_id["exactly-3-5-billion"]["status"] == "inconsistent"
    assert by_id["exactly-3-5-billion"]["claim"]["basis"] == "read_as"
    implied = by_id["less-than-3-5-billion"]["inputs"][0]
    assert implied["basis"] == "derived"
    assert implied["value"] == pytest.approx(42.3e9 / 0.973)

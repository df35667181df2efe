"""Discrepancies and arithmetic checks: computed by the loader, served by the API."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.analysis.discrepancies import Measured, Member, find_discrepancies
from app.analysis.precision import stated_interval
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.helpers import walk


def test_every_disagreeing_group_is_reported(client: TestClient) -> None:
    groups = defaultdict(list)
    for s in walk(client, "/v1/statistics"):
        if s["period_start"] is not None:
            key = (
                s["metric"],
                s["reporter"],
                s["partner"],
                s["scope"],
                s["period_start"],
                s["period_end"],
            )
            groups[key].append(s)
    expected = {
        frozenset(s["id"] for s in members)
        for members in groups.values()
        if len({s["value"] for s in members}) > 1
    }
    served = walk(client, "/v1/discrepancies")
    assert {frozenset(m["id"] for m in d["statistics"]) for d in served} == expected
    for d in served:
        values = [m["value"] for m in d["statistics"]]
        assert d["relative_spread"] == pytest.approx(
            (max(values) - min(values)) / max(abs(v) for v in values), abs=1e-6
        )
        for member in d["statistics"]:
            statistic = client.get(f"/v1/statistics/{member['id']}").json()
            assert (statistic["metric"], statistic["scope"]) == (d["metric"], d["scope"])
            assert member["as_reported"] == statistic["as_reported"]


def test_rounding_is_told_from_genuine_disagreement(client: TestClient) -> None:
    [deficit] = walk(client, "/v1/discrepancies", metric="trade-deficit-goods")
    assert deficit["assessment"] == "rounding"
    assert deficit["note"]


def _measured(metric: str, scope: str, value: float, written: str, ident: str) -> Measured:
    return Measured(
        metric,
        "USA",
        "KOR",
        scope,
        date(2016, 1, 1),
        "year",
        date(2016, 1, 1),
        "year",
        Member(ident, value, written, "src"),
    )


def test_equal_values_of_other_scope_or_metric_never_group() -> None:
    found = find_discrepancies(
        [
            _measured("total-trade", "goods", 10.7e9, "$10.7 billion", "a"),
            _measured("total-trade", "goods_and_services", 12.0e9, "$12 billion", "b"),
            _measured("trade-surplus-services", "services", 10.7e9, "$10.7 billion", "c"),
            _measured(
                "trade-deficit-goods-and-services", "goods_and_services", 12.0e9, "$12 billion", "d"
            ),
        ]
    )
    assert found == []


def test_genuine_disagreement_is_not_rounding() -> None:
    [found] = find_discrepancies(
        [
            _measured("exports", "goods", 42.3e9, "$42.3 billion", "a"),
            _measured("exports", "goods", 45.8e9, "$45.8 billion", "b"),
        ]
    )
    assert found.assessment == "genuine"
    [rounded] = find_discrepancies(
        [
            _measured("exports", "goods", 42.3e9, "$42.3 billion", "a"),
            _measured("exports", "goods", 42e9, "$42 billion", "b"),
        ]
    )
    assert rounded.assessment == "rounding"


@pytest.mark.parametrize(
    ("written", "value", "low", "high"),
    [
        ("$13.2 billion", 13.2e9, 13.15e9, 13.25e9),
        ("73 percent", 73, 72.5, 73.5),
        ("2.7 percent", -2.7, -2.75, -2.65),
        ("about 90 percent", 90, 85, 95),
        ("nearly $20 billion", 20e9, 15e9, 20e9),
        ("doubled", 2, 1.75, 2.25),
        ("more than doubled", 2, 2, float("inf")),
    ],
)
def test_written_precision(written: str, value: float, low: float, high: float) -> None:
    interval = stated_interval(written, value)
    assert interval.low == pytest.approx(low) and interval.high == pytest.approx(high)


def test_the_same_words_read_for_either_sign() -> None:
    """The words' reading is kept once read (app/analysis/numbers.py, FIGURES_KEPT); a value's
    sign still decides which side of zero the interval lies, whichever sign was read first."""
    for first, second in ((2.7, -2.7), (-4.1, 4.1)):
        written = f"{abs(first)} percent"
        a, b = stated_interval(written, first), stated_interval(written, second)
        assert (a.low, a.high) == (-b.high, -b.low)
        assert (a.low > 0) == (first > 0) and (b.low > 0) == (second > 0)


_FORMULAS = {
    "ratio": lambda i: i[1] / i[0],
    "share": lambda i: i[0] / i[1] * 100,
    "difference": lambda i: i[1] - i[0],
    "sum": sum,
}


def test_checks_recompute_the_stated_arithmetic(client: TestClient) -> None:
    checks = walk(client, "/v1/checks")
    assert {c["kind"] for c in checks} >= {"percent_change", "share", "difference", "ratio", "sum"}
    for check in checks:
        claim = client.get(f"/v1/statistics/{check['claim_id']}").json()
        assert check["stated"] == claim["value"]
        assert check["readings"], check["id"]
        for reading in check["readings"]:
            values = [i["value"] for i in reading["inputs"]]
            for figure in [reading["claim"], *reading["inputs"]]:
                if figure["basis"] == "stated":
                    [cite] = figure["cites"]
                    stated = client.get(cite["url"]).json()
                    assert (figure["value"], figure["as_reported"]) == (
                        stated["value"],
                        stated["as_reported"],
                    )
                    assert (figure["value_low"], figure["value_high"]) == (
                        stated["value_low"],
                        stated["value_high"],
                    )
            if reading["kind"] in _FORMULAS:
                assert reading["computed"] == pytest.approx(_FORMULAS[reading["kind"]](values))
            low, high = reading["computed_range"]
            claim_low = reading["claim"]["value_low"]
            claim_high = reading["claim"]["value_high"]
            meets = (low is None or claim_high is None or low <= claim_high) and (
                high is None or claim_low is None or claim_low <= high
            )
            assert reading["status"] == ("consistent" if meets else "inconsistent")
        statuses = {r["status"] for r in check["readings"]}
        assert check["status"] == (statuses.pop() if len(statuses) == 1 else "depends_on_reading")
        if len(check["readings"]) == 1:
            assert check["computed"] == check["readings"][0]["computed"]
        else:
            assert check["computed"] is None


def test_checks_filter_by_status_and_source(client: TestClient) -> None:
    inconsistent = walk(client, "/v1/checks", status="inconsistent")
    assert inconsistent and all(c["status"] == "inconsistent" for c in inconsistent)
    by_source = walk(client, "/v1/checks", source_id="whitehouse-fact-sheet-2018-03-28")
    assert by_source and all(c["claim_id"].startswith("wh-") for c in by_source)


WRONG_TEXT = (
    "The goods deficit rose from $10 billion in 2015 to $12 billion in 2016, a 50 percent rise.\n"
)


@pytest.fixture
def wrong_claim_client(seed_copy: Path, migrated_url: str) -> Iterator[TestClient]:
    """The shipped seed plus one made-up document whose stated change is wrong."""
    text_file = seed_copy / "sources" / "zz_test.txt"
    text_file.write_text(WRONG_TEXT, encoding="utf-8")
    sha = hashlib.sha256(WRONG_TEXT.encode()).hexdigest()
    with (seed_copy / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(
            f"\n  - id: test-wrong-claim\n    file: sources/zz_test.txt\n    sha256: {sha}\n"
            "    title: A made-up note\n    kind: test\n"
        )
    (seed_copy / "statistics").mkdir()
    (seed_copy / "statistics" / "test.yaml").write_text(
        "statistics:\n"
        + "".join(
            f"  - {{id: {i}, metric: {m}, label: {i}, reporter: USA, partner: JPN, value: {v},"
            f" unit: {u}, as_reported: '{a}', period_start: {p}, period_end: {q},"
            f" citations: [{{source: test-wrong-claim, quote: '{WRONG_TEXT.strip()}'}}]}}\n"
            for i, m, v, u, a, p, q in [
                ("t-2015", "trade-deficit-goods", 10e9, "USD", "$10 billion", 2015, 2015),
                ("t-2016", "trade-deficit-goods", 12e9, "USD", "$12 billion", 2016, 2016),
                (
                    "t-rise",
                    "trade-deficit-goods-percent-change",
                    50,
                    "percent",
                    "50 percent",
                    2015,
                    2016,
                ),
            ]
        ),
        encoding="utf-8",
    )
    (seed_copy / "checks").mkdir()
    (seed_copy / "checks" / "test.yaml").write_text(
        "checks:\n  - {id: t-check, kind: percent_change, claim: t-rise, start: t-2015,"
        " end: t-2016}\n",
        encoding="utf-8",
    )
    engine = make_engine(migrated_url)
    load_seed(engine, read_seed(seed_copy))
    engine.dispose()
    with TestClient(create_app(Settings(database_url=migrated_url))) as test_client:
        yield test_client


def test_a_wrong_stated_change_is_inconsistent(wrong_claim_client: TestClient) -> None:
    check = wrong_claim_client.get("/v1/checks/t-check").json()
    assert check["status"] == "inconsistent"
    assert check["computed"] == pytest.approx(20.0)
    assert "50 percent" in check["explanation"]
    ids = [c["id"] for c in walk(wrong_claim_client, "/v1/checks", status="inconsistent")]
    assert "t-check" in ids

"""Search ranking: real questions find what the texts say first, and a bounded ranking (windows
of matches, each ranked) loses no match and never repeats one, on both databases."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.queries import search, search_reach
from tests.helpers import walk

# Real questions a reader of the five documents asks, and the fact that answers each, chosen
# from the texts (the provision or milestone whose title states it), not from today's output.
QUESTIONS = [
    ("truck tariff 2041", {("provision", "trucks-tariff-phase-out-extension")}),
    ("steel quota", {("provision", "steel-section-232-quota")}),
    ("exchange rate", {("provision", "currency-understanding")}),
    ("reimbursement innovative drugs", {("provision", "pharmaceutical-reimbursement")}),
    ("customs procedures", {("provision", "customs-procedures")}),
    ("safety standards cars", {("provision", "autos-us-safety-standards-allowance")}),
    ("eco-credits", {("provision", "autos-eco-credits")}),
    ("oil country tubular goods", {("milestone", "octg-anti-dumping-duties-2017-04")}),
    ("Lighthizer letter", {("milestone", "lighthizer-letter-2017-07-12")}),
    ("withdraw from KORUS", {("milestone", "trump-called-for-withdrawal-2017")}),
]
TOP = 3


@pytest.mark.parametrize(("q", "answers"), QUESTIONS)
def test_real_questions_find_their_answer_first(
    client: TestClient, q: str, answers: set[tuple[str, str]]
) -> None:
    hits = client.get("/v1/search", params={"q": q, "limit": TOP}).json()["items"]
    assert answers & {(h["type"], h["id"]) for h in hits}, (q, hits)


@pytest.fixture
def uncached(seeded_url: str) -> Iterator[TestClient]:
    """A client whose answers are never kept, so that each request ranks again."""
    app = create_app(Settings(database_url=seeded_url, response_cache_mb=0))
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def _keys(hits: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(h["type"], h["id"]) for h in hits]


def _blocks(hits: list[dict[str, object]], size: int) -> list[list[float]]:
    scores = [float(h["score"]) for h in hits]  # type: ignore[arg-type]
    return [scores[i : i + size] for i in range(0, len(scores), size)]


@pytest.mark.parametrize("params", [{}, {"type": "statistic"}, {"as_of": "2017-12"}])
def test_windows_lose_and_repeat_nothing(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    whole = walk(uncached, "/v1/search", q="Korea", limit=500, **params)
    assert len(whole) > 10  # several windows below
    assert len(whole) < search.WINDOW  # one window: ranked whole
    monkeypatch.setattr(search, "WINDOW", 4)
    for limit in (1, 3, 4, 9):
        paged = walk(uncached, "/v1/search", q="Korea", limit=limit, **params)
        assert len(set(_keys(paged))) == len(paged)
        assert sorted(_keys(paged)) == sorted(_keys(whole))
        # windows of 4 matches in the index's order, each ranked
        for block in _blocks(paged, 4):
            assert block == sorted(block, reverse=True)
        assert _keys(paged) == _keys(walk(uncached, "/v1/search", q="Korea", limit=3, **params))
    rising = walk(uncached, "/v1/search", q="Korea", sort="score", limit=3, **params)
    assert sorted(_keys(rising)) == sorted(_keys(whole))
    # windows counted from the end (the short one, if any, last), each rising
    for block in _blocks(rising, 4):
        assert block == sorted(block)


def test_a_whole_window_is_ranked_as_one(uncached: TestClient) -> None:
    """Below the window, the ranking is every match's: scores fall from the first hit to the
    last, and sort=score is the exact reverse of sort=-score (ties apart)."""
    falling = walk(uncached, "/v1/search", q="Korea", limit=50)
    scores = [h["score"] for h in falling]
    assert scores == sorted(scores, reverse=True)
    rising = walk(uncached, "/v1/search", q="Korea", sort="score", limit=50)
    assert [h["score"] for h in rising] == sorted(scores)


def test_windowed_csv_is_the_walk(uncached: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "WINDOW", 4)
    paged = walk(uncached, "/v1/search", q="Korea", limit=3)
    text = uncached.get("/v1/search", params={"q": "Korea"}, headers={"Accept": "text/csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["type"], r["id"]) for r in rows] == _keys(paged)


@pytest.mark.parametrize("window", ["1e300", "-1e300", "1180591620717411303424", "0.5"])
def test_a_forged_window_is_no_error(client: TestClient, window: str) -> None:
    """A cursor is the client's to send: any number as its window is a page (maybe empty)."""
    payload = f'["-score,id",[{window},1.0,"x"]]'.encode()
    cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    response = client.get("/v1/search", params={"q": "Korea", "cursor": cursor})
    assert response.status_code in (200, 404), response.text


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/v1/timeline", '["date,id",["2018-01-01",1e300,1e300,"x"]]'),
        ("/v1/timeline", '["date,id",["2018-01-01",0.5,1,"x"]]'),
    ],
)
def test_a_forged_integer_key_is_no_error(client: TestClient, path: str, payload: str) -> None:
    """Integer sort keys in a cursor are integers a column holds, or the cursor names no page."""
    cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    response = client.get(path, params={"cursor": cursor})
    assert response.status_code in (200, 404), response.text


@pytest.mark.parametrize("q", ["quoted paraphrased", "Korea quoted", '"exchange rate"'])
@pytest.mark.parametrize("params", [{}, {"type": "source"}, {"as_of": "2018-06"}])
def test_a_walk_begun_late_loses_nothing(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch, q: str, params: dict[str, str]
) -> None:
    """On PostgreSQL a walk in key order begins where the query's words can first meet
    (app/queries/search_reach.py). Every page, windowed or not, either way, is the same as one
    whose walk begins at the start."""
    monkeypatch.setattr(search, "WINDOW", 3)
    for sort in ("-score", "score", "id"):
        asked = walk(uncached, "/v1/search", q=q, sort=sort, limit=2, **params)
        with monkeypatch.context() as undone:
            undone.setattr(search_reach, "begin", lambda _c, _q, start, _f: start)
            whole = walk(uncached, "/v1/search", q=q, sort=sort, limit=2, **params)
        assert asked == whole
        if not params:
            assert asked

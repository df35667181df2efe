"""Whole lists as CSV and the export are sent while they are made (docs/API.md, "Streaming"):
the same content as the pages, an end that says the body is whole, a strong ETag made without
the body, gzip, 304 and HEAD without making the body, and a client that leaves stops the work."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.pagination import BATCH
from bench.corpus import generate
from tests.helpers import walk

ROOT = Path(__file__).resolve().parent.parent
LISTS = ["/v1/statistics", "/v1/sources", "/v1/statements", "/v1/series", "/v1/timeline"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("path", LISTS)
def test_a_whole_list_as_csv_is_every_item_in_order(client: TestClient, path: str) -> None:
    items = walk(client, path)
    whole = client.get(path, params={"format": "csv"})
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("text/csv")
    rows = _rows(whole.text)
    key = "id" if path != "/v1/timeline" else "url"
    assert [r[key] for r in rows] == [str(i[key]) for i in items]
    assert rows[-1][key] != "END"  # no END row unless asked
    ended = _rows(client.get(path, params={"format": "csv", "end": "true"}).text)
    assert ended[:-1] == rows
    last = list(ended[-1].values())
    assert last[0] == "END" and not any(last[1:])


def test_the_export_ends_by_counting_every_list(client: TestClient) -> None:
    answer = client.get("/v1/export")
    document = answer.json()
    assert list(document)[-1] == "complete"
    counts = document["complete"]["counts"]
    lists = [k for k, v in document.items() if isinstance(v, list)]
    assert set(counts) == set(lists)
    for name in lists:
        assert counts[name] == len(document[name]), name
    assert counts["statistics"] == len(walk(client, "/v1/statistics"))


def test_streamed_etags_are_strong_stable_and_differ_by_request(client: TestClient) -> None:
    first = client.get("/v1/export")
    etag = first.headers["etag"]
    assert not etag.startswith("W/") and etag == client.get("/v1/export").headers["etag"]
    assert etag != client.get("/v1/export", params={"as_of": "2017-07"}).headers["etag"]
    plain = client.get("/v1/export", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != etag
    assert orjson.loads(plain.content) == first.json()
    again = client.get("/v1/export", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    head = client.head("/v1/export")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    csv_tag = client.get("/v1/statistics", params={"format": "csv"}).headers["etag"]
    assert (
        csv_tag
        != client.get("/v1/statistics", params={"format": "csv", "sort": "-id"}).headers["etag"]
    )


def test_a_real_server_streams_chunked_and_gzipped(served: str) -> None:
    with httpx.stream("GET", f"{served}/v1/export", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.status_code == 200
        assert r.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in r.headers
        assert r.headers["content-encoding"] == "gzip"
        raw = b"".join(r.iter_raw())
    assert orjson.loads(gzip.decompress(raw))["complete"]["counts"]["sources"] == 5


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic seed large enough that its export is many chunks (bench/corpus.py)."""
    out = tmp_path_factory.mktemp("corpus") / "seed"
    generate(2000, out)
    return out


def _load(seed: Path, url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli", "load", "--seed-dir", str(seed), "--allow-deletes",
         "--database-url", url],
        check=True,
        capture_output=True,
    )  # fmt: skip


def test_a_client_that_leaves_stops_the_export(migrated_url: str, big_corpus: Path) -> None:
    """The body stops at the chunk the client left at, and the heavy-request slot is free."""
    _load(big_corpus, migrated_url)
    app = create_app(Settings(database_url=migrated_url, response_cache_mb=0, heavy_requests=1))

    async def export(leave_after: int | None) -> int:
        chunks = 0
        left = asyncio.Event()
        scope: dict[str, Any] = {
            "type": "http",
            "method": "GET",
            "path": "/v1/export",
            "raw_path": b"/v1/export",
            "query_string": b"",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
            "scheme": "http",
            "http_version": "1.1",
            "root_path": "",
        }
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await left.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal chunks
            if message["type"] == "http.response.body" and message.get("body"):
                chunks += 1
                if leave_after is not None and chunks >= leave_after:
                    left.set()

        await app(scope, receive, send)
        return chunks

    async def run() -> tuple[int, int, int]:
        async with app.router.lifespan_context(app):
            whole = await export(None)
            cut = await export(1)
            again = await export(None)  # the slot (HEAVY_REQUESTS=1) was given back
        return whole, cut, again

    whole, cut, again = asyncio.run(run())
    assert whole > 10 and again == whole
    assert cut <= 2


def test_every_csv_list_streams_and_matches_its_pages_on_a_bigger_corpus(
    migrated_url: str, big_corpus: Path
) -> None:
    _load(big_corpus, migrated_url)
    with TestClient(create_app(Settings(database_url=migrated_url, response_cache_mb=0))) as c:
        counts = {}
        for path in ("/v1/statistics", "/v1/provisions", "/v1/sources"):
            whole = _rows(c.get(path, params={"format": "csv", "sort": "-id"}).text)
            ids = [i["id"] for i in walk(c, path, sort="-id", limit=500)]
            assert [r["id"] for r in whole] == ids, path
            counts[path] = len(ids)
    assert counts["/v1/statistics"] > 2 * BATCH  # several batches, read across their seams

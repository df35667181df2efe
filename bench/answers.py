"""Series and facets beside a plain page of statistics, on one corpus, one server, one client.

Usage:

    .venv/bin/python bench/answers.py --statistics 100000 --requests 200 \
        [--database-url postgresql://...] [--reuse]

It generates the synthetic corpus (bench/corpus.py), loads it (`korus-facts migrate` and
`load`, timed) unless --reuse, serves it with `korus-facts serve` (one worker, response cache
off, so that every answer is computed), and asks each scenario's URLs in turn from one client,
one request at a time: the latency of one answer, not throughput. Scenarios:

- page: a page of 50 statistics (the default order), the baseline;
- series_page: a page of 50 series;
- series_one: one series (its stored document);
- facets: a page of 50 statistics with `facets=metric,reporter,partner`;
- facets_filtered: the same, narrowed to one metric.

Prints a Markdown table (p50 and p99 in ms, and each as a multiple of the page's p50).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402

BIN = Path(sys.executable).parent


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(client: httpx.Client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statistics", type=int, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true", help="serve the database as it is")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="korus-answers-"))
    url = args.database_url or f"sqlite:///{work / 'korus.db'}"
    env = {**os.environ, "DATABASE_URL": url, "RESPONSE_CACHE_MB": "0"}
    if not args.reuse:
        corpus = work / "corpus"
        generate(args.statistics, corpus)
        _run([str(BIN / "korus-facts"), "migrate"], env)
        load_seconds = _run(
            [str(BIN / "korus-facts"), "load", "--seed-dir", str(corpus), "--allow-deletes"], env
        )
        print(f"load: {load_seconds:.1f} s ({args.statistics:,} statistics)")
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "korus-facts"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            series = client.get("/v1/series", params={"limit": 50}).json()["items"]
            metric = series[0]["metric"]
            n = args.requests
            scenarios = {
                "page": ["/v1/statistics?limit=50"] * n,
                "series_page": ["/v1/series?limit=50"] * n,
                "series_one": [s["url"] for s in series] * (n // max(1, len(series)) + 1),
                "facets": ["/v1/statistics?limit=50&facets=metric,reporter,partner"] * n,
                "facets_filtered": [
                    f"/v1/statistics?limit=50&metric={metric}&facets=reporter,partner"
                ]
                * n,
            }
            results = {}
            for name, urls in scenarios.items():
                _timed(client, urls[:10])  # warm up
                times = sorted(_timed(client, urls[:n]))
                results[name] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    page = results["page"][0]
    dialect = url.split(":", 1)[0]
    print(f"\n{dialect}, {args.statistics:,} statistics, {args.requests} requests each\n")
    print("| scenario | p50 ms | p99 ms | p50 / page p50 |")
    print("|---|---|---|---|")
    for name, (p50, p99) in results.items():
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {p50 / page:.1f}x |")


if __name__ == "__main__":
    main()

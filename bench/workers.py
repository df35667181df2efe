"""1 worker against 2, on SQLite and on PostgreSQL, with the response cache on and off.

Usage: .venv/bin/python bench/workers.py [--seconds 10]

Starts a private PostgreSQL the way the tests do (tests/postgres.py), then runs bench/load.py
(wrk over bench/mix.lua, 64 connections, the shipped seed, two reloads during the second run)
for every combination, and prints one Markdown table. Nothing is pinned: the workers, the
database and wrk share this machine's cores, as they would on a small host.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import start_postgres  # noqa: E402


def run(url: str, workers: int, cache_mb: int, seconds: int) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--workers", str(workers),
         "--seconds", str(seconds), "--reloads", "2", "--database-url", url],
        env={**os.environ, "RESPONSE_CACHE_MB": str(cache_mb)},
        capture_output=True,
        text=True,
        check=False,
    ).stdout  # fmt: skip
    steady = re.search(r"\| steady \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", out)
    verdict = "PASS" if "PASS" in out else "FAIL"
    if steady is None:
        return {"rps": "-", "p50": "-", "p99": "-", "verdict": verdict}
    return {"rps": steady[2], "p50": steady[3], "p99": steady[4], "verdict": verdict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    postgres = start_postgres()
    try:
        print("| database | response cache | workers | req/s | p50 ms | p99 ms | with reloads |")
        print("|---|---|---|---|---|---|---|")
        for name in ("sqlite", "postgresql"):
            for cache_mb in (0, 64):
                for workers in (1, 2):
                    if name == "postgresql":
                        url = postgres.create_database()
                    else:
                        path = ROOT / "var" / "bench" / f"workers-{workers}-{cache_mb}.db"
                        path.unlink(missing_ok=True)
                        url = f"sqlite:///{path}"
                    r = run(url, workers, cache_mb, args.seconds)
                    cache = f"{cache_mb} MB" if cache_mb else "off"
                    print(
                        f"| {name} | {cache} | {workers} | {r['rps']} | {r['p50']} | "
                        f"{r['p99']} | {r['verdict']} |",
                        flush=True,
                    )
    finally:
        postgres.stop()


if __name__ == "__main__":
    main()

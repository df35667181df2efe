"""What one served request costs the API's own process: serve a loaded database with one worker
pinned to CPU 0 (response cache off), drive it with wrk pinned to CPU 1 (32 connections), and
print requests a second, the worker's CPU milliseconds a request (/proc, user + system) and
p50/p99. CPU a request varies less between runs than requests a second on a shared machine, so
run it alternately for two versions of the code (A/B) and compare both. With a PostgreSQL URL
it also prints the CPU milliseconds a request of every `postgres` process on this machine (the
server must run here), and how much of the machine was idle.

Usage: .venv/bin/python bench/served_cpu.py DATABASE_URL [--scenario search|by_id]
       [--seconds 10] [--rounds 1]
The database must be loaded (any version of the code: it is served as it is).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from compare import COUNTRIES, WORDS, Server, wrk  # noqa: E402

BIN = Path(sys.executable).parent


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """The CPU time of every process named `postgres` on this machine, those that ended aside."""
    found = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                found += cpu_seconds(int(entry.name))
        except OSError:  # it ended meanwhile
            continue
    return found


def machine_idle() -> tuple[float, float]:
    """The machine's idle and total CPU seconds so far (/proc/stat, every core)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return fields[3] / tick, sum(fields) / tick


def paths(base: str, scenario: str) -> list[str]:
    rng = random.Random(3)
    if scenario == "search":
        return [
            "/v1/search?"
            + urlencode({"q": f"{rng.choice(WORDS)} {rng.choice(COUNTRIES)}", "limit": 50})
            for _ in range(4000)
        ]
    ids: list[str] = []
    page_url: str | None = f"{base}/v1/statistics?limit=100"
    while page_url and len(ids) < 4000:
        page = httpx.get(page_url, timeout=60).json()
        ids += [item["id"] for item in page["items"]]
        page_url = page["next"] and base + page["next"]  # the next page's path, as given
    rng.shuffle(ids)
    return [f"/v1/statistics/{i}" for i in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--scenario", choices=("search", "by_id"), default="search")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    server = Server(
        "api",
        [str(BIN / "korus-facts"), "serve", "--port", "{port}"],
        "/healthz",
        {"DATABASE_URL": args.url, "RESPONSE_CACHE_MB": "0"},
    )
    server.start()
    try:
        assert server.process is not None
        asked = paths(server.base, args.scenario)
        with tempfile.TemporaryDirectory() as work:
            wrk(server.base, asked, 3, 32, Path(work))  # warm: statements built, pages read
            postgres = args.url.startswith("postgresql")
            for _ in range(args.rounds):
                before = cpu_seconds(server.process.pid)
                before_pg, (idle, total) = postgres_cpu_seconds(), machine_idle()
                run = wrk(server.base, asked, args.seconds, 32, Path(work))
                cpu = cpu_seconds(server.process.pid) - before
                requests = run["requests"]
                extra = ""
                if postgres:
                    pg = postgres_cpu_seconds() - before_pg
                    idle_after, total_after = machine_idle()
                    extra = (
                        f"postgres {pg * 1000 / requests:.3f} ms CPU a request, machine idle "
                        f"{(idle_after - idle) * 100 / (total_after - total):.0f}%, "
                    )
                print(
                    f"{args.scenario}: {run['rps']:.0f} req/s, "
                    f"{cpu * 1000 / requests:.3f} ms CPU a request, {extra}"
                    f"p50 {run['p50_us'] / 1000:.0f} ms, p99 {run['p99_us'] / 1000:.0f} ms, "
                    f"errors {run['errors'] + run['non_2xx_3xx']}",
                    flush=True,
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""This API beside bare Starlette and Datasette, on the same SQLite file, per corpus size.

Usage (after `make bench-env`, which builds .venv-bench with Datasette and matplotlib):

    .venv/bin/python bench/compare.py --sizes 1000 100000 1000000 --seconds 15 \
        --out docs/perf/results.json
    .venv-bench/bin/python bench/chart.py docs/perf/results.json docs/perf/scaling.png

For each size it generates the synthetic corpus (bench/corpus.py), loads it through the real
loader (`korus-facts migrate` and `korus-facts load`, timed), then serves the file three ways,
one at a time, each server pinned to CPU 0 and wrk pinned to CPU 1 (taskset), 32 connections,
each scenario measured after --warmup seconds (5) of the same load, which are not counted:

- api: `korus-facts serve` (one uvicorn worker); uncached scenarios run with the response cache
  off (RESPONSE_CACHE_MB=0), so every answer is computed; `repeated` runs with the defaults;
- bare: bench/bare.py, bare Starlette returning the API's own body for the repeated URL;
- datasette: `datasette serve -i` (immutable, its fastest mode) on the same file.

Scenarios, each a list of distinct paths requested in turn (bench/urls.lua):
page (a page of 50 statistics at random positions; Datasette `_shape=array&_size=50&_next=`),
by_id (one statistic; Datasette's row page), filtered (one metric's statistics; Datasette
`metric_id=`), search (two words; Datasette `_search=`), repeated (one URL, as frontends do).
It also records start-up to first response, resident memory after the run, the first and the
last page of the default order, and the load time. Results go to --out as JSON and to stdout as
Markdown. Needs wrk and taskset (Debian packages `wrk`, `util-linux`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.pagination import encode_cursor, parse_sort  # noqa: E402
from app.queries.statistics import DEFAULT_SORT, SORT_FIELDS  # noqa: E402
from bench.corpus import generate  # noqa: E402

BIN = ROOT / ".venv" / "bin"
BENCH_BIN = ROOT / ".venv-bench" / "bin"
SERVER_CPU, LOAD_CPU = "0", "1"
URL_COUNT = 4000
WORDS = ["steel", "autos", "beef", "rice", "textiles", "machinery", "aircraft", "wine"]
COUNTRIES = ["USA", "KOR", "JPN", "CHN", "DEU", "FRA", "GBR", "CAN", "MEX", "BRA"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    command: list[str]
    probe: str
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        began = time.perf_counter()
        self.process = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU, *command],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = began + 60
        # The poller stays off the server's CPU, and one client serves every attempt (a new
        # httpx client per attempt costs milliseconds of CPU: SSL context, pool).
        os.sched_setaffinity(0, {int(LOAD_CPU)})
        with httpx.Client(timeout=5) as client:
            while time.perf_counter() < deadline:
                try:
                    if client.get(self.base + self.probe).status_code == 200:
                        self.startup_s = time.perf_counter() - began
                        return
                except httpx.TransportError:
                    time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer {self.probe} within 60 s")

    def rss_mb(self) -> dict[str, float]:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return {
            "rss_mb": int(values["VmRSS"].split()[0]) / 1024,
            "peak_rss_mb": int(values["VmHWM"].split()[0]) / 1024,
        }

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wrk(
    base: str, paths: list[str], seconds: int, connections: int, work: Path, warmup: int = 0
) -> dict[str, Any]:
    """Requests a second over `paths`, after `warmup` seconds of the same load, not counted:
    a server's first seconds (caches filling, statements being built) are not its rate."""
    listing = work / "urls.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    for path in paths[:20]:  # fail loudly on a wrong URL
        response = httpx.get(base + path, timeout=60)
        if response.status_code != 200:
            raise RuntimeError(f"{base}{path}: {response.status_code} {response.text[:200]}")
    if warmup:
        _wrk_run(base, listing, warmup, connections)
    result = _wrk_run(base, listing, seconds, connections)
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _wrk_run(base: str, listing: Path, seconds: int, connections: int) -> dict[str, Any]:
    run = subprocess.run(
        [
            "taskset",
            "-c",
            LOAD_CPU,
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "urls.lua"),
            base,
        ],
        env={**os.environ, "URLS": str(listing)},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def prepare(size: int, work: Path, as_loaded: bool = False) -> tuple[Path, float | None]:
    """The corpus of `size` statistics loaded into work/korus-SIZE.db, and the seconds the
    load took (None when the database was there: it is brought to this code's schema and data
    instead, which costs nothing when this code loaded this corpus, and is a full load when
    what a load writes changed since; with `as_loaded`, served as it is)."""
    seed = work / f"corpus-{size}"
    db = work / f"korus-{size}.db"
    reused = db.exists()
    if reused and as_loaded:
        return db, None
    if not seed.exists():
        generate(size, seed)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([str(BIN / "korus-facts"), "migrate"], env=env, check=True)
    began = time.perf_counter()
    subprocess.run(
        [str(BIN / "korus-facts"), "load", "--seed-dir", str(seed)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return db, None if reused else time.perf_counter() - began


def scenarios(db: Path) -> dict[str, tuple[list[str], list[str]]]:
    """For each scenario, the API's paths and Datasette's nearest equivalents."""
    rng = random.Random(7)
    name = db.stem
    conn = sqlite3.connect(db)
    top = conn.execute("SELECT max(pk) FROM statistic").fetchone()[0]
    pks = rng.sample(range(1, top + 1), min(URL_COUNT, top))
    rows = []
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        rows += conn.execute(
            "SELECT pk, id, metric_id, period_start FROM statistic "
            f"WHERE pk IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    metrics = [r[0] for r in conn.execute("SELECT id FROM metric ORDER BY id")]
    conn.close()
    rng.shuffle(rows)
    sort = parse_sort(None, SORT_FIELDS, DEFAULT_SORT, SORT_FIELDS["id"])

    def cursor(row: tuple[Any, ...]) -> str:
        start = date.fromisoformat(row[3]) if row[3] else date(9999, 12, 31)
        return encode_cursor(sort, [row[2], start, row[1]])

    table = f"/{name}/statistic.json?_shape=array&_size=50"
    picked_metrics = [rng.choice(metrics) for _ in range(URL_COUNT)]
    terms = [f"{rng.choice(WORDS)} {rng.choice(COUNTRIES)}" for _ in range(URL_COUNT)]
    return {
        "page": (
            [f"/v1/statistics?limit=50&cursor={cursor(r)}" for r in rows],
            [f"{table}&_next={r[0]}" for r in rows],
        ),
        "by_id": (
            [f"/v1/statistics/{r[1]}" for r in rows],
            [f"/{name}/statistic/{r[0]}.json" for r in rows],
        ),
        "filtered": (
            [f"/v1/statistics?limit=50&metric={m}" for m in picked_metrics],
            [f"{table}&metric_id={m}" for m in picked_metrics],
        ),
        "search": (
            [f"/v1/search?{urlencode({'q': t, 'limit': 50})}" for t in terms],
            [
                f"/{name}/search_document.json?_shape=array&_size=50&_search={quote(t)}"
                for t in terms
            ],
        ),
        "repeated": (["/v1/statistics?limit=50"], [f"{table}"]),
    }


def page_latency(base: str, path: str, rounds: int = 200) -> float:
    """Median milliseconds of one request, alone (no concurrency)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get(path)
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def last_page_path(db: Path) -> str:
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT metric_id, period_start, id FROM statistic "
        "ORDER BY metric_id DESC, coalesce(period_start, '9999-12-31') DESC, id DESC "
        "LIMIT 1 OFFSET 50"
    ).fetchone()
    conn.close()
    sort = parse_sort(None, SORT_FIELDS, DEFAULT_SORT, SORT_FIELDS["id"])
    values = [row[0], date.fromisoformat(row[1]) if row[1] else date(9999, 12, 31), row[2]]
    return f"/v1/statistics?limit=50&cursor={encode_cursor(sort, values)}"


def prepare_postgres(
    size: int, work: Path, admin: str, as_loaded: bool = False
) -> tuple[str, float | None]:
    """The same corpus loaded into database korus_bench_SIZE on the server `admin` names, and
    the seconds the load took (None when the database was there: brought to this code's schema
    and data, as `prepare` does, or with `as_loaded` served as it is)."""
    import psycopg

    name = f"korus_bench_{size}"
    libpq = admin.replace("postgresql+psycopg://", "postgresql://")
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(libpq, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    if exists and as_loaded:
        return url, None
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(BIN / "korus-facts"), "migrate"], env=env, check=True)
    began = time.perf_counter()
    subprocess.run(
        [str(BIN / "korus-facts"), "load", "--seed-dir", str(work / f"corpus-{size}")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url, None if exists else time.perf_counter() - began


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    work = args.work
    db, load_s = prepare(size, work, args.as_loaded)
    plan = scenarios(db)
    out: dict[str, Any] = {"size": size, "load_s": load_s, "servers": {}}
    api_env = {"DATABASE_URL": f"sqlite:///{db}"}
    serve = [str(BIN / "korus-facts"), "serve", "--port", "{port}"]
    body = work / f"body-{size}.json"
    pg_runs = []
    if args.postgres:
        pg_url, out["load_pg_s"] = prepare_postgres(size, work, args.postgres, args.as_loaded)
        pg_env = {"DATABASE_URL": pg_url}
        probe = "/v1/statistics?limit=50"
        pg_runs = [
            (
                "api_pg_uncached",
                Server("api", serve, probe, {**pg_env, "RESPONSE_CACHE_MB": "0"}),
                0,
            ),
            ("api_pg", Server("api", serve, probe, pg_env), 0),
        ]
    runs = [
        (
            "api_uncached",
            Server("api", serve, "/v1/statistics?limit=50", {**api_env, "RESPONSE_CACHE_MB": "0"}),
            0,
        ),
        ("api", Server("api", serve, "/v1/statistics?limit=50", api_env), 0),
        (
            "bare",
            Server(
                "bare",
                [
                    str(BIN / "uvicorn"),
                    "bench.bare:app",
                    "--port",
                    "{port}",
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                "/",
                {"BARE_BODY": str(body), "PYTHONPATH": str(ROOT)},
            ),
            0,
        ),
        (
            "datasette",
            Server(
                "datasette",
                [str(BENCH_BIN / "datasette"), "serve", "-i", str(db), "--port", "{port}"],
                plan["repeated"][1][0],
            ),
            1,
        ),
        *pg_runs,
    ]
    for label, server, side in runs:
        wanted = [
            s
            for s in (
                ["repeated"]
                if label in ("api", "bare", "api_pg")
                else [s for s in plan if label == "datasette" or s != "repeated"]
            )
            if s in args.scenarios
        ]
        if not wanted:
            continue
        server.start()
        try:
            figures: dict[str, Any] = {"startup_s": server.startup_s}
            for scenario in wanted:
                figures[scenario] = wrk(
                    server.base,
                    plan[scenario][side],
                    args.seconds,
                    args.connections,
                    work,
                    args.warmup,
                )
                print(f"  {size} {label} {scenario}: {figures[scenario]['rps']:.0f} req/s",
                      file=sys.stderr)  # fmt: skip
            if label == "api":  # the bytes bare Starlette will send
                body.write_bytes(httpx.get(server.base + "/v1/statistics?limit=50").content)
            if label in ("api_uncached", "api_pg_uncached") and "page" in wanted:
                figures["first_page_ms"] = page_latency(server.base, "/v1/statistics?limit=50")
                figures["last_page_ms"] = page_latency(server.base, last_page_path(db))
            figures |= server.rss_mb()
            out["servers"][label] = figures
        finally:
            server.stop()
    return out


SCENARIOS = ("page", "by_id", "filtered", "search", "repeated")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| size | scenario | api req/s | p50 ms | p99 ms | p99/p50 | Datasette req/s | "
        "Datasette p50/p99 ms | vs Datasette | vs bare Starlette (its p50/p99 ms) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        s = result["servers"]
        bare = s["bare"]["repeated"]
        for scenario in SCENARIOS:
            api = s["api"][scenario] if scenario == "repeated" else s["api_uncached"][scenario]
            peer = s["datasette"][scenario]
            bare_latency = (
                f" ({bare['p50_us'] / 1000:.1f}/{bare['p99_us'] / 1000:.1f})"
                if scenario == "repeated"
                else ""
            )
            lines.append(
                f"| {result['size']:,} | {scenario} | {api['rps']:.0f} | "
                f"{api['p50_us'] / 1000:.1f} | {api['p99_us'] / 1000:.1f} | "
                f"{api['p99_us'] / max(api['p50_us'], 1):.1f} | {peer['rps']:.0f} | "
                f"{peer['p50_us'] / 1000:.1f}/{peer['p99_us'] / 1000:.1f} | "
                f"{ratio(api['rps'], peer['rps'])} | "
                f"{ratio(api['rps'], bare['rps'])}{bare_latency} |"
            )
    lines += [
        "",
        "| size | load s | api start s | datasette start s | start ratio | api RSS MB "
        "(peak) | datasette RSS MB | first page ms | last page ms | last/first |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        s = result["servers"]
        api, uncached, ds = s["api"], s["api_uncached"], s["datasette"]
        load = f"{result['load_s']:.1f}" if result["load_s"] is not None else "(reused)"
        lines.append(
            f"| {result['size']:,} | {load} | {api['startup_s']:.2f} | {ds['startup_s']:.2f} | "
            f"{ratio(api['startup_s'], ds['startup_s'])} | {uncached['rss_mb']:.0f} "
            f"({uncached['peak_rss_mb']:.0f}) | {ds['rss_mb']:.0f} | "
            f"{uncached['first_page_ms']:.2f} | {uncached['last_page_ms']:.2f} | "
            f"{ratio(uncached['last_page_ms'], uncached['first_page_ms'])} |"
        )
    if any("api_pg" in r["servers"] for r in results):
        lines += [
            "",
            "| size | scenario | SQLite req/s | SQLite p50/p99 ms | PostgreSQL req/s "
            "| PostgreSQL p50/p99 ms | PostgreSQL / SQLite |",
            "|---|---|---|---|---|---|---|",
        ]
        for result in results:
            s = result["servers"]
            if "api_pg" not in s:
                continue
            for scenario in SCENARIOS:
                lite = s["api" if scenario == "repeated" else "api_uncached"][scenario]
                pg = s["api_pg" if scenario == "repeated" else "api_pg_uncached"][scenario]
                lines.append(
                    f"| {result['size']:,} | {scenario} | {lite['rps']:.0f} | "
                    f"{lite['p50_us'] / 1000:.1f}/{lite['p99_us'] / 1000:.1f} | {pg['rps']:.0f} | "
                    f"{pg['p50_us'] / 1000:.1f}/{pg['p99_us'] / 1000:.1f} | "
                    f"{ratio(pg['rps'], lite['rps'])} |"
                )
        lines += ["", "| size | PostgreSQL load s | RSS MB (peak) | first page ms | last page ms |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for result in results:
            pg = result["servers"].get("api_pg_uncached")
            if pg is None:
                continue
            load = result.get("load_pg_s")
            lines.append(
                f"| {result['size']:,} | {'(reused)' if load is None else f'{load:.1f}'} | "
                f"{pg['rss_mb']:.0f} ({pg['peak_rss_mb']:.0f}) | {pg['first_page_ms']:.2f} | "
                f"{pg['last_page_ms']:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--warmup",
        type=int,
        default=5,
        help="seconds of each scenario's load before it is measured (not counted)",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=list(SCENARIOS),
        choices=SCENARIOS,
        help="only these (the markdown tables then show only the full runs' rows)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "perf" / "results.json")
    parser.add_argument(
        "--postgres",
        help="also serve each corpus from PostgreSQL: a URL of a server where the user may "
        "create databases (postgresql+psycopg://user@host:port/postgres)",
    )
    parser.add_argument(
        "--as-loaded",
        action="store_true",
        help="serve the databases there are (SQLite: in the work directory) as they are, without "
        "migrating or loading them (for a change to serving only: any change under app/ makes "
        "the next load a full one, 16 minutes at 10^6)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [measure(size, args) for size in args.sizes]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if set(args.scenarios) == set(SCENARIOS):
        print(markdown(results))
    else:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Load test: the real server under wrk, then the same while the seed is reloaded.

Usage: .venv/bin/python bench/load.py [--workers 2] [--seconds 30] [--connections 64]
           [--reloads 6] [--database-url URL]

Starts `korus-facts serve` on a free loopback port against a fresh SQLite file (or the given
database, which it migrates and loads), drives it with wrk over bench/mix.lua, and prints the
figures as Markdown. Passes only with zero socket errors and zero non-2xx/304 responses.
Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "mix.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx_3xx"] = float(bad.group(1)) if bad else 0.0
    return figures


def edited_seed(target: Path) -> Path:
    shutil.copytree(ROOT / "seed", target)
    path = target / "statistics.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    label: ", "    label: (b) "), encoding="utf-8"
    )
    return target


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--reloads", type=int, default=6)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="korus-load-"))
    url = args.database_url or f"sqlite:///{tmp}/load.db"
    env = {**os.environ, "DATABASE_URL": url}
    for step in ("migrate", "load"):
        subprocess.run([*CLI, step], env=env, check=True, capture_output=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        steady = wrk(base, args.seconds, args.connections)

        seeds = [ROOT / "seed", edited_seed(tmp / "seed-b")]
        reload_failures: list[str] = []
        versions: set[str] = set()

        def reload_loop() -> None:
            for i in range(args.reloads):
                time.sleep(args.seconds / (args.reloads + 1))
                done = subprocess.run(
                    [*CLI, "load", "--seed-dir", str(seeds[(i + 1) % 2])],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    reload_failures.append(done.stderr[-500:])
                versions.add(httpx.get(f"{base}/readyz").json()["dataset_version"])

        reloader = threading.Thread(target=reload_loop)
        reloader.start()
        during = wrk(base, args.seconds, args.connections)
        reloader.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)

    def row(name: str, f: dict[str, float]) -> str:
        errors = sum(
            f.get(k, 0) for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout")
        )
        return (
            f"| {name} | {int(f['requests'])} | {f['rps']:.0f} | {f['p50_ms']:.1f} | "
            f"{f['p99_ms']:.1f} | {int(errors)} | {int(f['non_2xx_3xx'])} |"
        )

    print(
        f"workers={args.workers} connections={args.connections} seconds={args.seconds} "
        f"database={'sqlite' if url.startswith('sqlite') else 'postgresql'}"
    )
    print("| run | requests | req/s | p50 ms | p99 ms | socket errors | non-2xx/304 |")
    print("|---|---|---|---|---|---|---|")
    print(row("steady", steady))
    print(row(f"during {args.reloads} reloads", during))
    print(f"reloads failed: {len(reload_failures)}; dataset versions seen: {len(versions)}")
    for failure in reload_failures:
        print(failure)
    ok = not reload_failures and all(
        f["non_2xx_3xx"] == 0 and f["errors_connect"] + f["errors_read"] + f["errors_timeout"] == 0
        for f in (steady, during)
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

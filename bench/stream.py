"""Server memory while whole lists are streamed: the export and a whole-list CSV, one at a time
and several at once, on a loaded database; /healthz asked meanwhile.

Usage:

    .venv/bin/python bench/stream.py --database-url sqlite:////path/korus.db [--concurrent 2]

It starts `korus-facts serve` (one worker, response cache off) on the database as it is, then:

- export: GET /v1/export, gzip, read to the end;
- csv: GET /v1/statistics?format=csv&end=true, read to the end;
- concurrent: `--concurrent` exports at once (HEAVY_REQUESTS is set to match);
- left: an export the client leaves after its first chunk.

For each it reports the bytes, the seconds, the server's peak resident memory (VmHWM, reset
before each scenario by a fresh server) and the slowest /healthz answer while it ran.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _read(base: str, path: str, leave: bool = False) -> int:
    size = 0
    with httpx.stream("GET", base + path, headers={"Accept-Encoding": "gzip"}, timeout=3600) as r:
        assert r.status_code == 200, (path, r.status_code)
        for chunk in r.iter_raw():
            size += len(chunk)
            if leave:
                break
    return size


def _scenario(
    url: str, concurrent: int, work: Callable[[str], int], count: int
) -> dict[str, float]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RESPONSE_CACHE_MB": "0",
        "HEAVY_REQUESTS": str(max(2, concurrent)),
    }
    server = subprocess.Popen(
        [str(BIN / "korus-facts"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        before = _peak_kb(server.pid)
        sizes: list[int] = []
        threads = [threading.Thread(target=lambda: sizes.append(work(base))) for _ in range(count)]
        health: list[float] = []
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            asked = time.perf_counter()
            httpx.get(base + "/healthz", timeout=60)
            health.append((time.perf_counter() - asked) * 1000)
            time.sleep(0.2)
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        time.sleep(1)
        return {
            "mb": sum(sizes) / 1e6,
            "seconds": seconds,
            "rss_start_mb": before / 1024,
            "rss_peak_mb": _peak_kb(server.pid) / 1024,
            "healthz_max_ms": max(health, default=0.0),
            "healthz_p50_ms": statistics.median(health) if health else 0.0,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--concurrent", type=int, default=4)
    args = parser.parse_args()
    url = args.database_url
    scenarios = {
        "export": (lambda base: _read(base, "/v1/export"), 1),
        "csv (statistics)": (lambda base: _read(base, "/v1/statistics?format=csv&end=true"), 1),
        f"{args.concurrent} exports at once": (
            lambda base: _read(base, "/v1/export"),
            args.concurrent,
        ),
        "export, client leaves": (lambda base: _read(base, "/v1/export", leave=True), 1),
    }
    dialect = url.split(":", 1)[0]
    print(f"\n{dialect}: {url.rsplit('/', 1)[-1]}\n")
    print("| scenario | gzip MB sent | s | server RSS at start MB | server peak RSS MB "
          "| /healthz p50 / max ms |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, (work, count) in scenarios.items():
        r = _scenario(url, args.concurrent, work, count)
        print(
            f"| {name} | {r['mb']:.1f} | {r['seconds']:.1f} | {r['rss_start_mb']:.0f} | "
            f"{r['rss_peak_mb']:.0f} | {r['healthz_p50_ms']:.0f} / {r['healthz_max_ms']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

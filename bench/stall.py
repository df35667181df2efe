"""The attacks of tests/test_serving.py against a real `korus-facts serve`, measured: how long
each takes to be refused, what the answer was, and the slowest answer a second client got to
/healthz meanwhile. Prints a Markdown table for docs/RELIABILITY.md.

Usage: .venv/bin/python bench/stall.py   (serves a fresh SQLite database with the shipped seed)
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import schema
from app.db import make_engine
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from app.serving import IDLE_SECONDS, MAX_CONNECTIONS
from tests.conftest import SEED_DIR
from tests.helpers import running_server
from tests.test_serving import _exchange, _Watcher

ATTACKS = {
    "one 128 MB header": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
    + b"a" * (128 * 1024 * 1024)
    + b"\r\n\r\n",
    "a 1 MB request line": b"GET /" + b"a" * (1024 * 1024) + b" HTTP/1.1\r\n\r\n",
    "a bad method": b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
}


def _status(raw: bytes) -> str:
    line = raw.split(b"\r\n", 1)[0].decode("latin-1")
    problem = b"application/problem+json" in raw.split(b"\r\n\r\n", 1)[0]
    return f"{line.removeprefix('HTTP/1.1 ')}{' (problem)' if problem else ''}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/stall.db"
        schema.upgrade(url)
        engine = make_engine(url)
        load_seed(engine, read_seed(SEED_DIR))
        engine.dispose()
        with running_server(url) as (base, _):
            print("| attack | answer | refused after s | slowest /healthz meanwhile, s |")
            print("|---|---|---|---|")
            for name, data in ATTACKS.items():
                with _Watcher(base) as watcher:
                    started = time.monotonic()
                    raw = _exchange(base, data)
                    took = time.monotonic() - started
                print(f"| {name} | {_status(raw)} | {took:.2f} | {watcher.slowest:.3f} |")
            with _Watcher(base) as watcher:
                started = time.monotonic()
                raw = _exchange(base, b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 200, pause=0.2)
                took = time.monotonic() - started
            print(
                f"| a head sent a byte every 0.2 s | {_status(raw)} | {took:.2f} "
                f"| {watcher.slowest:.3f} |"
            )
            host, port = base.removeprefix("http://").split(":")
            idle = [socket.create_connection((host, int(port))) for _ in range(1100)]
            time.sleep(0.5)
            started = time.monotonic()
            raw = _exchange(base, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            refused = time.monotonic() - started
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            recovered = time.monotonic() - started
            for sock in idle:
                sock.close()
            print(
                f"| 1,100 idle sockets (limit {MAX_CONNECTIONS}, idle {IDLE_SECONDS:g} s) | "
                f"{_status(raw)} for new clients, 200 again after {recovered:.1f} s | "
                f"{refused:.2f} | - |"
            )


if __name__ == "__main__":
    main()

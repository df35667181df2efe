"""A server one client cannot stall, against a real `korus-facts serve` process: oversized and
slow request heads, idle sockets past the connection limit, malformed requests and oversized
bodies are refused with problem documents carrying the security headers, while a second client
is still answered; heavy requests are bounded; workers die with their master."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.serving import IDLE_SECONDS, MAX_CONNECTIONS, MAX_LINE_BYTES, REQUEST_SECONDS
from tests.helpers import free_port

SECURITY = {"x-content-type-options", "content-security-policy", "x-frame-options"}


def _exchange(base: str, data: bytes, *, pause: float = 0.0, timeout: float = 30) -> bytes:
    """Send `data` on a fresh connection (in chunks of 64 KiB, or a byte every `pause` s) and
    return everything the server sends back before it closes."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            step = 1 if pause else 65536
            for start in range(0, len(data), step):
                sock.sendall(data[start : start + step])
                if pause:
                    time.sleep(pause)
        except OSError:
            pass  # the server closed on us, as it should: read what it said
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
    return b"".join(chunks)


def _problem(raw: bytes, status: int) -> dict[str, object]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith(f"HTTP/1.1 {status} "), lines[0]
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert set(headers) >= SECURITY, headers
    assert headers["content-type"] == "application/problem+json"
    document: dict[str, object] = json.loads(body[: int(headers["content-length"])])
    assert document["status"] == status
    return document


class _Watcher:
    """A second client asking /healthz every 0.2 s; records the slowest answer."""

    def __init__(self, base: str) -> None:
        self.base, self.slowest, self.failures = base, 0.0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with httpx.Client(timeout=5) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    ok = client.get(f"{self.base}/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.failures += not ok
                self.slowest = max(self.slowest, time.monotonic() - started)
                time.sleep(0.2)

    def __enter__(self) -> _Watcher:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


@pytest.mark.slow
def test_an_oversized_head_is_refused_as_it_arrives(served: str) -> None:
    request = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (32 * 1024 * 1024) + b"\r\n\r\n"
    )
    with _Watcher(served) as watcher:
        raw = _exchange(served, request)
    assert _problem(raw, 431)["type"] == "/problems/headers-too-large"
    assert watcher.failures == 0 and watcher.slowest < 2.0


@pytest.mark.slow
def test_a_request_line_over_the_limit_is_414(served: str) -> None:
    raw = _exchange(served, b"GET /" + b"a" * (MAX_LINE_BYTES + 10) + b" HTTP/1.1\r\n\r\n")
    assert _problem(raw, 414)["type"] == "/problems/uri-too-long"


@pytest.mark.slow
def test_a_slow_head_is_timed_out_while_others_are_answered(served: str) -> None:
    started = time.monotonic()
    with _Watcher(served) as watcher:
        raw = _exchange(
            served, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100, pause=0.2
        )
    assert _problem(raw, 408)["type"] == "/problems/request-timeout"
    assert REQUEST_SECONDS <= time.monotonic() - started < REQUEST_SECONDS + 5
    assert watcher.failures == 0 and watcher.slowest < 2.0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("request_bytes", "statuses"),
    [
        (b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
        (b"GET / HTTP/9.9\r\n\r\n", {400}),
        # The app may answer 405 before the body has arrived; the body is cut at 64 KiB either way.
        (
            b"POST /v1/statistics HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"
            + b"x" * 200_000,
            {405, 413},
        ),
    ],
)
def test_what_the_server_answers_itself_is_a_problem(
    served: str, request_bytes: bytes, statuses: set[int]
) -> None:
    raw = _exchange(served, request_bytes)
    status = int(raw.split(b" ", 2)[1])
    assert status in statuses
    _problem(raw, status)


@pytest.mark.slow
def test_idle_sockets_cannot_lock_clients_out_for_long(served: str) -> None:
    host, port = served.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(MAX_CONNECTIONS + 50)]
    try:
        time.sleep(0.5)
        refused = _exchange(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _problem(refused, 503)["type"] == "/problems/overloaded"
        time.sleep(IDLE_SECONDS + 1)  # the idle ones are closed by then
        assert httpx.get(f"{served}/healthz", timeout=5).status_code == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.slow
def test_workers_die_with_their_master(sqlite_seeded_url: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": sqlite_seeded_url}
    master = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        children = subprocess.run(
            ["pgrep", "-P", str(master.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children
        master.send_signal(signal.SIGKILL)
        master.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(_alive(int(pid)) for pid in children):
            assert time.monotonic() < deadline, "workers outlived their master"
            time.sleep(0.2)
    finally:
        if master.poll() is None:
            master.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited
        return stat.read().split(") ")[1][0] != "Z"


@pytest.fixture
def busy_client(sqlite_seeded_url: str) -> Iterator[TestClient]:
    """An app whose heavy-request slots are all taken."""
    with TestClient(create_app(Settings(database_url=sqlite_seeded_url))) as client:
        client.app.state.heavy_slots = asyncio.Semaphore(0)  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/v1/export", {}, 503),
        ("/v1/statistics?format=csv", {}, 503),
        ("/v1/search?q=steel", {"Accept": "text/csv"}, 503),
        ("/v1/statistics?format=csv&limit=5", {}, 200),
        ("/v1/statistics", {}, 200),
        ("/healthz", {}, 200),
        ("/readyz", {}, 200),
    ],
)
def test_heavy_requests_are_bounded_and_the_rest_still_answer(
    busy_client: TestClient, path: str, headers: dict[str, str], status: int
) -> None:
    response = busy_client.get(path, headers=headers)
    assert response.status_code == status
    if status == 503:
        assert response.json()["type"] == "/problems/overloaded"
        assert int(response.headers["retry-after"]) > 0


def test_readyz_header_and_body_agree(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.headers["x-dataset-version"] == response.json()["dataset_version"]

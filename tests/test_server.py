"""The real thing: the commands `make run` uses, a real uvicorn process, real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes], log: Path | None = None) -> httpx.Response:
    """The first answer of a starting server, or a failure naming why it never came."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert server.poll() is None, log.read_text() if log else "server exited"
            assert time.monotonic() < deadline, "server did not start in 30 s"
            time.sleep(0.2)


@pytest.mark.slow
def test_served_process_becomes_ready(empty_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": empty_url, "HOST": "127.0.0.1", "PORT": str(port)}
    cli = [sys.executable, "-m", "app.cli"]
    for step in ("migrate", "load"):
        subprocess.run([*cli, step], env=env, check=True, capture_output=True, timeout=120)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([*cli, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        response = wait_for(f"http://127.0.0.1:{port}/readyz", server, tmp_path / "server.log")
        assert response.status_code == 200
        assert response.json()["status"] == "ready"
        assert "server" not in response.headers
        stats = httpx.get(f"http://127.0.0.1:{port}/v1/statistics?limit=1", timeout=5)
        assert stats.status_code == 200 and len(stats.json()["items"]) == 1
        assert stats.headers["x-dataset-version"] == response.json()["dataset_version"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


@pytest.mark.slow
def test_not_ready_until_loaded(empty_url: str) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": empty_url, "PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = wait_for(f"http://127.0.0.1:{port}/readyz", server)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)

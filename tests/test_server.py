"""The real thing: the commands `make run` uses, a real uvicorn process, real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import running_server


@pytest.mark.slow
def test_served_process_becomes_ready(empty_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": empty_url}
    for step in ("migrate", "load"):
        subprocess.run(
            [sys.executable, "-m", "app.cli", step],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    with running_server(empty_url, tmp_path / "server.log") as (base, response):
        assert response.status_code == 200
        assert response.json()["status"] == "ready"
        assert "server" not in response.headers
        stats = httpx.get(f"{base}/v1/statistics?limit=1", timeout=5)
        assert stats.status_code == 200 and len(stats.json()["items"]) == 1
        assert stats.headers["x-dataset-version"] == response.json()["dataset_version"]


@pytest.mark.slow
def test_not_ready_until_loaded(empty_url: str) -> None:
    with running_server(empty_url) as (base, response):
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{base}/healthz", timeout=2).status_code == 200


def test_importing_the_app_leaves_the_collector_on_and_its_imports_frozen() -> None:
    # app.main turns the collector off while it imports (start-up time) and must turn it back on.
    probe = "import gc, app.main; print(gc.isenabled(), gc.get_freeze_count() > 10_000)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["True", "True"]

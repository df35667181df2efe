"""Helpers shared by tests: walking pages, dumping a database, editing seed files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, event, select
from starlette.testclient import TestClient

from app.models import metadata
from app.vocabulary import FACT_TYPES, collection_url

# Every fact list, and every list of /v1 that pages resources (the fact lists and two more).
FACT_PATHS = [collection_url(t) for t in FACT_TYPES]
LIST_PATHS = [collection_url("source"), collection_url("metric"), *FACT_PATHS]


def walk(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, following `next` links; checks the Link header on the way."""
    items: list[dict[str, Any]] = []
    response = client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        if body["next"] is None:
            assert "link" not in response.headers
            return items
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(body["next"])


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a fixed order: equal dumps mean equal databases."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    # One snapshot for every table: on PostgreSQL a killed loader's COMMIT may still complete
    # while we read, and READ COMMITTED would show each table at a different moment.
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(_hashable(v) for v in r) for r in rows), key=repr)
    return out


def _hashable(value: Any) -> Any:
    """A JSON column's value as canonical text, so that rows can be compared as sets."""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as root, headless, with nothing that reaches out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (its own browser download is not used)."""
    assert Path(CHROMIUM).exists(), "run `make test` (it installs Debian's chromium)"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    database_url: str, log: Path | None = None, **settings: str
) -> Iterator[tuple[str, Any]]:
    """`korus-facts serve` as `make run` starts it, on a free loopback port: yields its base URL
    and its first answer to /readyz, and stops it afterwards. `settings` are extra environment
    variables (`RATE_LIMIT_PER_MINUTE="30"`)."""
    port = free_port()
    env = {
        **os.environ,
        **settings,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    with open(log or os.devnull, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    ready = httpx.get(f"{base}/readyz", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, log.read_text() if log else "server exited"
                    assert time.monotonic() < deadline, "server did not start in 30 s"
                    time.sleep(0.2)
            yield base, ready
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


def traced(engine: Engine) -> list[str]:
    """Every statement the engine's connections send from now on, as the database gets it: on
    SQLite by the driver's own trace (it also sees what `execute_many` hands the driver, which
    SQLAlchemy's cursor events do not), on PostgreSQL by SQLAlchemy's cursor events. The pool is
    emptied first, so that every connection used from now on is traced."""
    seen: list[str] = []
    engine.dispose()
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def trace(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_trace_callback(seen.append)
    else:

        @event.listens_for(engine, "before_cursor_execute")
        def trace(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            seen.append(statement)

    return seen

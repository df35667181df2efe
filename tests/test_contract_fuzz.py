"""Contract fuzzing: schemathesis generates requests from the app's own OpenAPI document and
checks every response. Once as its command line runs it against a live server, with its
default checks (positive data acceptance included) and no hook; once in process, where every
problem body is also checked for leaked internals. Bounded and deterministic; on SQLite."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app

FORBIDDEN = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "/work/", 'File "')
EXAMPLES = 40


@pytest.mark.slow
def test_schemathesis_command_line_finds_nothing_on_a_live_server(served: str) -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{served}/openapi.json",
            "--max-examples",
            "30",
            "--generation-deterministic",
            "--continue-on-failure",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout


@pytest.fixture(scope="module")
def fuzz_app(sqlite_seeded_url: str) -> Iterator[FastAPI]:
    app = create_app(Settings(database_url=sqlite_seeded_url))
    with TestClient(app):  # runs the lifespan: the engine lives while the module runs
        yield app


def _check_response(case: schemathesis.Case) -> None:
    response = case.call_and_validate()
    if response.status_code >= 400:
        assert response.headers["content-type"][0] == "application/problem+json"
        assert not any(marker in response.text for marker in FORBIDDEN), response.text


def test_every_operation_honours_its_contract(fuzz_app: FastAPI) -> None:
    api = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            _check_response(case)

        try:
            run()
        except Unsatisfiable:
            # nothing to negate: an operation without parameters has no invalid input
            assert mode is GenerationMode.NEGATIVE and not operation.query
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
            failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {exc}"[:2000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())

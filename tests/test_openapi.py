"""The OpenAPI document as SDK generators and linters read it: operationIds that read as method
names, tags with descriptions, servers, documented headers and 304, string schemas on text
bodies, a real example on every success response (equal to what the server answers), Spectral's
OpenAPI rules clean, and every OWASP finding listed with its reason in docs/API.md."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.examples import collect
from app.api.openapi import load_examples
from app.config import ROOT
from tests.helpers import LIST_PATHS

SPECTRAL = ROOT / "clients" / "node_modules" / ".bin" / "spectral"
LISTS = {*LIST_PATHS, "/v1/discrepancies", "/v1/checks", "/v1/timeline", "/v1/search"}
CAMEL = re.compile(r"^[a-z]+([A-Z][a-z]+)*$")


@pytest.fixture(scope="module")
def document(served: str) -> dict[str, Any]:
    return dict(httpx.get(f"{served}/openapi.json").json())


@pytest.fixture(scope="module")
def spec_file(document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, item["get"]) for path, item in document["paths"].items()]


def test_operations_read_as_sdk_methods(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    assert all(CAMEL.match(i) for i in ids), ids
    assert {"listStatistics", "getStatistic", "getSourceText", "searchFacts"} <= set(ids)


def test_tags_servers_headers_and_304_are_documented(document: dict[str, Any]) -> None:
    tags = {tag["name"]: tag["description"] for tag in document["tags"]}
    assert all(tags.values())
    assert document["servers"]
    for path, operation in _operations(document):
        assert set(operation["tags"]) <= set(tags), path
        success = operation["responses"]["200"]
        assert {"ETag", "X-Dataset-Version", "Cache-Control"} <= set(success["headers"]), path
        assert "304" in operation["responses"], path
        assert "Retry-After" in operation["responses"]["429"]["headers"], path
        for media_type, content in success["content"].items():
            assert content.get("schema"), (path, media_type)
            assert "example" in content, (path, media_type)
        if path in LISTS:
            assert {"Link", "Content-Disposition"} <= set(success["headers"]), path
            assert "text/csv" in success["content"], path


@pytest.mark.slow
def test_every_example_is_what_the_server_answers(served: str, document: dict[str, Any]) -> None:
    """Regenerate with `korus-facts openapi-examples` after `load` when this fails."""

    def get(target: str, accept: str) -> tuple[int, bytes]:
        response = httpx.get(f"{served}{target}", headers={"Accept": accept})
        return response.status_code, response.content

    live = json.loads(json.dumps(collect(document, get, served)))
    assert live == load_examples()


def _spectral(ruleset: str, spec: Path) -> list[dict[str, Any]]:
    assert SPECTRAL.exists(), "clients/node_modules is missing: `make test` runs `npm ci`"
    done = subprocess.run(
        [str(SPECTRAL), "lint", "-r", ruleset, "-f", "json", "-F", "hint", "-q", str(spec)],
        cwd=ROOT / "clients",
        capture_output=True,
        text=True,
        timeout=300,
    )
    return list(json.loads(done.stdout or "[]"))


@pytest.mark.slow
def test_spectral_oas_rules_report_nothing(spec_file: Path) -> None:
    findings = _spectral("spectral-oas.yaml", spec_file)
    assert findings == [], [(f["code"], f["message"], f["path"]) for f in findings]


def _listed_owasp_rules() -> set[str]:
    """The rules docs/API.md lists, with their reasons, under "OpenAPI lint"."""
    text = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    section = text.split("## OpenAPI lint", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(owasp:[^`]+)` \|", section, re.M))


@pytest.mark.slow
def test_owasp_findings_are_each_listed_with_a_reason(spec_file: Path) -> None:
    findings = _spectral("spectral-owasp.yaml", spec_file)
    listed = _listed_owasp_rules()
    assert listed, "docs/API.md lists no OWASP rule"
    unlisted = {f["code"] for f in findings} - listed
    assert not unlisted, f"OWASP findings neither fixed nor listed in docs/API.md: {unlisted}"
    # Inputs are all bounded: no size or format finding may be about a request parameter.
    on_inputs = [f for f in findings if "parameters" in f["path"]]
    assert not on_inputs, [(f["code"], f["path"]) for f in on_inputs]

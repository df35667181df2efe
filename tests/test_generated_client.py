"""The OpenAPI document as a contract: it validates, every operation is documented, and a
Python client generated from it by openapi-python-client pages through every list and fetches
every detail from the real server, parsing each response with its generated models."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

RESOURCES = [
    "sources",
    "metrics",
    "statistics",
    "provisions",
    "meetings",
    "milestones",
    "people",
    "organizations",
    "statements",
    "series",
    "discrepancies",
    "checks",
]
SINGULAR = {"discrepancies": "discrepancy", "people": "person", "series": "series"}


def test_the_openapi_document_validates(client: TestClient) -> None:
    validate(client.get("/openapi.json").json())


def test_every_operation_is_documented(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            name = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("description"), name
            errors = [s for s in operation["responses"] if s.startswith("4")]
            assert errors, name
            for status in errors:
                content = operation["responses"][status]["content"]["application/problem+json"]
                assert content["example"]["status"] == int(status), name
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{name} {parameter['name']}"


@pytest.fixture(scope="module")
def generated(served: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("client")
    spec = folder / "openapi.json"
    spec.write_bytes(httpx.get(f"{served}/openapi.json").content)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(folder / "korus_client"),
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=folder,
        timeout=300,
    )
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module("korus_client")
        with package.Client(base_url=served, raise_on_unexpected_status=True) as api:
            yield package, api
    finally:
        sys.path.remove(str(folder))


@pytest.mark.slow
@pytest.mark.parametrize("resource", RESOURCES)
def test_generated_client_pages_and_fetches_everything(generated: Any, resource: str) -> None:
    package, api = generated
    singular = SINGULAR.get(resource, resource[:-1])
    tag = "analysis" if resource in ("discrepancies", "checks") else resource
    # operationIds read as method names: listStatistics -> list_statistics
    lister = importlib.import_module(f"{package.__name__}.api.{tag}.list_{resource}")
    getter = importlib.import_module(f"{package.__name__}.api.{tag}.get_{singular}")
    seen: list[str] = []
    cursor: Any = package.types.UNSET
    while True:
        page = lister.sync(client=api, limit=2, cursor=cursor)
        assert page.__class__.__name__.endswith("Page"), page
        seen.extend(item.id for item in page.items)
        if not page.next_:
            break
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
    assert seen and len(seen) == len(set(seen))
    for item_id in seen:
        detail = getter.sync(client=api, **{f"{singular}_id": item_id})
        assert detail.id == item_id and detail.url.endswith(item_id)


CITED = ["sources", "statistics", "provisions", "meetings", "milestones", "people",
         "organizations", "statements"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("resource", CITED)
def test_generated_client_formats_citations(generated: Any, resource: str) -> None:
    """`/v1/<resource>/{id}/citation` through the generated client: a reference per citation,
    formatted, with the permalink of the fact."""
    package, api = generated
    singular = SINGULAR.get(resource, resource[:-1])
    lister = importlib.import_module(f"{package.__name__}.api.{resource}.list_{resource}")
    cite = importlib.import_module(f"{package.__name__}.api.citations.cite_{singular}")
    first = lister.sync(client=api, limit=1).items[0]
    cited = cite.sync(client=api, **{f"{singular}_id": first.id})
    assert cited.id == first.id and cited.permalink.endswith(first.url)
    assert cited.references and all(r.text for r in cited.references)
    assert cited.bibtex.startswith("@") and cited.ris.startswith("TY  -")


@pytest.mark.slow
def test_generated_client_asks_for_changes(generated: Any, served: str) -> None:
    """`/v1/changes` through the generated client: nothing has changed since the version being
    served, and a version the server never loaded is a documented 404."""
    package, api = generated
    changes = importlib.import_module(f"{package.__name__}.api.changes.list_changes")
    version = httpx.get(f"{served}/readyz").json()["dataset_version"]
    answer = changes.sync(client=api, since=version)
    assert (answer.since, answer.version) == (version, version)
    assert (answer.loads, answer.added, answer.changed, answer.removed) == ([], [], [], [])
    assert changes.sync_detailed(client=api, since="0" * 16).status_code == 404

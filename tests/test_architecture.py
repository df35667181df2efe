"""The rules docs/ARCHITECTURE.md and STYLE state, as tests: which layer may import which, every
public field described, every list item exactly its public model."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from app.models import (
    CheckPublic,
    DiscrepancyPublic,
    MeetingPublic,
    MetricPublic,
    MilestonePublic,
    OrganizationPublic,
    PersonPublic,
    ProvisionPublic,
    SearchHit,
    SeriesSummaryPublic,
    SourcePublic,
    StatementPublic,
    StatisticPublic,
    TimelineItem,
)
from tests.helpers import walk

APP = Path(__file__).resolve().parent.parent / "app"

# Lowest first. A module may import its own package and the layers below its own, nothing else:
# analysis is pure text and figure work, models are shapes, queries are SQL, the seed path and
# the HTTP routes sit side by side (neither imports the other), the app wires them, the CLI
# drives everything.
LAYERS: list[set[str]] = [
    {
        "app.dates",
        "app.errors",
        "app.config",
        "app.docs",
        "app.vocabulary",
        "app.startup",
        "app.identity",
        "app.native",
        "app.memo",
    },
    {
        "app.analysis",
        "app.models",
        "app.negotiation",
        "app.pagination",
        "app.limits",
        "app.db",
        "app.sqlite_inserts",
        "app.tabular",
    },
    {
        "app.schema",
        "app.queries",
        "app.http",
        "app.rendering",
        "app.charts",
        "app.citing",
        "app.cors",
        "app.serving",
    },
    {"app.seed", "app.api"},
    {"app.main"},
    {"app.cli"},
]


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "app":
            if node.module == "app":
                found |= {f"app.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "app"}
    return found


def _layer(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def test_every_package_has_a_layer() -> None:
    packages = {
        _package(".".join(("app", *p.relative_to(APP).with_suffix("").parts)))
        for p in APP.rglob("*.py")
        if p.name != "__init__.py" or p.parent != APP
    }
    assert packages == set().union(*LAYERS)


def test_each_layer_imports_only_what_lies_below_it() -> None:
    broken = []
    for path in sorted(APP.rglob("*.py")):
        module = ".".join(("app", *path.relative_to(APP).with_suffix("").parts))
        own = _package(module.removesuffix(".__init__"))
        if own == "app":
            continue
        for imported in _imports(path):
            other = _package(imported)
            if other != own and _layer(other) >= _layer(own):
                broken.append(f"{path.relative_to(APP.parent)} imports {imported}")
    assert broken == []


def test_analysis_is_pure() -> None:
    for path in (APP / "analysis").glob("*.py"):
        outside = {i for i in _imports(path) if _package(i) not in ("app.analysis", "app.dates")}
        assert outside == set(), path


def test_every_public_field_is_described(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    undescribed = [
        f"{name}.{prop}"
        for name, schema in schemas.items()
        for prop, spec in schema.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []


LISTS: dict[str, type[BaseModel]] = {
    "/v1/sources": SourcePublic,
    "/v1/metrics": MetricPublic,
    "/v1/statistics": StatisticPublic,
    "/v1/provisions": ProvisionPublic,
    "/v1/meetings": MeetingPublic,
    "/v1/milestones": MilestonePublic,
    "/v1/people": PersonPublic,
    "/v1/organizations": OrganizationPublic,
    "/v1/statements": StatementPublic,
    "/v1/series": SeriesSummaryPublic,
    "/v1/discrepancies": DiscrepancyPublic,
    "/v1/checks": CheckPublic,
    "/v1/timeline": TimelineItem,
}


def _exactly(model: type[BaseModel], item: dict[str, Any]) -> None:
    assert set(item) == set(model.model_fields), model.__name__
    model.model_validate(item)


@pytest.mark.parametrize("path", sorted(LISTS))
def test_every_list_item_is_exactly_its_public_model(client: TestClient, path: str) -> None:
    items = walk(client, path)
    assert items
    for item in items:
        _exactly(LISTS[path], item)


def test_every_search_hit_is_exactly_its_public_model(client: TestClient) -> None:
    hits = walk(client, "/v1/search", q="deficit")
    assert hits
    for hit in hits:
        _exactly(SearchHit, hit)


PARAMETERS = Path(__file__).resolve().parent / "data" / "openapi-parameters.json"


def test_the_documented_parameters_stay_as_they_were(client: TestClient) -> None:
    """Filters are declared as models now; what clients see of them must not move. A change
    here is a contract change: update tests/data/openapi-parameters.json and docs/API.md."""
    document = client.get("/openapi.json").json()
    served = {
        f"{method.upper()} {path}": operation.get("parameters", [])
        for path, operations in sorted(document["paths"].items())
        for method, operation in sorted(operations.items())
    }
    assert served == json.loads(PARAMETERS.read_text(encoding="utf-8"))

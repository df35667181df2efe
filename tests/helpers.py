"""Helpers shared by tests: walking pages, dumping a database, editing seed files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from app.models import metadata

LIST_PATHS = [
    "/v1/sources",
    "/v1/metrics",
    "/v1/statistics",
    "/v1/provisions",
    "/v1/meetings",
    "/v1/milestones",
]
FACT_PATHS = ["/v1/statistics", "/v1/provisions", "/v1/meetings", "/v1/milestones"]


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
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")

"""/v1/changes: what the loads since a version added, changed (which fields) and removed.

Each expectation is the edit the test makes to a copy of the seed: a title changed, a
participant's role changed, a statement removed, a statement added back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.seed import loader
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import edit

STATEMENT = "  - id: both-sides-further-meetings-washington"


@pytest.fixture
def api(migrated_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=migrated_url, response_cache_mb=0))) as c:
        yield c


def _version(api: TestClient) -> str:
    version: str = api.get("/readyz").json()["dataset_version"]
    return version


def _ids(changes: list[dict[str, object]]) -> dict[tuple[object, object], object]:
    return {(c["type"], c["id"]): c["fields"] for c in changes}


# The loader writes and logs a reload's inserts, updates and deletions a batch at a time, its
# inserts held in its scratch store until the deletions are done: batches of 2 take every path.
@pytest.mark.parametrize("batch", [loader.INSERT_BATCH, 2])
def test_changes_name_what_each_edit_touched(
    engine: Engine, seed_copy: Path, api: TestClient, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "INSERT_BATCH", batch)
    load_seed(engine, read_seed(seed_copy))
    first = _version(api)
    edit(seed_copy / "milestones.yaml", "title: KORUS enters into force", "title: KORUS in force")
    edit(seed_copy / "meetings.yaml", "role: Director General,", "role: director general,")
    statements = (seed_copy / "statements.yaml").read_text(encoding="utf-8")
    removed_text = statements[statements.index(STATEMENT) :]
    (seed_copy / "statements.yaml").write_text(
        statements[: statements.index(STATEMENT)], encoding="utf-8"
    )
    load_seed(engine, read_seed(seed_copy))
    second = _version(api)
    changes = api.get("/v1/changes", params={"since": first}).json()
    assert changes["since"] == first and changes["version"] == second
    assert changes["loads"] == [second]
    changed = _ids(changes["changed"])
    assert changed[("milestone", "korus-entry-into-force")] == ["title"]
    assert changed[("meeting", "negotiation-round-2018-01-05-washington")] == ["participants"]
    assert ("statement", "both-sides-further-meetings-washington") in _ids(changes["removed"])
    assert changes["added"] == []
    # the series and search rows that follow from the data are not resources a client syncs
    # beyond what they are: only the edited resources (and what derives from them) appear
    assert {t for t, _ in changed} <= {"milestone", "meeting", "series", "check", "discrepancy"}

    # a statement added back: across both loads it was never gone
    (seed_copy / "statements.yaml").write_text(
        (seed_copy / "statements.yaml").read_text(encoding="utf-8") + removed_text,
        encoding="utf-8",
    )
    load_seed(engine, read_seed(seed_copy))
    third = _version(api)
    both = api.get("/v1/changes", params={"since": first}).json()
    assert both["loads"] == [second, third]
    assert ("statement", "both-sides-further-meetings-washington") in _ids(both["changed"])
    assert both["removed"] == []
    since_second = api.get("/v1/changes", params={"since": second}).json()
    assert _ids(since_second["added"]) == {
        ("statement", "both-sides-further-meetings-washington"): []
    }


def test_changes_since_now_are_none_and_unknown_versions_are_404(
    engine: Engine, seed_copy: Path, api: TestClient
) -> None:
    load_seed(engine, read_seed(seed_copy))
    now = api.get("/v1/changes", params={"since": _version(api)}).json()
    assert (now["loads"], now["added"], now["changed"], now["removed"]) == ([], [], [], [])
    unknown = api.get("/v1/changes", params={"since": "0123456789abcdef"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert api.get("/v1/changes").status_code == 400
    assert api.get("/v1/changes", params={"since": "not hex"}).status_code == 400


def test_a_first_load_keeps_no_log(engine: Engine, api: TestClient) -> None:
    # No version precedes a first load, so no client can ask what it changed (`since` names
    # the version a client has): its log would only list every id it wrote.
    report = load_seed(engine, read_seed(SEED_DIR))
    assert report.counts["statistic"]["inserted"] > 0
    assert report.log.document() == {}
    now = api.get("/v1/changes", params={"since": _version(api)}).json()
    assert (now["loads"], now["added"], now["changed"], now["removed"]) == ([], [], [], [])

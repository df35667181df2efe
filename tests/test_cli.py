"""The korus-facts command: help, suggest and export, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.analysis.scanner import scan
from app.seed import strict_yaml
from app.seed.citations import locate_quote
from tests.conftest import SEED_DIR
from tests.helpers import edit

CLI = [sys.executable, "-m", "app.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("command", ["check", "migrate", "load", "suggest", "export", "serve"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "Usage" in result.stdout


def test_suggest_drafts_one_statistic_per_figure(tmp_path: Path) -> None:
    document = SEED_DIR / "sources" / "002_a3e013749fe3ae2e.txt"
    output = tmp_path / "draft.yaml"
    assert run("suggest", str(document), "--source-id", "draft", "-o", str(output)).returncode == 0
    draft = strict_yaml.load(output.read_text(encoding="utf-8"))
    text = document.read_text(encoding="utf-8")
    assert len(draft["statistics"]) == len(scan(text))
    for statistic in draft["statistics"]:
        [citation] = statistic["citations"]
        span = locate_quote(text, citation["quote"], citation.get("occurrence"))
        assert statistic["as_reported"] in text[span.start : span.end]
    assert (
        draft["sources"][0]["sha256"]
        == __import__("hashlib").sha256(document.read_bytes()).hexdigest()
    )


def test_export_matches_the_api(client: TestClient, seeded_url: str, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    assert run("export", "-o", str(target), "--database-url", seeded_url).returncode == 0
    assert json.loads(target.read_text(encoding="utf-8")) == client.get("/v1/export").json()
    folder = tmp_path / "csv"
    assert (
        run("export", "--format", "csv", "-o", str(folder), "--database-url", seeded_url).returncode
        == 0
    )
    rows = list(csv.DictReader(io.StringIO((folder / "statistics.csv").read_text())))
    assert rows and rows == list(
        csv.DictReader(io.StringIO(client.get("/v1/statistics?format=csv").text))
    )


def test_a_seed_loaded_before_is_not_read_again(
    migrated_url: str, seed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte-identical seed files (and the same code) are what the last load read, checked and
    wrote: the next load says so without reading them. Any change in any file reads again."""

    def load(seed: Path) -> str:
        result = run("load", "--seed-dir", str(seed), "--database-url", migrated_url)
        assert result.returncode == 0, result.stderr
        return " ".join(result.stdout.split())

    assert load(seed_copy).startswith("loaded version")
    assert "unchanged (not read again)" in load(seed_copy)
    with (seed_copy / "people.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# a comment changes the files, not the data\n")
    assert "nothing changed" in load(seed_copy)  # read and checked again
    assert "not read again" in load(seed_copy)
    edit(seed_copy / "milestones.yaml", "title: KORUS enters into force", "title: KORUS in force")
    assert load(seed_copy).startswith("loaded version")
    assert load(SEED_DIR).startswith("loaded version")  # another seed: read

    from app.seed import files

    before = files.seed_digest(seed_copy)
    assert files.seed_digest(seed_copy) == before
    monkeypatch.setattr(files, "code_identity", lambda: "other code")
    assert files.seed_digest(seed_copy) != before  # other checks: read again


def test_load_into_a_database_behind_the_schema_says_to_migrate(empty_url: str) -> None:
    result = run("load", "--database-url", empty_url)
    assert result.returncode == 1
    assert "korus-facts migrate" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr

"""The README's first-request snippets, copied as a newcomer would and run against a real
server: the TypeScript one compiled with `tsc --strict` and run under Node, the Python one
under this interpreter. Each must print every statistic."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.config import ROOT

README_BASE = "http://127.0.0.1:8000"
BIN = ROOT / "clients" / "node_modules" / ".bin"


def _snippet(language: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## First requests", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", section, re.S)
    assert len(blocks) == 1, f"README's First requests should have one {language} block"
    return blocks[0]


def _statistic_count(served: str) -> int:
    count, url = 0, f"{served}/v1/statistics?limit=500"
    while url:
        page = httpx.get(url).json()
        count += len(page["items"])
        url = served + page["next"] if page["next"] else ""
    return count


def _check_output(stdout: str, served: str) -> None:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == _statistic_count(served)
    assert all(" - " in line for line in lines)


@pytest.mark.slow
def test_the_python_snippet_prints_every_statistic(served: str, tmp_path: Path) -> None:
    script = tmp_path / "first.py"
    script.write_text(_snippet("python").replace(README_BASE, served), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    _check_output(done.stdout, served)


@pytest.mark.slow
def test_the_typescript_snippet_prints_every_statistic(served: str, tmp_path: Path) -> None:
    assert BIN.is_dir(), "clients/node_modules is missing: `make test` runs `npm ci` in clients/"
    (tmp_path / "first.mts").write_text(
        _snippet("ts").replace(README_BASE, served) + "export {};\n", encoding="utf-8"
    )
    os.symlink(ROOT / "clients" / "node_modules", tmp_path / "node_modules")
    compile_ = subprocess.run(
        [
            str(BIN / "tsc"),
            "--strict",
            "--target",
            "ES2022",
            "--module",
            "NodeNext",
            "--moduleResolution",
            "NodeNext",
            "--lib",
            "ES2022,DOM",
            "--types",
            "node",
            "first.mts",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compile_.returncode == 0, compile_.stdout + compile_.stderr
    done = subprocess.run(
        ["node", "first.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    _check_output(done.stdout, served)

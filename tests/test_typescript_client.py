"""A TypeScript client generated from the served OpenAPI document (openapi-typescript types,
openapi-fetch requests), compiled with `tsc --strict` and run under Node against a real server:
it pages every list to its end, fetches every detail and checks every citation against its
source's text by code points (clients/typescript/check.ts). Node packages come from
clients/package-lock.json, installed by `make test` (`npm ci`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import ROOT

CLIENTS = ROOT / "clients"
BIN = CLIENTS / "node_modules" / ".bin"


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_generated_typescript_client_reads_everything(served: str, tmp_path: Path) -> None:
    assert BIN.is_dir(), "clients/node_modules is missing: `make test` runs `npm ci` in clients/"
    work = tmp_path / "typescript"
    work.mkdir()
    for name in ("check.ts", "tsconfig.json", "package.json"):
        shutil.copy(CLIENTS / "typescript" / name, work / name)
    os.symlink(CLIENTS / "node_modules", tmp_path / "node_modules")
    _run([str(BIN / "openapi-typescript"), f"{served}/openapi.json", "-o", "api.d.ts"], work)
    _run([str(BIN / "tsc"), "-p", ".", "--strict"], work)
    report = json.loads(_run(["node", "out/check.js", served], work))
    assert report["failures"] == []
    assert report["counts"]["statistics"] > 0 and report["citations"] > 0

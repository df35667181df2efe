"""The fault corpus: seeds a careless curator or an attacker could hand the loader. Each is
loaded by `korus-facts load` as a separate process over a database holding the shipped seed, on
SQLite and on PostgreSQL; each must be refused with a message naming the file (and entry or
field where there is one), exit non-zero, stay under 200 MB, and leave the database exactly as
it was. What each costs is recorded in docs/RELIABILITY.md ("Seed input")."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit

MAX_RSS_KB = 200 * 1024
TIMEOUT = 60  # a bound on a hang, not a measurement


def _missing(seed: Path) -> str:
    (seed / "milestones.yaml").unlink()
    return "milestones.yaml: missing"


def _emptied(seed: Path) -> str:
    # statements: no other kind refers to them, so emptying them leaves a seed that reads clean
    (seed / "statements.yaml").write_text("statements: []\n", encoding="utf-8")
    return "would delete 31 of 31 statements"


def _alias_bomb(seed: Path) -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(
            f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}]"
        )
    (seed / "exclusions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "exclusions.yaml:1: anchors (&name) are not allowed"


def _deep_yaml(seed: Path) -> str:
    depth = 50_000
    (seed / "checks.yaml").write_text("checks: " + "[" * depth + "]" * depth + "\n", "utf-8")
    return "checks.yaml:1: nested more than 32 levels deep"


def _deep_json_lines(seed: Path) -> str:
    (seed / "checks.yaml").unlink()
    (seed / "checks").mkdir()
    depth = 50_000
    (seed / "checks" / "part.jsonl").write_text('{"id": ' + "[" * depth + "]" * depth + "}\n")
    return "checks/part.jsonl:1: nested more than 32 levels deep"


def _many_errors(seed: Path) -> str:
    (seed / "exclusions.yaml").write_text("exclusions:\n" + "- {}\n" * 1_600_000, encoding="utf-8")
    return "exclusions.yaml:99999: more than 100,000 values in one YAML file"


def _many_invalid_entries(seed: Path) -> str:
    (seed / "exclusions.yaml").write_text("exclusions:\n" + "- {}\n" * 20_000, encoding="utf-8")
    return "more not listed"


def _many_json_lines(seed: Path) -> str:
    (seed / "exclusions.yaml").unlink()
    (seed / "exclusions").mkdir()
    (seed / "exclusions" / "part.jsonl").write_text("{}\n" * 10_000_000, encoding="utf-8")
    return "exclusions/part.jsonl:50001: more than 50,000 entries in one file"


def _link_to_device(seed: Path) -> str:
    (seed / "milestones.yaml").unlink()
    (seed / "milestones.yaml").symlink_to("/dev/zero")
    return "milestones.yaml: leads outside the seed directory"


def _fifo(seed: Path) -> str:
    (seed / "milestones.yaml").unlink()
    os.mkfifo(seed / "milestones.yaml")
    return "milestones.yaml: is not a regular file"


def _link_outside(seed: Path) -> str:
    outside = seed.parent / "elsewhere.yaml"
    (seed / "milestones.yaml").rename(outside)
    (seed / "milestones.yaml").symlink_to(outside)
    return "milestones.yaml: leads outside the seed directory"


def _text_link_outside(seed: Path) -> str:
    text = seed / "sources" / "000_18c18c768fbe9cb6.txt"
    outside = seed.parent / "elsewhere.txt"
    text.rename(outside)
    text.symlink_to(outside)
    return "sources/000_18c18c768fbe9cb6.txt leads outside the seed directory"


def _huge_field(seed: Path) -> str:
    edit(
        seed / "statistics.yaml",
        "    label: U.S. goods",
        f"    notes: {'x' * 50_000_000}\n    label: U.S. goods",
    )
    return "statistics.yaml: has 50,"


def _huge_json_lines_field(seed: Path) -> str:
    (seed / "exclusions.yaml").unlink()
    (seed / "exclusions").mkdir()
    line = '{"id": "x", "reason": "' + "x" * 50_000_000 + '"}\n'
    (seed / "exclusions" / "part.jsonl").write_text(line, encoding="utf-8")
    return "exclusions/part.jsonl:1: an entry longer than 1,048,576 bytes"


def _long_field(seed: Path) -> str:
    edit(
        seed / "statistics.yaml",
        "    label: U.S. goods",
        f"    notes: {'x' * 30_000}\n    label: U.S. goods",
    )
    return "statistics.yaml:9: a value of 30,000 characters"


def _huge_file(seed: Path) -> str:
    (seed / "meetings.yaml").unlink()
    (seed / "meetings").mkdir()
    with open(seed / "meetings" / "part.jsonl", "wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    return "meetings/part.jsonl: has 68,157,440 bytes"


def _nul_in_label(seed: Path) -> str:
    edit(
        seed / "statistics.yaml",
        "    label: U.S. goods trade deficit with Korea before KORUS",
        '    label: "U.S. goods\\0 deficit"',
    )
    return "statistics.yaml:9: control character U+0000"


def _nul_in_json_lines(seed: Path) -> str:
    (seed / "exclusions.yaml").unlink()
    (seed / "exclusions").mkdir()
    (seed / "exclusions" / "part.jsonl").write_text('{"id": "x", "reason": "a\\u0000b"}\n')
    return "exclusions/part.jsonl:1: control character U+0000"


FAULTS: dict[str, Callable[[Path], str]] = {
    "a kind's file missing": _missing,
    "a kind emptied": _emptied,
    "YAML alias bomb": _alias_bomb,
    "YAML nested 50,000 deep": _deep_yaml,
    "JSON Lines nested 50,000 deep": _deep_json_lines,
    "8 MB of empty YAML entries": _many_errors,
    "20,000 invalid entries": _many_invalid_entries,
    "30 MB of empty JSON Lines entries": _many_json_lines,
    "a seed file linked to /dev/zero": _link_to_device,
    "a seed file that is a pipe": _fifo,
    "a seed file linked outside the seed": _link_outside,
    "a source text linked outside the seed": _text_link_outside,
    "a 50 MB field in YAML": _huge_field,
    "a 50 MB field in JSON Lines": _huge_json_lines_field,
    "a 30,000-character field": _long_field,
    "a 65 MB file": _huge_file,
    "NUL in a YAML label": _nul_in_label,
    "NUL in a JSON Lines value": _nul_in_json_lines,
}


# `korus-facts load` that reports its own peak RSS as it exits: VmHWM, the high-water mark of
# this program's memory (ru_maxrss would include the pytest process it was forked from).
MEASURED_CLI = (
    "import atexit, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print('peak-rss-kb', line.split()[1], file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "sys.argv = ['korus-facts', *sys.argv[1:]]\n"
    "from app.cli import main\n"
    "main()\n"
)


def _load(seed: Path, url: str, *extra: str) -> tuple[int, str, int]:
    """Run `korus-facts load`; its exit code, its output and its peak RSS in KB."""
    command = [sys.executable, "-c", MEASURED_CLI, "load", "--seed-dir", str(seed)]
    process = subprocess.Popen(
        [*command, "--database-url", url, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the loader did not finish in {TIMEOUT} s")
    lines = output.splitlines()
    peak = [int(line.split()[1]) for line in lines if line.startswith("peak-rss-kb ")]
    text = "\n".join(line for line in lines if not line.startswith("peak-rss-kb "))
    return process.returncode, text, peak[-1] if peak else 0


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_bad_seed_is_refused_and_changes_nothing(
    fault: str, engine: Engine, migrated_url: str, seed_copy: Path
) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    before = dump(engine)
    expected = FAULTS[fault](seed_copy)
    code, output, peak_kb = _load(seed_copy, migrated_url)
    assert code == 1, output[-2000:]
    assert expected in " ".join(output.split()), output[-2000:]
    assert "Traceback" not in output
    assert len(output.splitlines()) <= 600
    assert 0 < peak_kb < MAX_RSS_KB, f"{fault}: {peak_kb // 1024} MB"
    assert dump(engine) == before


@pytest.mark.slow
def test_a_kind_emptied_on_purpose_loads_with_allow_deletes(
    engine: Engine, migrated_url: str, seed_copy: Path
) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    _emptied(seed_copy)
    code, output, _ = _load(seed_copy, migrated_url, "--allow-deletes")
    assert code == 0, output
    assert dump(engine)["statement"] == []

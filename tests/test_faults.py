"""Faults: a loader killed at random points, and a migration that fails midway, never leave a
partial or unusable database."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from app import schema
from app.config import ROOT
from app.db import make_engine
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump, edit

KILLS = 20


def _content(engine: Engine) -> dict[str, object]:
    """Every row of every table, the dataset reduced to its version (not when it was loaded),
    and the history of loads to its newest entry's version (each reload back to the original
    adds an entry; the newest must be the dataset's)."""
    rows = dump(engine)  # one snapshot, so that rows and version are read at one moment
    content: dict[str, object] = dict(rows)
    content["dataset"] = [row[1] for row in rows["dataset"]]
    newest = max(rows["dataset_load"], key=lambda row: row[0], default=None)
    content["dataset_load"] = newest[1] if newest else None
    return content


def _edited_seed(seed_copy: Path) -> Path:
    """A seed whose load touches many rows: every statistic's label and a removed milestone."""
    path = seed_copy / "statistics.yaml"
    text = path.read_text(encoding="utf-8").replace("    label: ", "    label: (edited) ")
    path.write_text(text, encoding="utf-8")
    edit(seed_copy / "milestones.yaml", "title: KORUS enters into force", "title: In force")
    return seed_copy


@pytest.mark.slow
def test_a_killed_loader_leaves_one_whole_dataset(
    engine: Engine, migrated_url: str, seed_copy: Path
) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    original = _content(engine)
    edited_dir = _edited_seed(seed_copy)
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "load",
        "--seed-dir",
        str(edited_dir),
        "--database-url",
        migrated_url,
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    full_run = time.monotonic() - started
    edited = _content(engine)
    assert edited != original
    rng = random.Random(20180328)
    seen = set()
    for _ in range(KILLS):
        load_seed(engine, read_seed(SEED_DIR))  # back to the original each time
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0) * full_run)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = _content(engine)
        assert state in (original, edited), "a killed load left a partial dataset"
        seen.add("edited" if state == edited else "original")
    assert "original" in seen  # at least some kills landed before the commit


@pytest.mark.slow
def test_a_migration_failing_midway_leaves_a_usable_database(
    migrated_url: str, tmp_path: Path
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", scripts)
    head = schema.head_revision(migrated_url)
    (scripts / "versions" / "9999_broken.py").write_text(
        f'''"""A migration that fails after its first statement."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("pk", sa.Integer, primary_key=True))
    with op.batch_alter_table("statistic") as batch:
        batch.add_column(sa.Column("half_done", sa.Integer))
    op.execute("SELECT no_such_function()")


def downgrade() -> None:
    pass
''',
        encoding="utf-8",
    )
    probe = make_engine(migrated_url)
    before = set(inspect(probe).get_table_names())
    probe.dispose()
    with pytest.raises(Exception, match=r"no_such_function|no such function"):
        schema.upgrade(migrated_url, script_location=scripts)
    engine = make_engine(migrated_url)
    try:
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == before
        assert "half_done" not in {c["name"] for c in inspector.get_columns("statistic")}
        with engine.connect() as conn:
            assert schema.current_revision(conn) == head
        load_seed(engine, read_seed(SEED_DIR))  # still fully usable
    finally:
        engine.dispose()

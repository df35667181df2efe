"""The seed fault corpus of tests/test_seed_faults.py, timed: each corruption loaded by
`korus-facts load` over a database holding the shipped seed, with the wall time, the loader's
peak RSS and its first line of refusal. Prints a Markdown table for docs/RELIABILITY.md.

Usage: .venv/bin/python bench/faults.py [--database-url URL]   (default: a fresh SQLite file;
with --postgres, a throwaway PostgreSQL server started like the test suite's)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import schema
from app.db import make_engine
from app.seed.loader import load_seed
from app.seed.reader import read_seed
from tests.conftest import SEED_DIR
from tests.helpers import dump
from tests.test_seed_faults import FAULTS, _load


def run(url: str) -> None:
    schema.upgrade(url)
    engine = make_engine(url)
    print("| corruption | refused | exit | wall s | peak RSS MB | database unchanged |")
    print("|---|---|---|---|---|---|")
    try:
        for name, corrupt in FAULTS.items():
            load_seed(engine, read_seed(SEED_DIR), allow_deletes=True)
            before = dump(engine)
            with tempfile.TemporaryDirectory() as tmp:
                seed = Path(tmp) / "seed"
                shutil.copytree(SEED_DIR, seed)
                corrupt(seed)
                started = time.monotonic()
                code, output, peak_kb = _load(seed, url)
                wall = time.monotonic() - started
            first = next((line for line in output.splitlines() if line.strip()), "")
            first = first.replace("|", "/")[:90]
            same = "yes" if dump(engine) == before else "NO"
            print(f"| {name} | {first} | {code} | {wall:.1f} | {peak_kb / 1024:.0f} | {same} |")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.postgres:
        from tests.postgres import start_postgres

        server = start_postgres()
        try:
            run(server.create_database())
        finally:
            server.stop()
    elif args.database_url:
        run(args.database_url)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/faults.db")


if __name__ == "__main__":
    main()

"""The loader's resident memory step by step: read and check a seed, then load it into a
database, printing the seconds elapsed, VmRSS and VmHWM (the peak so far) at each step.

Usage: .venv/bin/python bench/loader_steps.py SEED_DIR DATABASE_URL

The database must be migrated (`korus-facts migrate`); a fresh one measures a first load.
Linux only (reads /proc/self/status).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.db import make_engine
from app.seed.loader import load_seed
from app.seed.reader import read_seed


def memory() -> str:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS", "VmHWM")):
                name, value = line.split(":")
                fields[name] = int(value.split()[0]) // 1024
    return f"RSS {fields['VmRSS']:,} MB, peak {fields['VmHWM']:,} MB"


def main() -> None:
    seed, url = Path(sys.argv[1]), sys.argv[2]
    began = time.perf_counter()

    def report(step: str) -> None:
        print(f"{time.perf_counter() - began:7.1f} s  {step:22s} {memory()}", flush=True)

    bundle = read_seed(seed)
    report("read and checked")
    engine = make_engine(url)
    try:
        load_seed(engine, bundle, lambda step: report(f"before {step}"))
    finally:
        engine.dispose()
    report("done")


if __name__ == "__main__":
    main()

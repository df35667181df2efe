"""Start-up to first response: this API against Datasette, alternating, medians of N starts.

Usage: .venv/bin/python bench/startup.py [--sizes 1000 100000 1000000] [--rounds 7]

Uses the databases bench/compare.py left in var/bench/ and its Server helper (each server pinned
to CPU 0, timed from process start to the first 200 of a page of 50 statistics).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare import BENCH_BIN, BIN, ROOT, Server


def server(kind: str, size: int) -> Server:
    db = ROOT / "var" / "bench" / f"korus-{size}.db"
    if kind == "api":
        command = [str(BIN / "korus-facts"), "serve", "--port", "{port}"]
        return Server(
            "api", command, "/v1/statistics?limit=50", {"DATABASE_URL": f"sqlite:///{db}"}
        )
    command = [str(BENCH_BIN / "datasette"), "serve", "-i", str(db), "--port", "{port}"]
    return Server("datasette", command, f"/{db.stem}/statistic.json?_shape=array&_size=50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print("| size | this API | Datasette | ratio |")
    print("|---|---|---|---|")
    for size in args.sizes:
        times: dict[str, list[float]] = {"api": [], "datasette": []}
        for _ in range(args.rounds):
            for kind, found in times.items():
                started = server(kind, size)
                started.start()
                found.append(started.startup_s)
                started.stop()
        api, ds = (statistics.median(times[k]) for k in ("api", "datasette"))
        print(
            f"| {size:,} | {api:.2f} s ({min(times['api']):.2f}-{max(times['api']):.2f}) | "
            f"{ds:.2f} s ({min(times['datasette']):.2f}-{max(times['datasette']):.2f}) | "
            f"{api / ds:.2f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Chart bench/compare.py's results: throughput and p99 latency against corpus size.

Usage: .venv-bench/bin/python bench/chart.py docs/perf/results.json docs/perf/scaling.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SCENARIOS = ("page", "by_id", "filtered", "search", "repeated")
SERIES = {  # label: (server key in results, scenarios it answers, line style)
    "this API on SQLite": (None, SCENARIOS, "-"),
    "Datasette": ("datasette", SCENARIOS, "--"),
    "bare Starlette": ("bare", ("repeated",), ":"),
    "this API on PostgreSQL": ("api_pg", SCENARIOS, "-."),
}


def main() -> None:
    results = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    fig, (rps_ax, p99_ax) = plt.subplots(1, 2, figsize=(13, 5.2))
    colours = dict(zip(SCENARIOS, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False))
    for label, (server, scenarios, style) in SERIES.items():
        for scenario in scenarios:
            key = server or "api"
            if scenario != "repeated" and key in ("api", "api_pg"):
                key += "_uncached"
            found = [r for r in results if key in r["servers"]]
            if not found:
                continue
            sizes = [r["size"] for r in found]
            rps = [r["servers"][key][scenario]["rps"] for r in found]
            p99 = [r["servers"][key][scenario]["p99_us"] / 1000 for r in found]
            name = f"{label}: {scenario}"
            rps_ax.plot(sizes, rps, style, marker="o", color=colours[scenario], label=name)
            p99_ax.plot(sizes, p99, style, marker="o", color=colours[scenario], label=name)
    for ax, title, unit in (
        (rps_ax, "Throughput, one worker on one core, 32 connections", "requests/s"),
        (p99_ax, "p99 latency under the same load", "ms"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("statistics in the corpus")
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
    rps_ax.legend(fontsize=7, ncol=2)
    fig.suptitle(
        "korus-facts (SQLite and PostgreSQL) vs Datasette vs bare Starlette on the same corpus"
    )
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()

"""What the reader's most repeated parts cost, one at a time, on a corpus of bench/corpus.py:
parsing a JSON Lines file of statistics (`json_lines.load`), and scanning texts for figures
(`scanner.scan`) and for names (`NameIndex.scan`, with the corpus's own curated names).

Usage: .venv/bin/python bench/read_parts.py SEED_DIR [TEXTS]
Run it with PYTHONPATH set to another checkout to measure that code (an A/B on one machine).
Prints the best of three, per line and per text.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.analysis import scanner
from app.analysis.mentions import NameIndex
from app.seed import json_lines, strict_yaml


def _best(work: Callable[[], Any]) -> float:
    times = []
    for _ in range(3):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    root = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    data = sorted((root / "statistics").glob("*.jsonl"))[0].read_bytes()
    lines = data.count(b"\n")
    took = _best(lambda: json_lines.load(data, "statistics"))
    print(f"json_lines.load   {took / lines * 1e6:7.2f} us a line ({lines:,} lines)")
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "texts").iterdir())[:count]]
    took = _best(lambda: [scanner.scan(t) for t in texts])
    print(f"scanner.scan      {took / len(texts) * 1e3:7.3f} ms a text ({len(texts):,} texts)")
    names: dict[str, str] = {}
    for kind in ("organizations", "people"):
        for entry in strict_yaml.load((root / f"{kind}.yaml").read_text(encoding="utf-8"))[kind]:
            for name in entry.get("names", []):
                names.setdefault(name["name"], entry["id"])
    index = NameIndex(names, [], ["USA", "KOR"])
    took = _best(lambda: [index.scan(t) for t in texts])
    print(f"NameIndex.scan    {took / len(texts) * 1e3:7.3f} ms a text")


if __name__ == "__main__":
    main()

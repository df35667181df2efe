"""A synthetic seed of any size, in the real seed's proportions, that the real loader accepts.

Usage: .venv/bin/python bench/corpus.py --statistics 100000 --out /tmp/corpus-1e5

Writes a seed directory (texts/*.txt; sources, metrics, statistics and provisions as JSON Lines
in KIND/part-NNNN.jsonl; empty meetings, milestones, exclusions, checks and notes) that
`korus-facts load --seed-dir DIR` reads and checks like the real one. Proportions follow the KORUS
seed (5 sources, 43 statistics, 10 provisions, 92 citations): one source per 10 statistics, one
provision per 4, about 1.3 citations per statistic, one metric per 50 statistics. Every figure in
every generated text is cited, so coverage holds; no two statistics measure the same thing, so
there are no discrepancies to find. The output is deterministic for a given size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

COUNTRIES = [
    "USA", "KOR", "JPN", "CHN", "DEU", "FRA", "GBR", "CAN", "MEX", "BRA",
    "IND", "AUS", "ITA", "ESP", "NLD", "VNM", "THA", "IDN", "MYS", "SGP",
]  # fmt: skip
PRODUCTS = [
    "steel", "autos", "auto parts", "semiconductors", "beef", "pork", "rice", "textiles",
    "pharmaceuticals", "machinery", "aircraft", "ships", "chemicals", "wine", "soybeans",
]  # fmt: skip
WORDS = [
    "the",
    "agreement",
    "partners",
    "said",
    "talks",
    "covered",
    "market",
    "access",
    "customs",
    "rules",
    "services",
    "investment",
    "procedures",
    "officials",
    "noted",
    "the",
    "negotiators",
    "would",
    "continue",
    "their",
    "work",
]
STATS_PER_SOURCE = 10
STATS_PER_PROVISION = 4
STATS_PER_METRIC = 50
FIRST_YEAR, YEARS = 1990, 36
FILE_SIZE = 20_000  # statistics per seed file


def _dump(root: Path, kind: str, items: list[dict[str, object]]) -> None:
    """Entries as JSON Lines files under `root/kind/`, the seed format meant for programs."""
    folder = root / kind
    folder.mkdir(exist_ok=True)
    for start in range(0, max(1, len(items)), FILE_SIZE):
        with (folder / f"part-{start // FILE_SIZE:04d}.jsonl").open("w", encoding="utf-8") as out:
            for item in items[start : start + FILE_SIZE]:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")


def _figure(i: int) -> tuple[float, str]:
    tenths = 10 + (i * 7919) % 9990  # 1.0 .. 999.9
    return tenths * 100_000_000, f"${tenths // 10}.{tenths % 10} billion"


def generate(statistics: int, out: Path) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    (out / "texts").mkdir(parents=True)
    metrics = max(1, statistics // STATS_PER_METRIC)
    n_sources = max(1, -(-statistics // STATS_PER_SOURCE))
    sentences: list[list[str]] = [[] for _ in range(n_sources)]
    stats: list[dict[str, object]] = []
    citations = 0
    for i in range(statistics):
        metric = i % metrics
        year = FIRST_YEAR + (i // metrics) % YEARS
        pair = i // (metrics * YEARS)
        reporter = COUNTRIES[pair % len(COUNTRIES)]
        partner = COUNTRIES[(pair // len(COUNTRIES) + 1 + pair) % len(COUNTRIES)]
        product = PRODUCTS[metric % len(PRODUCTS)]
        value, reported = _figure(i)
        quote = f"In {year}, exports of {product} from {reporter} to {partner} reached {reported}"
        home = i // STATS_PER_SOURCE
        sentences[home].append(quote + ".")
        cites = [{"source": f"src-{home:07d}", "quote": quote}]
        if i % 3 == 0 and n_sources > 1:  # a second document restates a third of the figures
            other = (home + 1) % n_sources
            restated = f"Figures for {year} put {product} shipments from {reporter} at {reported}"
            sentences[other].append(restated + ".")
            cites.append({"source": f"src-{other:07d}", "quote": restated})
        citations += len(cites)
        stats.append(
            {
                "id": f"stat-{i:07d}",
                "metric": f"metric-{metric:06d}",
                "label": f"Exports of {product}, {reporter} to {partner}, {year}",
                "reporter": reporter,
                "partner": partner,
                "value": value,
                "unit": "USD",
                "as_reported": reported,
                "period_start": str(year),
                "period_end": str(year),
                "citations": cites,
            }
        )
    _dump(out, "statistics", stats)
    provisions = []
    for p in range(max(1, statistics // STATS_PER_PROVISION)):
        home = p % n_sources
        word = " ".join(WORDS[(p + k) % len(WORDS)] for k in range(6))
        quote = f"Provision {_letters(p)} says {word}"
        sentences[home].append(quote + ".")
        citations += 1
        provisions.append(
            {
                "id": f"prov-{p:07d}",
                "title": f"Provision {_letters(p)}",
                "summary": f"The parties agree that {word}.",
                "category": PRODUCTS[p % len(PRODUCTS)].replace(" ", "_"),
                "instrument": "korus_amendment",
                "obligated_party": COUNTRIES[p % 2],
                "statistic_ids": [f"stat-{(p * STATS_PER_PROVISION) % statistics:07d}"],
                "citations": [{"source": f"src-{home:07d}", "quote": quote}],
            }
        )
    _dump(out, "provisions", provisions)
    sources = []
    for s, lines in enumerate(sentences):
        text = f"Trade report {_letters(s)}\n\n" + "\n".join(lines) + "\n"
        name = f"texts/{s:07d}.txt"
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        sources.append(
            {
                "id": f"src-{s:07d}",
                "file": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "title": f"Trade report {_letters(s)}",
                "publisher": "Synthetic Trade Review",
                "kind": "news_article",
                "published_on": f"{FIRST_YEAR + s % YEARS}-06-01",
                "language": "en",
            }
        )
    _dump(out, "sources", sources)
    _dump(
        out,
        "metrics",
        [
            {
                "id": f"metric-{m:06d}",
                "label": f"Exports of {PRODUCTS[m % len(PRODUCTS)]}, series {_letters(m)}",
                "description": "Exports from the reporter to the partner.",
                "unit": "USD",
                "sign_convention": "Always positive.",
                "scope": "goods",
            }
            for m in range(metrics)
        ],
    )
    empty = ("meetings", "milestones", "exclusions", "checks", "discrepancy_notes")
    empty += ("people", "organizations", "statements", "mention_exclusions")
    for kind in empty:
        (out / f"{kind}.yaml").write_text(f"{kind}: []\n", encoding="utf-8")
    return {
        "sources": n_sources,
        "metrics": metrics,
        "statistics": statistics,
        "provisions": len(provisions),
        "citations": citations,
    }


def _letters(n: int) -> str:
    """A number spelled in letters (qa, qb, ..., qba), so that texts carry no stray figures: the
    q keeps a spelling such as 'six' or 'ten' from reading as a number word."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if n == 0:
            return "q" + out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statistics", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    counts = generate(args.statistics, args.out)
    print(json.dumps({"out": str(args.out), **counts}))


if __name__ == "__main__":
    main()

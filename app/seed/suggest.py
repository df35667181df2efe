"""A seed skeleton for a new document: its source entry and one draft statistic per figure the
scanner finds, each with the sentence to cite, ready for a curator to complete."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from app.analysis.numbers import FigureSyntaxError, parse_figure
from app.analysis.scanner import scan, sentence_ends, sentence_span
from app.seed.citations import occurrences

TODO = "TODO"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "figure"


def skeleton(path: Path, source_id: str | None = None) -> dict[str, Any]:
    data = path.read_bytes()
    text = data.decode("utf-8")
    source = source_id or _slug(path.stem)
    title = next((line.strip() for line in text.splitlines() if line.strip()), TODO)
    statistics = []
    ends = sentence_ends(text)
    for mention in scan(text):
        left, right = sentence_span(text, mention.start, mention.end, ends)
        quote = text[left:right].strip()
        entry: dict[str, Any] = {
            "id": f"{source}-{_slug(mention.text)}-{mention.start}",
            "metric": TODO,
            "label": TODO,
            "reporter": TODO,
            "partner": TODO,
            "as_reported": mention.text,
        }
        try:
            figure = parse_figure(mention.text)
            value = figure.value
            entry["value"] = int(value) if value == value.to_integral_value() else float(value)
            entry["unit"] = figure.unit_hint or TODO
        except FigureSyntaxError:
            entry["value"] = TODO
            entry["unit"] = TODO
        if mention.approximate:
            entry["approximate"] = True
        if mention.year:
            entry["period_start"] = entry["period_end"] = str(mention.year)
        citation: dict[str, Any] = {"source": source, "quote": quote}
        found = occurrences(text, quote)
        if len(found) > 1:
            citation["occurrence"] = found.index(text.index(quote, left)) + 1
        entry["citations"] = [citation]
        entry["notes"] = (
            f"Drafted by `korus-facts suggest` from a {mention.kind} mention; check every field."
        )
        statistics.append(entry)
    return {
        "sources": [
            {
                "id": source,
                "file": f"sources/{path.name}",
                "sha256": hashlib.sha256(data).hexdigest(),
                "title": title,
                "publisher": TODO,
                "author": None,
                "kind": TODO,
                "published_on": TODO,
                "original_url": None,
                "language": "en",
            }
        ],
        "statistics": statistics,
    }


def dump(document: dict[str, Any]) -> str:
    header = (
        "# Drafted by `korus-facts suggest`: split `sources` into seed/sources.yaml and\n"
        "# `statistics` into seed/statistics/<source>.yaml, replace every TODO, delete what is\n"
        "# not a fact (or add an exclusion with its reason), then run `korus-facts check`.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)

"""JSON Lines seed files: the same entries as YAML give the same database; bad lines are located;
the synthetic corpus that the benchmarks use passes every check of the real reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.seed import json_lines, strict_yaml
from app.seed.loader import load_seed
from app.seed.reader import SeedError, read_seed
from bench.corpus import generate
from tests.conftest import SEED_DIR
from tests.helpers import dump


def _as_json_lines(seed: Path, kind: str) -> Path:
    """Move the entries of `seed/KIND.yaml` into `seed/KIND/part-0000.jsonl`."""
    entries = strict_yaml.load((seed / f"{kind}.yaml").read_text(encoding="utf-8"))[kind]
    (seed / f"{kind}.yaml").unlink()
    folder = seed / kind
    folder.mkdir(exist_ok=True)
    target = folder / "part-0000.jsonl"
    target.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return target


def test_json_lines_entries_load_exactly_as_yaml(seed_copy: Path, engine: Engine) -> None:
    load_seed(engine, read_seed(SEED_DIR))
    from_yaml = dump(engine)
    for kind in ("statistics", "provisions", "metrics"):
        _as_json_lines(seed_copy, kind)
    bundle = read_seed(seed_copy)
    assert bundle.version == read_seed(SEED_DIR).version
    assert load_seed(engine, bundle).changed is False
    assert dump(engine) == from_yaml


@pytest.mark.parametrize(
    ("mangle", "field", "words"),
    [
        (
            lambda line: line.replace('"unit": "USD"', '"unit": "USD", "unit": "EUR"', 1),
            None,
            "dup",
        ),
        (
            lambda line: line.replace('"quote": ', '"source": "x", "quote": ', 1),
            None,
            "duplicate key 'source'",
        ),
        (lambda line: line.replace('"value": 13200000000', '"value": NaN', 1), None, "NaN"),
        (lambda line: line[:-2], None, "not a JSON object"),
        (
            lambda line: line.replace('"unit": "USD"', '"unit": "US\\u0007D"', 1),
            None,
            "control character U+0007",
        ),
        (lambda line: line.replace('"as_reported": "$13.2', '"as_reported": "$13.9', 1), None, ""),
        (lambda line: line.replace('"id": ', '"colour": "red", "id": ', 1), "colour", "Extra"),
    ],
    ids=[
        "duplicate key",
        "duplicate key in a citation",
        "NaN",
        "truncated",
        "control character escaped",
        "figure not in quote",
        "unknown field",
    ],
)
def test_a_bad_line_is_refused_with_its_line(
    seed_copy: Path, mangle: object, field: str | None, words: str
) -> None:
    path = _as_json_lines(seed_copy, "statistics")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"value": 13200000000' in lines[0]
    lines[0] = mangle(lines[0]) + ("\n" if not lines[0].endswith("\n") else "")  # type: ignore[operator]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    found = [
        i
        for i in caught.value.issues
        if i.file == "seed/statistics/part-0000.jsonl"
        and words in i.message
        and (field is None or i.field == field)
    ]
    assert found, "\n".join(map(str, caught.value.issues))
    assert all(i.line == 1 for i in found)


def test_a_later_check_names_the_line_of_its_entry(seed_copy: Path) -> None:
    """Checks that run once every file is read (here: a cited figure must stand in its quote)
    still place their message on the entry's own line."""
    path = _as_json_lines(seed_copy, "statistics")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if '"as_reported": "$' in line and n > 2)
    lines[number] = lines[number].replace('"as_reported": "$', '"as_reported": "$9', 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    found = [i for i in caught.value.issues if i.file == "seed/statistics/part-0000.jsonl"]
    assert found, "\n".join(map(str, caught.value.issues))
    assert {i.line for i in found} == {number + 1}


def test_the_synthetic_corpus_passes_every_check(tmp_path: Path, engine: Engine) -> None:
    out = tmp_path / "corpus"
    counts = generate(500, out)
    bundle = read_seed(out)
    assert len(bundle.models("statistics")) == counts["statistics"] == 500
    assert len(bundle.models("sources")) == counts["sources"]
    assert len(bundle.spans) == counts["citations"]
    report = load_seed(engine, bundle)
    assert report.counts["statistic"]["inserted"] == 500
    assert report.counts["citation"]["inserted"] == counts["citations"]


# Lines each way of reading must read alike: every entry of the real seed written as JSON
# (with its escapes, as json.dumps writes them, and without: ensure_ascii=False), and written
# compactly, with the spacing a person might use, and with a key given twice at every depth.
def _variants() -> list[str]:
    lines = []
    for kind in ("statistics", "provisions", "meetings", "statements", "people"):
        for entry in strict_yaml.load((SEED_DIR / f"{kind}.yaml").read_text(encoding="utf-8"))[
            kind
        ]:
            lines.append(json.dumps(entry))
            lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
            lines.append(
                json.dumps(entry, ensure_ascii=False, indent=None, separators=(" , ", " :\t"))
            )
    twice = [
        '{"id": "a", "id": "b"}',
        '{"id": "a", "citations": [{"source": "s", "source" : "t"}]}',
        '{"id": "a", "note": "id", "x": {"y": 1, "y":2}}',
        '{"id": "a", "note": "\\"id\\": 1", "id" : 2}',
        '{"a": ": ", "b": 1}',
        '{"a": [": x", "y"], "b": {"c": ":"}}',
        '{"a": 1e400, "b": -0, "c": 12345678901234567890123}',
        '{"a": "\x7f"}',
        "\ufeff{}",
        '["not", "an", "object"]',
        '{"a": ' + "[" * 40 + "]" * 40 + "}",
        '{"a": "' + "x" * 20_001 + '"}',
    ]
    return lines + twice


@pytest.mark.parametrize("line", _variants())
def test_a_line_read_quickly_is_read_as_the_standard_parser_reads_it(line: str) -> None:
    """`_quick` (orjson) reads a line only when it reads what the standard parser with every
    check reads: the same entry, or nothing, and then the standard way says what is wrong."""
    quick = json_lines._quick(line)
    try:
        standard: object = json_lines._standard(line, 1)
    except strict_yaml.StrictYamlError as exc:
        standard = exc
    if quick is not None:
        assert standard == quick
        assert type(quick) is dict
        assert json.dumps(quick) == json.dumps(standard)  # the same keys in the same order


def test_most_lines_of_the_seed_are_read_quickly() -> None:
    """The quick way is the common way: every line without an escape, a DEL, a key given twice,
    a field too long or nesting too deep."""
    plain = [line for line in _variants() if "\\" not in line and len(line) < 20_000]
    quick = [line for line in plain if json_lines._quick(line) is not None]
    assert len(quick) >= len(plain) - 8, [line for line in plain if line not in quick]


def test_the_quick_path_knows_every_control_character_json_leaves_unescaped() -> None:
    """What `check_text` refuses and JSON lets a string hold as it is (every character from
    U+0020 on) is what the quick path looks for in a line: the one rule, `has_control`."""
    unescaped = {chr(c) for c in range(0x20, 0x10000) if strict_yaml.has_control(chr(c))}
    assert unescaped == set(json_lines.RAW_CONTROL)

"""The checks that look at one statistic at a time share one pass over the statistics
(app/seed/validation.py `check_statistics`), each keeping its problems apart to tell them in its
own turn (app/seed/bundle.py `Deferred`). What a curator is told must follow the rule the checks
have always followed: every problem of one check before any of the next (references, then
quotes, then figures, then the curation rules), in the order read within each, and the caps
(MAX_ISSUES_PER_FILE a file, reading stopped at MAX_ISSUES) counted in that order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.seed.bundle import (
    DEFERRED_ENOUGH,
    MAX_ISSUES,
    MAX_ISSUES_PER_FILE,
    Deferred,
    Issues,
    SeedIssue,
    TooMany,
)
from app.seed.reader import SeedError, read_seed
from bench import corpus

PER_FILE = 300

DANGLING = "no metric with id 'metric-none'"
MISQUOTED = "the quote does not occur in the source text"


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic seed of 3,300 statistics in 11 JSON Lines files."""
    monkeypatch.setattr(corpus, "FILE_SIZE", PER_FILE)
    root = tmp_path / "seed"
    corpus.generate(3_300, root)
    return root


def _files(root: Path) -> list[Path]:
    return sorted((root / "statistics").glob("*.jsonl"))


def _break(path: Path, at: list[int], *faults: str) -> None:
    """The entries at these places of a JSON Lines file given each fault named."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for n in at:
        entry: dict[str, Any] = entries[n]
        if "metric" in faults:
            entry["metric"] = "metric-none"
        if "quote" in faults:
            entry["citations"][0]["quote"] += " and then some"
        if "value" in faults:
            entry["value"] += 1
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def _told(root: Path) -> SeedError:
    with pytest.raises(SeedError) as raised:
        read_seed(root)
    return raised.value


def _what(issue: SeedIssue) -> tuple[str, str, str]:
    """(file, entry, which fault) of a problem this test makes."""
    if DANGLING in issue.message:
        fault = "metric"
    elif MISQUOTED in issue.message:
        fault = "quote"
    elif "reads as" in issue.message:
        fault = "value"
    else:
        fault = issue.message
    return Path(issue.file).name, issue.entry or "", fault


def test_each_checks_problems_come_before_the_next_checks(parts: Path) -> None:
    first, second = _files(parts)[:2]
    _break(first, [0], "metric", "quote")
    _break(first, [1], "metric", "value")
    _break(second, [0], "quote")
    _break(second, [5], "value", "metric")
    told = [_what(issue) for issue in _told(parts).issues]
    one, two = first.name, second.name
    assert told == [
        # the references, in the order read
        (one, "statistics[0] (id=stat-0000000)", "metric"),
        (one, "statistics[1] (id=stat-0000001)", "metric"),
        (two, "statistics[5] (id=stat-0000305)", "metric"),
        # then the quotes
        (one, "statistics[0] (id=stat-0000000)", "quote"),
        (two, "statistics[0] (id=stat-0000300)", "quote"),
        # then the figures
        (one, "statistics[1] (id=stat-0000001)", "value"),
        (two, "statistics[5] (id=stat-0000305)", "value"),
    ]


def test_a_files_cap_is_counted_check_after_check(parts: Path) -> None:
    """40 entries with both faults: the references tell 40 problems of the file, so the quotes
    may tell only the rest of its cap; the others are counted as left unsaid."""
    _break(_files(parts)[0], list(range(40)), "metric", "quote")
    error = _told(parts)
    faults = [fault for _file, _entry, fault in map(_what, error.issues)]
    assert faults == ["metric"] * 40 + ["quote"] * (MAX_ISSUES_PER_FILE - 40)
    assert error.skipped == 40 - (MAX_ISSUES_PER_FILE - 40)
    assert not error.stopped


def test_the_first_check_alone_can_stop_the_reading(parts: Path) -> None:
    """Every entry of 11 files with both faults: the references alone are past MAX_ISSUES, so
    reading stops at them, and no quote problem is told."""
    for path in _files(parts):
        _break(path, list(range(PER_FILE)), "metric", "quote")
    error = _told(parts)
    assert error.stopped and len(error.issues) == MAX_ISSUES
    assert {_what(issue)[2] for issue in error.issues} == {"metric"}
    # the 500th problem told is the last of the tenth file's cap: the nine files before it
    # were told whole, what they held past the cap counted
    full_before = MAX_ISSUES // MAX_ISSUES_PER_FILE - 1
    assert error.skipped == full_before * (PER_FILE - MAX_ISSUES_PER_FILE)


def _issue(file: str, n: int) -> SeedIssue:
    return SeedIssue(file, f"problem {n}")


def _sequence(appended: list[SeedIssue], before: list[SeedIssue]) -> tuple[list[str], int, bool]:
    """What `Issues` holds after `before` and then `appended`, told at once."""
    issues = Issues()
    try:
        for issue in [*before, *appended]:
            issues.append(issue)
    except TooMany:
        return [str(i) for i in issues], issues.skipped, True
    return [str(i) for i in issues], issues.skipped, False


def _deferred(appended: list[SeedIssue], before: list[SeedIssue]) -> tuple[list[str], int, bool]:
    """The same, with `appended` kept in a Deferred and told after `before`."""
    later = Deferred()
    for issue in appended:
        later.append(issue)
    issues = Issues()
    try:
        for issue in before:
            issues.append(issue)
        later.tell(issues)
    except TooMany:
        return [str(i) for i in issues], issues.skipped, True
    return [str(i) for i in issues], issues.skipped, False


@pytest.mark.parametrize(
    ("files", "count", "before_files", "before"),
    [
        (1, 10, 1, 0),  # nothing past a cap
        (1, 120, 1, 30),  # one file, past its cap with what came before
        (3, 400, 2, 60),  # files already full before
        (30, 900, 5, 200),  # stopped
        (1, 600, 499, 499),  # 499 files already told one problem each: full at once
        (600, 600, 1, 0),  # 600 files, one problem each: stopped at MAX_ISSUES
    ],
)
def test_a_deferred_check_tells_what_it_would_have_told_in_its_turn(
    files: int, count: int, before_files: int, before: int
) -> None:
    appended = [_issue(f"f{n % files}", n) for n in range(count)]
    earlier = [_issue(f"f{n % before_files}", -n) for n in range(before)]
    assert _deferred(appended, earlier) == _sequence(appended, earlier)


def test_a_deferred_check_holds_a_bounded_number_of_problems() -> None:
    """Past DEFERRED_ENOUGH problems within their caps, told in turn it would stop the reading
    whatever came before, so it keeps no more; but it still says so."""
    later = Deferred()
    files = DEFERRED_ENOUGH // MAX_ISSUES_PER_FILE + 10
    for n in range(files * MAX_ISSUES_PER_FILE):
        later.append(_issue(f"f{n % files}", n))
    assert later.full
    issues = Issues()
    earlier = [_issue(f"f{n}", -n) for n in range(MAX_ISSUES - 1)]  # one short of stopping
    for issue in earlier:
        issues.append(issue)
    with pytest.raises(TooMany):
        later.tell(issues)

"""`read_regular` (app/seed/files.py): a file's bytes, within a bound, as they are when read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from app.seed.files import SeedFileError, read_regular


def _stat_says(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """os.fstat reports `size` bytes, as if the file grew after it was looked at."""
    real = os.fstat

    def fstat(fd: int) -> Any:
        found = list(real(fd))
        found[6] = size  # st_size
        return os.stat_result(found)

    monkeypatch.setattr(os, "fstat", fstat)


def test_the_bytes_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"In 2017, the deficit was $22.9 billion.\n")
    assert read_regular(path, 1000) == b"In 2017, the deficit was $22.9 billion.\n"
    path.write_bytes(b"")
    assert read_regular(path, 1000) == b""


@pytest.fixture
def grown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file of 5,000 bytes that os.fstat says has 10: it grew after it was looked at."""
    path = tmp_path / "t.txt"
    path.write_bytes(b"x" * 5000)
    _stat_says(monkeypatch, 10)
    return path


def test_a_file_that_grew_after_it_was_looked_at_is_read_whole(grown: Path) -> None:
    assert read_regular(grown, 6000) == b"x" * 5000


def test_a_file_that_grew_past_the_bound_is_refused(
    grown: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SeedFileError, match="grew past 4,000 bytes"):
        read_regular(grown, 4000)
    _stat_says(monkeypatch, 4001)
    with pytest.raises(SeedFileError, match="has 4,001 bytes"):
        read_regular(grown, 4000)

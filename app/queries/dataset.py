"""The loaded dataset's version: the one place that reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.models import Dataset

DATASET = Dataset.__table__  # type: ignore[attr-defined]
_LOADED = "korus_dataset_loaded"  # the execution option `snapshot_version` keeps it under


def dataset_version(conn: Connection) -> str | None:
    """The version of what is loaded (a digest of the seed), or None before the first load."""
    version: str | None = conn.execute(select(DATASET.c.version)).scalar_one_or_none()
    return version


def dataset_loaded(conn: Connection) -> tuple[str | None, datetime | None]:
    """The version of what is loaded and when it was loaded (None, None before the first load).
    Read once in a transaction that began with `snapshot_version`."""
    known: tuple[str | None, datetime | None] | None = conn.get_execution_options().get(_LOADED)
    return known if known is not None else _version_and(conn, DATASET.c.loaded_at)


def snapshot_version(conn: Connection) -> str | None:
    """`dataset_version` for a read transaction that has just begun on `conn`: it also keeps
    what `dataset_loaded` answers on `conn` from now on (in that snapshot), so that a search,
    whose remembered lookups are keyed by it, does not ask again. `conn` is a request's own."""
    loaded = _version_and(conn, DATASET.c.loaded_at)
    conn.execution_options(**{_LOADED: loaded})
    return loaded[0]


def dataset_built(conn: Connection) -> tuple[str | None, str | None]:
    """The loaded version and the identity of the code that built it (None, None before the
    first load)."""
    return _version_and(conn, DATASET.c.code_identity)


def loaded_seed_digest(conn: Connection) -> tuple[str | None, str | None]:
    """The loaded version and the digest of the seed files it was loaded from (None before the
    first load, or when the last load did not record it)."""
    return _version_and(conn, DATASET.c.seed_digest)


def _version_and(conn: Connection, column: Any) -> tuple[str | None, Any]:
    row = conn.execute(select(DATASET.c.version, column)).first()
    return (row[0], row[1]) if row else (None, None)

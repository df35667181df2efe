"""`execute_many` (app/queries/common.py): one statement for many rows. On SQLite the rows go
to the driver directly, each value through the bind processor SQLAlchemy would use; what is
stored must be exactly what `conn.execute(stmt, rows)` stores, on both databases: the same
values read back, and on SQLite the same values and storage classes in the file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text

from app.models import Metric, SearchDocument, Statistic
from app.queries.common import execute_many
from app.queries.statistics import _STORE_DOCUMENT
from app.sqlite_inserts import ROWS_PER_INSERT

METRIC = Metric.__table__  # type: ignore[attr-defined]
STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
SEARCH = SearchDocument.__table__  # type: ignore[attr-defined]


def _metric(conn: Connection) -> int:
    """The one metric the statistics below measure; its primary key."""
    return int(
        conn.execute(
            insert(METRIC).returning(METRIC.c.pk),
            {"id": "m", "label": "M", "description": "d", "unit": "USD"},
        ).scalar_one()
    )


def _statistic(n: int, metric_pk: int, **fields: Any) -> dict[str, Any]:
    """A statistic row with a value of every kind of column: dates, JSON, a boolean, nulls."""
    return {
        "id": f"s-{n}",
        "metric_pk": metric_pk,
        "metric_id": "m",
        "label": f"Label {n} — ü",
        "reporter": "USA",
        "partner": None if n % 2 else "KOR",
        "scope": None,
        "value": 27.6 + n,
        "unit": "USD",
        "as_reported": "about $27.6 billion",
        "approximate": bool(n % 2),
        "period_start": date(2016, 1, 1),
        "period_start_precision": "year",
        "period_end": None,
        "period_end_precision": None,
        "period_last": date(2016, 12, 31),
        "first_published": date(2018, 3, 28),
        "attributed_to": None,
        "attributed_to_id": None,
        "notes": "a note" if n % 3 else None,
        "exemptions": {"hedge_kept": "why"} if n % 2 else None,
        "source_error": {"kind": "garbled", "reading": [1, 2.5, None, True]} if n % 3 else None,
        "document": None,
    } | fields


def _stored(engine: Engine, prefix: str) -> list[tuple[Any, ...]]:
    """The rows whose id begins with `prefix`, without their keys, as SQLAlchemy reads them
    and, on SQLite, as the file holds them (each value with its storage class)."""
    columns = [c for c in STATISTIC.c if c.name not in ("pk", "id")]
    with engine.connect() as conn:
        read = [
            tuple(row)
            for row in conn.execute(
                select(*columns).where(STATISTIC.c.id.like(f"{prefix}%")).order_by(STATISTIC.c.id)
            )
        ]
        if engine.dialect.name != "sqlite":
            return read
        raw = ", ".join(f"typeof({c.name}), {c.name}" for c in columns)
        held = conn.execute(
            text(f"SELECT {raw} FROM statistic WHERE id LIKE :p ORDER BY id"), {"p": f"{prefix}%"}
        ).all()
        return [(*r, *h) for r, h in zip(read, map(tuple, held), strict=True)]


def test_rows_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    with engine.begin() as conn:
        metric_pk = _metric(conn)
        rows = [_statistic(n, metric_pk) for n in range(7)]
        conn.execute(insert(STATISTIC), [r | {"id": "a" + r["id"]} for r in rows])
        execute_many(conn, insert(STATISTIC), [r | {"id": "b" + r["id"]} for r in rows])
        execute_many(conn, insert(STATISTIC), [])  # nothing to write: nothing written
    by_sqlalchemy, by_driver = _stored(engine, "as-"), _stored(engine, "bs-")
    assert len(by_driver) == 7
    assert by_driver == by_sqlalchemy


def test_many_rows_to_an_insert_are_stored_in_their_order(engine: Engine) -> None:
    """More rows than one insert carries: whole inserts of ROWS_PER_INSERT and a remainder,
    stored as SQLAlchemy stores them, each row's key given in the order of the rows (here not
    the order of their ids). A datetime in a date column is written as SQLAlchemy writes it."""
    count = 2 * ROWS_PER_INSERT + 3
    order = [(n * 7) % count for n in range(count)]  # every n once, out of order
    with engine.begin() as conn:
        metric_pk = _metric(conn)
        rows = [
            _statistic(n, metric_pk, period_end=datetime(2017, 6, 30, 12, 5) if n % 5 else None)
            for n in order
        ]
        conn.execute(insert(STATISTIC), [r | {"id": "a" + r["id"]} for r in rows])
        execute_many(conn, insert(STATISTIC), [r | {"id": "b" + r["id"]} for r in rows])
        given = conn.execute(
            select(STATISTIC.c.id).where(STATISTIC.c.id.like("b%")).order_by(STATISTIC.c.pk)
        ).scalars()
        assert list(given) == ["b" + r["id"] for r in rows]
    assert _stored(engine, "bs-") == _stored(engine, "as-")
    assert len(_stored(engine, "bs-")) == count


def test_an_update_for_many_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        metric_pk = _metric(conn)
        execute_many(conn, insert(STATISTIC), [_statistic(n, metric_pk) for n in range(3)])
        pks = dict(conn.execute(select(STATISTIC.c.id, STATISTIC.c.pk)).all())
        execute_many(
            conn,
            _STORE_DOCUMENT,
            [
                {"row_pk": pks["s-0"], "document": '{"a": 1}'},
                {"row_pk": pks["s-2"], "document": "x"},
            ],
        )
        documents = dict(conn.execute(select(STATISTIC.c.id, STATISTIC.c.document)).all())
    assert documents == {"s-0": '{"a": 1}', "s-1": None, "s-2": "x"}


def test_a_column_the_rows_leave_out_gets_its_default(engine: Engine) -> None:
    """`stage` is not given: the table's default fills it in, as SQLAlchemy would."""
    rows = [
        {"type": "statistic", "ref_id": f"s-{n}", "title": "t", "body": "b", "url": "/u"}
        for n in range(3)
    ]
    with engine.begin() as conn:
        execute_many(conn, insert(SEARCH), rows)
        stages = conn.execute(select(SEARCH.c.ref_id, SEARCH.c.stage).order_by(SEARCH.c.ref_id))
        assert stages.all() == [("s-0", 0), ("s-1", 0), ("s-2", 0)]

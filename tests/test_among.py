"""`Among` (app/queries/common.py): a column's value is one of a list given when the statement
runs. Each database reads the list its own way (SQLite `IN (...)`, PostgreSQL one array); the
rows found are the same: those whose value is listed, whatever the list's length, and none for
an empty list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, create_engine, event, select

from app.models import Statistic
from app.queries.common import Among

STATISTIC = Statistic.__table__  # type: ignore[attr-defined]
BY_ID = select(STATISTIC.c.id).where(Among(STATISTIC.c.id, "ids")).order_by(STATISTIC.c.id)
BY_PK = select(STATISTIC.c.id).where(Among(STATISTIC.c.pk, "pks")).order_by(STATISTIC.c.id)


def _stored(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(STATISTIC.c.pk, STATISTIC.c.id)).all())


def test_among_finds_the_listed_rows_and_no_others(seeded_url: str) -> None:
    engine = create_engine(seeded_url)
    try:
        with engine.connect() as conn:
            stored = _stored(conn)
            ids = sorted(stored.values())
            assert len(ids) > 40  # the real seed's statistics: lists of one to all of them
            for listed in ([], ids[:1], ids[::2], ids, [*ids, "no-such-statistic"]):
                expected = sorted(set(listed) & set(ids))
                assert list(conn.execute(BY_ID, {"ids": listed}).scalars()) == expected
            # two statements of one shape, on different columns, are not mistaken for each other
            # (each is kept compiled by what it reads)
            pks = sorted(stored)[:3]
            assert list(conn.execute(BY_PK, {"pks": pks}).scalars()) == sorted(
                stored[pk] for pk in pks
            )
            assert list(conn.execute(BY_ID, {"ids": ids[:2]}).scalars()) == ids[:2]
    finally:
        engine.dispose()


def test_sqlite_finds_the_listed_rows_by_their_index(sqlite_seeded_url: str) -> None:
    """The list is a condition SQLite looks up in the key's index, not a test of every row (as
    `x IN (...) = 1` would be)."""
    engine = create_engine(sqlite_seeded_url)
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    try:
        with engine.connect() as conn:
            pks = sorted(_stored(conn))[:3]
            event.listen(conn, "before_cursor_execute", keep)
            conn.execute(BY_PK, {"pks": pks})
            event.remove(conn, "before_cursor_execute", keep)
            statement, parameters = sent[-1]
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            )
        assert "PRIMARY KEY" in plan, plan
        assert "SCAN statistic" not in plan, plan
    finally:
        engine.dispose()

"""Pieces every resource query shares: paging, citations, text matching, source filters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
)

from app.dates import format_partial
from app.models import Citation, Meeting, Milestone, Provision, Source, Statistic
from app.pagination import Sort, encode_cursor
from app.vocabulary import source_text_url

CITATION = Citation.__table__  # type: ignore[attr-defined]
SOURCE = Source.__table__  # type: ignore[attr-defined]
FACT_TABLES: dict[str, Any] = {
    "statistic": Statistic.__table__,  # type: ignore[attr-defined]
    "provision": Provision.__table__,  # type: ignore[attr-defined]
    "meeting": Meeting.__table__,  # type: ignore[attr-defined]
    "milestone": Milestone.__table__,  # type: ignore[attr-defined]
}


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor_values: list[Any] | None
    sort: Sort


@dataclass
class PageResult:
    rows: list[Any]
    next_cursor: str | None


_PAGE_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}
_PAGE_STATEMENTS_KEPT = 1024


# No statement carries more bound parameters than this: PostgreSQL refuses more than 65,535 and
# SQLite 32,766, and a CSV of everything can name every row. `IN` lists are sent in batches.
IN_BATCH = 1000


def batches(values: Iterable[Any]) -> Iterator[list[Any]]:
    """`values` in lists of at most IN_BATCH, for `column.in_(batch)`."""
    items = list(values)
    for start in range(0, len(items), IN_BATCH):
        yield items[start : start + IN_BATCH]


def run_page(
    conn: Connection,
    stmt: Select[Any] | Callable[[], Select[Any]],
    page: PageRequest | None,
    sort: Sort,
    params: dict[str, Any] | None = None,
    shape: tuple[Any, ...] | None = None,
) -> PageResult:
    """Order `stmt` by `sort`, resume after the cursor, and fetch one page (all rows if no page).

    With `shape` (what makes `stmt` differ, its values being bound `params`), the finished
    statement is kept and reused, and `stmt` may be a function that builds it on first use:
    building and hashing a statement costs more than running it."""
    labels = [f"_sort{i}" for i in range(len(sort.keys))]
    resume = page is not None and page.cursor_values is not None
    key = None if shape is None else (*shape, sort.text, page is None, resume)
    final = _PAGE_STATEMENTS.get(key) if key is not None else None
    if final is None:
        base = stmt() if callable(stmt) else stmt
        final = base.add_columns(
            *[field.key.label(label) for (field, _), label in zip(sort.keys, labels, strict=True)]
        ).order_by(*sort.ordering)
        if resume:
            final = final.where(sort.after)
        if page is not None:
            final = final.limit(bindparam("_limit"))
        if key is not None:
            if len(_PAGE_STATEMENTS) >= _PAGE_STATEMENTS_KEPT:
                _PAGE_STATEMENTS.clear()
            _PAGE_STATEMENTS[key] = final
    values = dict(params or {})
    if page is None:
        return PageResult(list(conn.execute(final, values).mappings().all()), None)
    if page.cursor_values is not None:
        values |= sort.after_params(page.cursor_values)
    values["_limit"] = page.limit + 1
    rows = list(conn.execute(final, values).mappings().all())
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_cursor = encode_cursor(sort, [last[label] for label in labels])
    return PageResult(rows, next_cursor)


def citations_for(
    conn: Connection, fact: str, pks: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """The citations of the given facts (`fact` is statistic, provision, meeting or milestone)."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not pks:
        return grouped
    column = CITATION.c[f"{fact}_pk"]
    stmt = (
        select(
            column.label("fact_pk"),
            SOURCE.c.id.label("source_id"),
            CITATION.c.quote,
            CITATION.c.start_offset,
            CITATION.c.end_offset,
            CITATION.c.prefix,
            CITATION.c.suffix,
        )
        .join(SOURCE, SOURCE.c.pk == CITATION.c.source_pk)
        .where(column.in_(bindparam("pks", expanding=True)))
        .order_by(column, CITATION.c.position)
    )
    for batch in batches(pks):
        for row in conn.execute(stmt, {"pks": batch}).mappings():
            grouped[row["fact_pk"]].append(citation_public(row))
    return grouped


def citation_public(row: Any) -> dict[str, Any]:
    start, end = row["start_offset"], row["end_offset"]
    return {
        "source_id": row["source_id"],
        "quote": row["quote"],
        "start": start,
        "end": end,
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "url": f"{source_text_url(row['source_id'])}#char={start},{end}",
    }


def cited_by(fact: str, fact_pk: ColumnElement[Any], source_id: Any) -> ColumnElement[bool]:
    """Facts with at least one citation of the source `source_id`."""
    return exists(
        select(CITATION.c.pk)
        .join(SOURCE, SOURCE.c.pk == CITATION.c.source_pk)
        .where(CITATION.c[f"{fact}_pk"] == fact_pk, SOURCE.c.id == source_id)
    )


def like_pattern(q: str) -> str:
    """The LIKE pattern matching `q` anywhere, case-insensitively (`\\` escapes)."""
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains_pattern(pattern: Any, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows where any of the columns, lowercased, is LIKE `pattern` (see like_pattern)."""
    return or_(*[func.lower(func.coalesce(c, "")).like(pattern, escape="\\") for c in columns])


def contains_text(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Case-insensitive substring match of `q` in any of the columns."""
    return contains_pattern(like_pattern(q), *columns)


def partial(row: Any, column: str) -> dict[str, Any]:
    """A stored partial date as its public pair: `column` and `column_precision`."""
    precision = row[f"{column}_precision"]
    return {column: format_partial(row[column], precision), f"{column}_precision": precision}


def number(value: float) -> int | float:
    """Whole numbers as integers, so 27600000000 is never shown as 27600000000.0."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


@dataclass(frozen=True)
class SourceCitation:
    """One citation of a source, with the fact it belongs to."""

    start: int
    end: int
    fact_type: str
    fact_id: str
    position: int
    title: str
    as_reported: str | None  # statistics only
    source_error: dict[str, str] | None = None  # statistics only: the sentence is judged garbled


def source_citations(conn: Connection, source_pk: int) -> list[SourceCitation]:
    """Every citation of one source, in text order, whatever kind of fact makes it."""
    found: list[SourceCitation] = []
    for fact, table in FACT_TABLES.items():
        is_statistic = fact == "statistic"
        stmt = (
            select(
                CITATION.c.start_offset,
                CITATION.c.end_offset,
                table.c.id,
                CITATION.c.position,
                table.c.label if is_statistic else table.c.title,
                table.c.as_reported if is_statistic else literal(None),
                table.c.source_error if is_statistic else literal(None),
            )
            .join(table, table.c.pk == CITATION.c[f"{fact}_pk"])
            .where(CITATION.c.source_pk == source_pk)
        )
        found.extend(
            SourceCitation(r[0], r[1], fact, r[2], r[3], r[4], r[5], r[6])
            for r in conn.execute(stmt)
        )
    return sorted(found, key=lambda c: (c.start, c.end, c.fact_type, c.fact_id, c.position))

"""The search corpus: one row per source text and per fact, kept by the loader.

Each database indexes it with its own engine, created by the migrations: an FTS5 table
`search_fts` on SQLite, a generated `tsv` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

SearchType = Literal[
    "source",
    "statistic",
    "provision",
    "meeting",
    "milestone",
    "person",
    "organization",
    "statement",
]


class SearchDocument(SQLModel, table=True):
    """One version of a document. A fact whose sources were published on different days has one
    per version (migration 0018): `stage` 0 is the document as it stands, which a search without
    `as_of` reads; 1, 2, ... are the earlier versions in date order. Each holds, under `as_of`,
    from `first_published` to the day before `until` (None: from then on); a version with a
    `first_published` of None holds under no `as_of` (it rests on an undated source)."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("type", "ref_id", "stage"),)

    pk: int | None = Field(default=None, primary_key=True)
    type: str
    ref_id: str
    stage: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    first_published: date | None = Field(default=None, index=True)
    until: date | None = None
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    url: str


class SearchHit(SQLModel):
    type: SearchType = Field(description="What was found.")
    id: str = Field(description="Its id.")
    title: str = Field(description="Its title or label.")
    url: str = Field(description="Its relative path.")
    snippet: str = Field(
        description="Matching text: matches wrapped in <mark>…</mark>, everything else "
        "HTML-escaped."
    )
    score: float = Field(description="Relevance by the database's ranking (higher is better).")


class TimelineItem(SQLModel):
    date: str = Field(description="When it starts, ISO 8601 at its precision.")
    date_precision: Literal["day", "month", "year"] = Field(
        description="How precisely the date is known: `year`, `month` or `day`."
    )
    end_date: str | None = Field(default=None, description="When it ends, if it spans days.")
    end_date_precision: Literal["day", "month", "year"] | None = Field(
        default=None, description="How precisely the date is known: `year`, `month` or `day`."
    )
    type: Literal["meeting", "milestone", "provision", "statement"] = Field(
        description="`provision` items are deadlines; `statement` items are dated as their "
        "`date_basis` says."
    )
    id: str = Field(description="The item's id among its type's resources.")
    title: str = Field(description="What happened, in a phrase.")
    url: str = Field(description="The item's relative path.")


class FacetCount(SQLModel, table=True):
    """How many rows of a whole list hold each value of a faceted column, counted by the loader:
    a list asked for facets with no filter reads these instead of grouping every row."""

    __tablename__ = "facet_count"
    __table_args__ = (UniqueConstraint("facet", "position"),)

    pk: int | None = Field(default=None, primary_key=True)
    facet: str = Field(index=True)  # table.column
    position: int
    value: str | None = None
    count: int

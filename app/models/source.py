"""Sources: the originating documents, served byte for byte."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.types import Code, NonEmpty, SeedDate, Slug


class SourceSeed(BaseModel):
    """One document's metadata in seed/sources.yaml; `file` names its text beside it."""

    model_config = ConfigDict(extra="forbid")

    id: Slug
    file: NonEmpty
    sha256: str = PField(pattern=r"^[0-9a-f]{64}$")
    title: NonEmpty
    publisher: str | None = None
    publisher_id: Slug | None = None
    author: str | None = None
    kind: Code
    published_on: SeedDate | None = None
    published_on_note: str | None = None
    original_url: str | None = None
    language: str = PField(default="en", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")


class SourceBase(SQLModel):
    title: str = Field(description="The document's title.")
    publisher: str | None = Field(index=True, default=None, description="Who published it.")
    publisher_id: str | None = Field(
        default=None, description="The publisher's id among the organisations."
    )
    author: str | None = Field(default=None, description="Who wrote it, where known.")
    kind: str = Field(
        index=True,
        description="What sort of document it is.",
        schema_extra={"examples": ["fact_sheet", "news_article", "press_statement"]},
    )
    published_on_precision: Precision | None = Field(
        sa_type=String(8), default=None, description="How precisely `published_on` is known."
    )
    published_on_note: str | None = Field(
        default=None, description="Where the publication date comes from, when not from the text."
    )
    original_url: str | None = Field(
        default=None, description="Where the document was published, where known."
    )
    language: str = Field(description="BCP 47 language tag of the text.")
    sha256: str = Field(description="SHA-256 of the exact UTF-8 bytes of the text, hex.")
    length: int = Field(description="Length of the text in Unicode code points.")


class Source(SourceBase, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    published_on: date | None = None
    published_last: date | None = Field(
        default=None,
        index=True,
        description="The last day it may have been published (internal, for `as_of`).",
    )
    filename: str
    text: str = Field(sa_column=Column(Text, nullable=False))


class FactCounts(SQLModel):
    statistics: int = Field(description="Statistics citing this source.")
    provisions: int = Field(description="Provisions citing this source.")
    meetings: int = Field(description="Meetings citing this source.")
    milestones: int = Field(description="Milestones citing this source.")
    people: int = Field(description="People whose names or roles cite this source.")
    organizations: int = Field(description="Organisations whose names cite this source.")
    statements: int = Field(description="Statements citing this source.")


class SourcePublic(SourceBase):
    id: str = Field(description="Stable slug of the source.")
    url: str = Field(description="This resource's own relative path.")
    published_on: str | None = Field(
        default=None,
        description="Publication date in ISO 8601 at its precision (2017, 2017-07, 2017-07-06).",
    )
    text_url: str = Field(description="Relative path of the exact text.")
    fact_counts: FactCounts = Field(description="How many facts of each kind cite this source.")

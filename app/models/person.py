"""People: each once, with every name and role as each source states it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.dates import Precision
from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.names import NamedRow, NamePublic, NameSeed
from app.models.organization import LinkPublic
from app.models.types import Iso3, NonEmpty, Slug


class RoleSeed(BaseModel):
    """A title and organisation as one source states them; `title` stands verbatim in `quote`."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    organization: Slug | None = None
    source: Slug
    quote: NonEmpty
    occurrence: int | None = PField(default=None, ge=1)

    def citation(self) -> CitationSeed:
        return CitationSeed(source=self.source, quote=self.quote, occurrence=self.occurrence)


class PersonSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: NonEmpty
    country: Iso3 | None = None
    note: str | None = None
    names: list[NameSeed] = PField(min_length=1)
    roles: list[RoleSeed] = PField(default_factory=list)

    @property
    def citations(self) -> list[CitationSeed]:
        """Names first, then roles: the order of the person's stored citations."""
        return [n.citation() for n in self.names] + [r.citation() for r in self.roles]

    def citation_path(self, position: int) -> tuple[Any, ...]:
        if position < len(self.names):
            return ("names", position, "quote")
        return ("roles", position - len(self.names), "quote")


class PersonBase(SQLModel):
    name: str = Field(description="The curator's label: the fullest form a source prints.")
    country: str | None = Field(index=True, default=None, description="ISO 3166-1 alpha-3 code.")
    note: str | None = Field(
        default=None, sa_column=Column(Text), description="The curator's note, if any."
    )


class Person(PersonBase, NamedRow, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)


class PersonRole(SQLModel, table=True):
    """One role of a person as one source states it (a row, so organisations can list people)."""

    __tablename__ = "person_role"
    __table_args__ = (UniqueConstraint("person_pk", "position"),)

    pk: int | None = Field(default=None, primary_key=True)
    person_pk: int = Field(
        sa_column=Column(
            Integer, ForeignKey("person.pk", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int
    title: str | None = None
    organization_id: str | None = Field(default=None, sa_type=String(120), index=True)
    source_id: str
    citation_position: int


class RolePublic(SQLModel):
    title: str | None = Field(
        default=None, description="The title exactly as the source prints it."
    )
    organization_id: str | None = Field(default=None, description="The organisation, if stated.")
    organization_url: str | None = Field(default=None, description="Its relative path.")
    source_id: str = Field(description="The source that states the role.")
    stated_on: str | None = Field(
        default=None, description="The date of that source (ISO 8601 at its precision)."
    )
    stated_on_precision: Precision | None = Field(
        default=None, description="How precisely `stated_on` is known."
    )
    citation: CitationPublic = Field(description="Where the role stands in the source.")


class PersonPublic(PersonBase):
    id: str = Field(description="Stable slug of the person.")
    url: str = Field(description="This resource's own relative path.")
    names: list[NamePublic] = Field(
        description="Every form of the name a source prints, each cited; misspellings noted."
    )
    roles: list[RolePublic] = Field(
        description="Every title and organisation as a source states it, dated by the source."
    )
    meetings: list[LinkPublic] = Field(description="Meetings the person took part in.")
    statements: list[LinkPublic] = Field(description="Statements the person made.")
    statistics: list[LinkPublic] = Field(
        description="Statistics attributed to the person or stated in their statements."
    )
    citations: list[CitationPublic] = Field(
        description="Where the names and roles stand: names first, then roles."
    )

"""Organisations: ministries, agencies, companies and publishers, with every name a source uses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.models.citation import CitationPublic, CitationSeed, FirstPublished
from app.models.names import NameConflictPublic, NamedRow, NamePublic, NameSeed
from app.models.types import Code, Iso3, NonEmpty, Slug


class OrganizationSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: NonEmpty
    kind: Code
    country: Iso3 | None = None
    note: str | None = None
    names: list[NameSeed]

    @property
    def citations(self) -> list[CitationSeed]:
        return [n.citation() for n in self.names]

    def citation_path(self, position: int) -> tuple[Any, ...]:
        return ("names", position, "quote")


class OrganizationBase(SQLModel):
    name: str = Field(description="The curator's label for the organisation.")
    kind: str = Field(
        index=True,
        description="What sort of organisation.",
        schema_extra={"examples": ["ministry", "agency", "company", "publisher"]},
    )
    country: str | None = Field(
        index=True,
        default=None,
        description="ISO 3166-1 alpha-3 code, where the texts make it plain.",
    )
    note: str | None = Field(
        default=None, sa_column=Column(Text), description="The curator's note, if any."
    )


class Organization(OrganizationBase, NamedRow, FirstPublished, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    name_conflict: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class LinkPublic(SQLModel):
    id: str = Field(description="The linked resource's id.")
    url: str = Field(description="The linked resource's relative path.")


class OrganizationPublic(OrganizationBase):
    id: str = Field(description="Stable slug of the organisation.")
    url: str = Field(description="This resource's own relative path.")
    names: list[NamePublic] = Field(description="Every name a source uses, each cited.")
    name_conflict: NameConflictPublic | None = Field(
        default=None,
        description="Set when sources give different full names: the disagreement, unresolved.",
    )
    people: list[LinkPublic] = Field(description="People with a role in it, as a source states.")
    statements: list[LinkPublic] = Field(
        description="Statements it made, or that a person made in its name."
    )
    published_sources: list[LinkPublic] = Field(description="Sources it published.")
    citations: list[CitationPublic] = Field(description="Where its names stand, in order.")

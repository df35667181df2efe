"""Names in the texts: the curator's exclusions (a name that is not about KORUS, with the
reason) and, once loaded, every name the mention scanner found with what it resolves to."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import NonEmpty, Slug


class MentionExclusionSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    source: Slug
    mention: NonEmpty = PField(description="The name exactly as the mention scanner finds it.")
    reason: NonEmpty


class NameMention(SQLModel, table=True):
    """One name the mention scanner found in a source, as the loader recorded it."""

    __tablename__ = "name_mention"
    __table_args__ = (UniqueConstraint("source_pk", "position"),)

    pk: int | None = Field(default=None, primary_key=True)
    source_pk: int = Field(
        sa_column=Column(
            Integer, ForeignKey("source.pk", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_type=String(16))
    entity_type: str | None = Field(default=None, sa_type=String(16))
    entity_id: str | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text))


class EntityRef(SQLModel):
    type: Literal["person", "organization"] = Field(description="`person` or `organization`.")
    id: str = Field(description="Its id.")
    url: str = Field(description="Its relative path.")


class NameMentionPublic(SQLModel):
    text: str = Field(description="The name as printed.")
    start: int = Field(description="Offset of its first code point in the source text.")
    end: int = Field(description="Offset just past its last code point.")
    status: Literal["resolved", "excluded"] = Field(
        description="`resolved` to a person or organisation, or `excluded` with a reason (a "
        "loaded seed has no unresolved name)."
    )
    entity: EntityRef | None = Field(default=None, description="Who it names, when resolved.")
    reason: str | None = Field(default=None, description="The curator's reason, when excluded.")

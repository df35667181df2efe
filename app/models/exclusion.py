"""Exclusions: a curator's stated reason for leaving a figure mention without a fact."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.models.types import NonEmpty, Slug


class ExclusionSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    source: Slug
    mention: NonEmpty = PField(description="The mention's text exactly as the scanner finds it.")
    occurrence: int | None = PField(
        default=None, ge=1, description="Which mention with this text (1-based); all if omitted."
    )
    reason: NonEmpty


class Exclusion(SQLModel, table=True):
    __tablename__ = "coverage_exclusion"

    pk: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    source_pk: int = Field(foreign_key="source.pk", index=True)
    mention: str
    occurrence: int | None = None
    reason: str = Field(sa_column=Column(Text, nullable=False))

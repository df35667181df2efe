"""The public shape of a source's coverage: every figure mention and what accounts for it."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Field, SQLModel

from app.models.mention import NameMentionPublic


class FactRef(SQLModel):
    type: Literal[
        "statistic", "provision", "meeting", "milestone", "person", "organization", "statement"
    ] = Field(description="Kind of fact.")
    id: str = Field(description="Id of the fact.")
    url: str = Field(description="Relative path of the fact.")


class MentionPublic(SQLModel):
    text: str = Field(description="The mention, verbatim.")
    kind: Literal["money", "percent", "count", "rank", "multiple"] = Field(
        description="What sort of figure it is."
    )
    start: int = Field(description="Offset of its first code point in the source text.")
    end: int = Field(description="Offset just past its last code point.")
    approximate: bool = Field(description="True when hedged in the text ('nearly', 'about').")
    year: int | None = Field(default=None, description="A year in the same sentence, if any.")
    status: Literal["cited", "excluded", "uncovered"] = Field(
        description="cited by a fact, excluded with a reason, or uncovered."
    )
    facts: list[FactRef] = Field(description="The facts whose citations contain the mention.")
    reason: str | None = Field(default=None, description="The curator's reason, when excluded.")


class CoverageSummary(SQLModel):
    mentions: int = Field(description="Figure mentions the scanner finds in the text.")
    cited: int = Field(description="Mentions cited by at least one fact.")
    excluded: int = Field(description="Mentions left out on purpose, each with a reason.")
    uncovered: int = Field(description="Mentions neither cited nor excluded (0 in a loaded seed).")
    names: int = Field(description="Names of people and organisations the name scanner finds.")
    names_resolved: int = Field(description="Names resolved to a person or organisation.")
    names_excluded: int = Field(description="Names left out on purpose, each with a reason.")


class CoveragePublic(SQLModel):
    source_id: str = Field(description="The source scanned.")
    url: str = Field(description="This resource's own relative path.")
    summary: CoverageSummary = Field(description="Counts by status.")
    mentions: list[MentionPublic] = Field(description="Every figure mention, in text order.")
    names: list[NameMentionPublic] = Field(
        description="Every name of a person or organisation, in text order."
    )

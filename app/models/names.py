"""Names as sources print them: each form verbatim, with the quote it stands in.

People and organisations share this: a person or an organisation exists once, and every name a
source uses for it is kept, cited, with its form (a misspelling is kept as printed and noted).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import JSON, Text
from sqlmodel import Field, SQLModel

from app.models.citation import CitationPublic, CitationSeed
from app.models.types import NonEmpty, Slug

NameForm = Literal["name", "short", "abbreviation", "publication", "misspelling"]
# Whether a date is when the thing happened or only when a source reported it (no later).
DateBasis = Literal["event", "reported"]


class NameSeed(BaseModel):
    """One name as one source prints it; `name` must stand verbatim in `quote`."""

    model_config = ConfigDict(extra="forbid")

    name: NonEmpty
    form: NameForm = "name"
    source: Slug
    quote: NonEmpty
    occurrence: int | None = PField(default=None, ge=1)
    note: str | None = None

    def citation(self) -> CitationSeed:
        return CitationSeed(source=self.source, quote=self.quote, occurrence=self.occurrence)


class NamedRow(SQLModel):
    """The columns people and organisations share: every printed name."""

    names: list[dict[str, Any]] = Field(sa_type=JSON, nullable=False)
    aliases: str = Field(
        sa_type=Text, nullable=False, description="Every printed name, one per line (for `q`)."
    )


class NamePublic(SQLModel):
    name: str = Field(description="The name exactly as the source prints it.")
    form: NameForm = Field(
        description="`name` (a full name), `short`, `abbreviation`, `publication` (a title the "
        "organisation publishes) or `misspelling` (kept as printed; see `note`)."
    )
    source_id: str = Field(description="The source that uses this name.")
    note: str | None = Field(default=None, description="The curator's note on this name.")
    citation: CitationPublic = Field(description="Where the name stands in the source.")


class NameConflictPublic(SQLModel):
    names: list[str] = Field(description="The differing full names, as printed.")
    source_ids: list[str] = Field(description="The sources that use them, in the same order.")


def name_conflict(names: list[NameSeed]) -> dict[str, list[str]] | None:
    """Full names (form `name`) that differ between sources, or None when they agree."""
    by_name: dict[str, str] = {}
    for n in names:
        if n.form == "name":
            by_name.setdefault(n.name, n.source)
    if len({_folded(n) for n in by_name}) < 2:
        return None
    return {"names": list(by_name), "source_ids": list(by_name.values())}


def _folded(name: str) -> str:
    # "U.S." and "US", or a difference of case, are one name written two ways, not a conflict
    return "".join(ch for ch in name.casefold() if ch.isalnum())

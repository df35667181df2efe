"""Citations: the exact characters of a source that a fact rests on."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.types import NonEmpty, Slug


class CitationSeed(BaseModel):
    """A curator's citation: the quote as it stands in the text; the loader finds its offsets."""

    model_config = ConfigDict(extra="forbid")

    source: Slug
    quote: NonEmpty
    occurrence: int | None = PField(
        default=None,
        ge=1,
        description="Which occurrence of the quote is meant (1-based), if it recurs.",
    )


class FirstPublished(SQLModel):
    """The column every cited fact's table shares: the earliest day by which a source citing it
    was surely published (the loader's), which `as_of` compares."""

    first_published: date | None = Field(
        default=None,
        index=True,
        description="The earliest last day any source citing it may have been published "
        "(internal, for `as_of`).",
    )


def _fact_fk(table: str) -> Column[int]:
    return Column(Integer, ForeignKey(f"{table}.pk", ondelete="CASCADE"), nullable=True, index=True)


class Citation(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint(
            "statistic_pk",
            "provision_pk",
            "meeting_pk",
            "milestone_pk",
            "person_pk",
            "organization_pk",
            "statement_pk",
            "position",
            name="uq_citation_fact_position",
        ),
    )

    pk: int | None = Field(default=None, primary_key=True)
    source_pk: int = Field(foreign_key="source.pk", index=True)
    statistic_pk: int | None = Field(default=None, sa_column=_fact_fk("statistic"))
    provision_pk: int | None = Field(default=None, sa_column=_fact_fk("provision"))
    meeting_pk: int | None = Field(default=None, sa_column=_fact_fk("meeting"))
    milestone_pk: int | None = Field(default=None, sa_column=_fact_fk("milestone"))
    person_pk: int | None = Field(default=None, sa_column=_fact_fk("person"))
    organization_pk: int | None = Field(default=None, sa_column=_fact_fk("organization"))
    statement_pk: int | None = Field(default=None, sa_column=_fact_fk("statement"))
    position: int
    quote: str = Field(sa_column=Column(Text, nullable=False))
    start_offset: int
    end_offset: int
    prefix: str = Field(sa_column=Column(Text, nullable=False))
    suffix: str = Field(sa_column=Column(Text, nullable=False))


class CitationPublic(SQLModel):
    """Where a fact stands in its source: a W3C TextQuoteSelector and TextPositionSelector."""

    source_id: str = Field(description="Id of the cited source.")
    quote: str = Field(description="The cited characters, verbatim.")
    start: int = Field(description="Offset of the quote's first code point in the source text.")
    end: int = Field(
        description="Offset just past the quote's last code point: text[start:end] == quote."
    )
    prefix: str = Field(description="Up to 32 code points of the text before the quote.")
    suffix: str = Field(description="Up to 32 code points of the text after the quote.")
    url: str = Field(
        description="The cited span as an RFC 5147 fragment of the source's text endpoint.",
        schema_extra={
            "examples": ["/v1/sources/whitehouse-fact-sheet-2018-03-28/text#char=312,377"]
        },
    )


class ReferencePublic(SQLModel):
    source_id: str = Field(description="The source the reference names.")
    text: str = Field(description="The reference in the chosen style, as plain text.")
    html: str = Field(description="The same reference as HTML (italics marked up).")
    csl: dict[str, Any] = Field(description="The reference as one CSL-JSON item.")
    pinpoint: CitationPublic | None = Field(
        default=None, description="The exact span the fact rests on (null when citing a source)."
    )


class CitationSetPublic(SQLModel):
    id: str = Field(description="The cited resource's id.")
    type: str = Field(description="The cited resource's type.")
    permalink: str = Field(description="The resource's absolute address on this server.")
    style: str = Field(description="The CSL style of `text` and `html`.")
    dataset_version: str | None = Field(description="The dataset the citation was made from.")
    references: list[ReferencePublic] = Field(
        description="One reference per citation of a fact (one for a source)."
    )
    bibtex: str = Field(description="Every reference as BibTeX.")
    ris: str = Field(description="Every reference as RIS.")

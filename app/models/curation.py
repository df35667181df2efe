"""The vocabulary of curators' judgements: the rules a curator may set aside for one statistic
(with the reason, which the API shows), and the mark of a sentence judged garbled."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlmodel import Field, SQLModel

from app.models.types import NonEmpty

# The rules a curator may set aside for one statistic by stating why (`exemptions:` in
# statistics.yaml); app/seed/rules.py says what each one asks. An exemption that no longer sets
# anything aside is refused as stale.
RuleName = Literal["hedge_kept", "sign_matches_wording", "period_from_text", "metric_named"]


class SourceErrorSeed(BaseModel):
    """A curator's judgement that the sentence a figure rests on is garbled."""

    model_config = ConfigDict(extra="forbid")

    literal_reading: NonEmpty
    likely_reading: NonEmpty
    why: NonEmpty


class SourceErrorPublic(SQLModel):
    literal_reading: str = Field(description="What the sentence says, read as written.")
    likely_reading: str = Field(
        description="What the curator judges the source most likely meant (a judgement, not the "
        "source's words)."
    )
    why: str = Field(description="The evidence for the judgement.")


class ExemptionPublic(SQLModel):
    rule: RuleName = Field(description="The curation rule set aside for this fact.")
    reason: str = Field(description="The curator's reason.")


class CheckSourceErrorPublic(SourceErrorPublic):
    statistic_id: str = Field(description="The statistic whose sentence is judged garbled.")

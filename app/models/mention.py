"""Mention exclusions: a curator's reason for leaving a name in a text without a person or
organisation (it is not about KORUS). Seed-only: `korus-facts check` reads them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField

from app.models.types import NonEmpty, Slug


class MentionExclusionSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    source: Slug
    mention: NonEmpty = PField(description="The name exactly as the mention scanner finds it.")
    reason: NonEmpty

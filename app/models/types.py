"""Annotated field types shared by the seed models."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema

from app.dates import PartialDate
from app.models.base import ISO3_PATTERN, SLUG_PATTERN

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]
Iso3 = Annotated[str, Field(pattern=ISO3_PATTERN)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
NonEmpty = Annotated[str, Field(min_length=1)]
SeedDate = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]

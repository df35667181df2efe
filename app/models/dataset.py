"""The loaded dataset's identity: one row, replaced by every load that changes data."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Dataset(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    version: str = Field(description="Digest of everything loaded.")
    loaded_at: datetime

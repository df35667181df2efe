"""The loaded dataset's identity (one row, replaced by every load that changes data) and the
history of loads: what each added, changed and removed, for clients that sync."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Dataset(SQLModel, table=True):
    pk: int | None = Field(default=None, primary_key=True)
    version: str = Field(description="Digest of everything loaded.")
    loaded_at: datetime
    # Digest of the seed files and the code that loaded them (app/seed/files.py, seed_digest).
    seed_digest: str | None = None
    # The code that built the stored documents (app/identity.py): other code rebuilds them all.
    code_identity: str | None = None


class DatasetLoad(SQLModel, table=True):
    """One load that changed the data: what it added, changed (which fields) and removed."""

    __tablename__ = "dataset_load"

    pk: int | None = Field(default=None, primary_key=True)
    version: str = Field(index=True)
    previous_version: str | None = None
    loaded_at: datetime
    changes: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class ChangedFact(SQLModel):
    type: str = Field(description="The kind of resource.")
    id: str = Field(description="Its id.")
    url: str = Field(description="Its relative path (gone for removed ones).")
    fields: list[str] = Field(description="For a changed resource, the fields that changed.")


class ChangesPublic(SQLModel):
    since: str = Field(description="The dataset version the changes start from.")
    version: str | None = Field(description="The dataset version they lead to (the current).")
    loads: list[str] = Field(description="The versions loaded since, oldest first.")
    added: list[ChangedFact] = Field(description="Resources that did not exist at `since`.")
    changed: list[ChangedFact] = Field(description="Resources whose content changed.")
    removed: list[ChangedFact] = Field(description="Resources that no longer exist.")

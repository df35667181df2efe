"""Shared model plumbing: the constraint naming convention, set before any table exists."""

from __future__ import annotations

from sqlmodel import SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ISO3_PATTERN = r"^[A-Z]{3}$"
metadata = SQLModel.metadata

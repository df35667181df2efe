"""Alembic, called from code: migrate to head and ask whether a database is there.

Alembic is imported where it is used, not with this module: the API needs it only for /readyz,
and start-up time counts (docs/PERFORMANCE.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from app.config import ROOT
from app.vocabulary import SEARCH_INDEX, SEARCH_VERSIONS_INDEX

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(database_url: str, script_location: Path | None = None) -> Config:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(script_location or ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head", script_location: Path | None = None) -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url, script_location), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


@lru_cache
def head_revision(database_url: str) -> str | None:
    """The newest migration (the scripts do not change while a process runs)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


# Search index objects each database keeps outside the models (see app/models/search.py).
_NATIVE_SEARCH_TABLES = (SEARCH_INDEX, SEARCH_VERSIONS_INDEX)  # and their shadow tables

# The index of each list's default order (migration 0005), on the very expressions that
# app.pagination orders by: a nullable key is coalesced to the sentinel that sorts it last.
SORT_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ix_sort_statistic": ("statistic", ("metric_id", "coalesce(period_start, '9999-12-31')", "id")),
    "ix_sort_source": ("source", ("coalesce(published_on, '9999-12-31')", "id")),
    "ix_sort_provision": ("provision", ("category", "id")),
    "ix_sort_meeting": ("meeting", ("start_date", "id")),
    "ix_sort_milestone": ("milestone", ("date", "id")),
    "ix_sort_person": ("person", ("name", "id")),
    "ix_sort_organization": ("organization", ("name", "id")),
    "ix_sort_statement": ("statement", ("date", "id")),
    "ix_sort_series": ("series", ("metric_id", "id")),
}
# On SQLite the statistics' sort index also carries what a page reads (pk and the stored JSON),
# so that a page is a run of adjacent index entries, not one table lookup per row: at 10^6
# statistics the rows of a page lie on 51 different table pages. PostgreSQL's btree entries are
# limited to ~2.7 kB, which a document may exceed; there the heap lookups stay.
SQLITE_COVERING: dict[str, tuple[str, ...]] = {"ix_sort_statistic": ("pk", "document")}


def sort_index_sql(name: str, dialect: str) -> str:
    table, columns = SORT_INDEXES[name]
    if dialect == "sqlite":
        columns = (*columns, *SQLITE_COVERING.get(name, ()))
    return f"CREATE INDEX {name} ON {table} ({', '.join(columns)})"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """What model/migration comparisons consider: not the databases' own search machinery."""
    if type_ == "table" and name and name.startswith(_NATIVE_SEARCH_TABLES):
        return False
    if type_ == "column" and name in ("tsv", "spans"):
        return False
    return not (type_ == "index" and (name == "ix_search_document_tsv" or name in SORT_INDEXES))

"""Alembic environment: the schema comes only from here, on SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

import app.models  # noqa: F401  (registers every table)
from app.config import get_settings
from app.db import make_engine, serialise_writers, writing
from app.models.base import metadata
from app.schema import include_object

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transactional_ddl=True,
        include_object=include_object,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        # One migration at a time: a second `korus-facts migrate` (another replica starting)
        # waits, then finds the schema at head and does nothing.
        with writing(engine) as conn:
            _configure(conn)
            with context.begin_transaction():
                serialise_writers(conn)
                context.run_migrations()
    finally:
        engine.dispose()  # also when a migration fails, so no connection is left open


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Alembic environment: migrates the connection servicecoach hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from servicecoach.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # run from the alembic command line: servicecoach passes one
    from sqlalchemy import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as new_connection:
        _run(new_connection)
else:
    _run(connection)

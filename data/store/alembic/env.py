"""Alembic's environment for the plan store: migrate the connection handed over by
:mod:`salesflow.data.store.migrations` (``config.attributes["connection"]``).

The connection is inside the store's write transaction (which holds the store's write lock),
so every revision runs in that one transaction and commits or rolls back with it. SQLite
revisions alter tables in batch mode (copy and move), its only way to change a column.
"""

from __future__ import annotations

from alembic import context

from salesflow.data.store.schema import metadata


def run_migrations() -> None:
    """Configure Alembic on the given connection and run the requested revisions."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("the plan store's migrations run on a connection given by "
                           "salesflow.data.store.migrations, not from the alembic command")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

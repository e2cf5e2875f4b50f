"""Alembic environment: runs on a connection handed over by ``spinscope.store.migrate``.

Run from the package (not an alembic.ini) so an installed spinscope can migrate any database URL.
"""

from __future__ import annotations

from alembic import context

from spinscope.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via the alembic CLI with a URL
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or use spinscope.store.migrate(url)")
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()

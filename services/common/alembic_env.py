"""The body of every service's migrations/env.py: online migrations only."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, create_engine, pool, text


def run_migrations(target_metadata: MetaData) -> None:
    config = context.config
    url = config.attributes["database_url"]
    version_table = config.attributes["version_table"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas starting together: one migrates, the others wait here, then find
                # the schema at head and do nothing (PostgreSQL DDL is transactional).
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": version_table})
            context.run_migrations()
    engine.dispose()

"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.common.db import sync_url
from services.mailer.models import Base
from services.mailer.spec import SPEC


def test_migrations_from_empty_match_the_models(database_url_for) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(sync_url(database_url_for(SPEC)))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, Base.metadata) if "alembic_version" not in str(d)]
    finally:
        engine.dispose()
    assert diff == []

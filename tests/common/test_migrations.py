"""Each service's migrations build its schema from an empty database, and the
schema they build is exactly what its models declare (no drift)."""

from __future__ import annotations

import importlib
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.common.db import migrate, sync_url
from tests.conftest import PG_URL, _pg_admin, _pg_url

SERVICES = ["auth", "effecteurs", "sessions", "orders", "mailer"]


@pytest.fixture
def empty_database_url(tmp_path):  # type: ignore[no-untyped-def]
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"vaxempty_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(name)
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_build_the_schema_the_models_declare(name, empty_database_url) -> None:
    spec = importlib.import_module(f"services.{name}.spec").SPEC
    models = importlib.import_module(f"services.{name}.models")
    migrate(empty_database_url, spec.migrations_dir, f"alembic_version_{name}")
    # Running them again is a no-op (start-up migrates every time).
    migrate(empty_database_url, spec.migrations_dir, f"alembic_version_{name}")
    engine = create_engine(sync_url(empty_database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "version_table": f"alembic_version_{name}"}
            )
            diff = [d for d in compare_metadata(context, models.Base.metadata) if not _is_version_table(d)]
        assert diff == []
    finally:
        engine.dispose()


def _is_version_table(change) -> bool:  # type: ignore[no-untyped-def]
    return change[0] == "remove_table" and change[1].name.startswith("alembic_version")

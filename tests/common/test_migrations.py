"""Each service's migrations build its schema from an empty database, and the
schema they build is exactly what its models declare (no drift)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.common.db import migrate, sync_url
from tests.conftest import PG_URL, ROOT, empty_pg_database

SERVICES = ["auth", "effecteurs", "sessions", "orders", "mailer"]


@pytest.fixture
def empty_database_url(tmp_path):  # type: ignore[no-untyped-def]
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with empty_pg_database("vaxempty") as url:
        yield url


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


@pytest.mark.skipif(not PG_URL, reason="replicas share a PostgreSQL database; SQLite is one process")
@pytest.mark.parametrize("name", ["orders", "effecteurs"])
def test_replicas_migrating_at_once_leave_one_schema_and_no_error(name, empty_database_url) -> None:
    # Replicas are processes (Alembic's context is process-global): start three at once.
    script = (
        "import sys, importlib; from services.common.db import migrate; "
        f"spec = importlib.import_module('services.{name}.spec').SPEC; "
        f"migrate(sys.argv[1], spec.migrations_dir, 'alembic_version_{name}')"
    )
    replicas = [
        subprocess.Popen([sys.executable, "-c", script, empty_database_url], cwd=ROOT, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    for replica in replicas:
        _, stderr = replica.communicate(timeout=120)
        assert replica.returncode == 0, stderr.decode()[-2000:]
    models = importlib.import_module(f"services.{name}.models")
    engine = create_engine(sync_url(empty_database_url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": f"alembic_version_{name}"})
            assert [d for d in compare_metadata(context, models.Base.metadata) if not _is_version_table(d)] == []
    finally:
        engine.dispose()

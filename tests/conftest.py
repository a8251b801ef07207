"""Fixtures shared by every test: fresh migrated databases (SQLite, or
PostgreSQL when VAXORDERS_TEST_DATABASE_URL is set), the reference dataset.

A service's schema is built once per run by `alembic upgrade head` into a
template (an SQLite file, or a PostgreSQL template database), then every test
gets its own copy, so tests never see each other's rows.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from services.common.bootstrap import ServiceSpec
from services.common.db import migrate
from services.common.logging import configure_logging

# The local PSC issuer and its token helpers (fixture `psc`); the service-identity key pair
# and its token helpers (fixtures `service_identity`, `service_token`).
pytest_plugins = ["tests.support.psc", "tests.support.service_identity"]

ROOT = Path(__file__).resolve().parent.parent
DATASET_PATH = ROOT / "fixtures" / "reference-week.json"
PG_URL = os.environ.get("VAXORDERS_TEST_DATABASE_URL", "")
_counter = itertools.count()


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The JSON log lines every logger writes during the test."""
    stream = io.StringIO()
    configure_logging("tests", "json", "INFO", stream=stream)
    yield stream
    configure_logging("tests", "console", "INFO")


def log_events(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


@pytest.fixture(scope="session")
def dataset() -> dict:
    return json.loads(DATASET_PATH.read_text(encoding="utf-8"))


def _pg_admin() -> psycopg.Connection:
    url = make_url(PG_URL)
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname=url.database or "postgres",
        autocommit=True,
    )


def pg_connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """A bare psycopg connection to a test database given by its SQLAlchemy URL."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(plain, autocommit=autocommit)


def _pg_url(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def empty_pg_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped (even if still in use) on the
    way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """service name -> migrated template (file path or database name)."""
    made: dict[str, str] = {}
    yield made
    if PG_URL:
        with _pg_admin() as admin:
            for name in made.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_databases(
    _templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[ServiceSpec], str]]:
    """A function giving a fresh, migrated database URL for a service (one per call); the
    PostgreSQL databases are dropped on the way out."""
    created: list[str] = []
    run_id = uuid.uuid4().hex[:8]

    def make(spec: ServiceSpec) -> str:
        assert spec.migrations_dir is not None, f"{spec.name} has no database"
        n = next(_counter)
        if PG_URL:
            template = _templates.get(spec.name)
            if template is None:
                template = f"vaxtpl_{spec.name}_{run_id}"
                with _pg_admin() as admin:
                    admin.execute(f'CREATE DATABASE "{template}"')
                migrate(_pg_url(template), spec.migrations_dir, f"alembic_version_{spec.name}")
                _templates[spec.name] = template
            name = f"vaxtest_{spec.name}_{run_id}_{n}"
            with _pg_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            created.append(name)
            return _pg_url(name)
        template = _templates.get(spec.name)
        if template is None:
            path = tmp_path_factory.mktemp("templates") / f"{spec.name}.db"
            migrate(f"sqlite:///{path}", spec.migrations_dir, f"alembic_version_{spec.name}")
            template = _templates[spec.name] = str(path)
        copy = tmp_path_factory.mktemp("db") / f"{spec.name}-{n}.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"

    try:
        yield make
    finally:
        if PG_URL and created:
            with _pg_admin() as admin:
                for name in created:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url_for(
    _templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[ServiceSpec], str]]:
    """Returns a fresh, migrated database URL for a service (one per call)."""
    with fresh_databases(_templates, tmp_path_factory) as make:
        yield make

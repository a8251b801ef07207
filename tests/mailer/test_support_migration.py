"""Upgrading a mailer that already holds support requests: each gets the due time
it would have had, and the state OPEN; the model's columns are all there."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from services.common.db import sync_url
from services.common.timefmt import PARIS
from services.mailer.spec import SPEC
from tests.common.test_migrations import empty_database_url  # noqa: F401  (fixture)


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SPEC.migrations_dir))
    config.attributes["database_url"] = sync_url(url)
    config.attributes["version_table"] = "alembic_version_mailer"
    return config


def test_existing_requests_get_their_due_time(empty_database_url: str) -> None:  # noqa: F811
    config = _config(empty_database_url)
    command.upgrade(config, "0002")
    engine = create_engine(sync_url(empty_database_url))
    received = datetime(2022, 3, 5, 19, 30, tzinfo=PARIS)  # Saturday evening: due Monday 10:30
    try:
        with engine.begin() as connection:
            naive_utc = received.astimezone(PARIS).utcoffset()
            stored = (received - naive_utc).replace(tzinfo=None) if connection.dialect.name == "sqlite" else received
            connection.execute(
                text(
                    "INSERT INTO support_requests (id, contact_email, subject, body, about, created_by, message_id,"
                    " create_time) VALUES ('1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'a@example.test', 'Objet', 'Texte',"
                    " '', 'anonymous', 'm', :at)"
                ),
                {"at": stored},
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            state, due = connection.execute(text("SELECT state, due_time FROM support_requests")).one()
    finally:
        engine.dispose()
    assert state == "OPEN"
    due_utc = due if isinstance(due, datetime) else datetime.fromisoformat(str(due))
    expected = datetime(2022, 3, 7, 10, 30, tzinfo=PARIS)
    if due_utc.tzinfo is None:
        assert due_utc == (expected - expected.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]
    else:
        assert due_utc == expected

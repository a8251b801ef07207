"""What the logs carry: JSON lines at the configured level, never a secret."""

from __future__ import annotations

import io
import json

import structlog

from services.common.logging import configure_logging


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_events_below_the_level_are_not_written() -> None:
    stream = io.StringIO()
    configure_logging("orders", "json", "WARNING", stream=stream)
    try:
        log = structlog.get_logger("rpc")
        log.info("rpc", code="OK")
        log.warning("quota.table_missing", session="sessions/demo")
        assert [(e["event"], e["service"], e["level"]) for e in _lines(stream)] == [
            ("quota.table_missing", "orders", "warning")
        ]
    finally:
        configure_logging("tests", "console", "INFO")


def test_secrets_passed_to_a_logger_are_redacted() -> None:
    stream = io.StringIO()
    configure_logging("auth", "json", "INFO", stream=stream)
    try:
        structlog.get_logger("auth").info("login", token="eyJhbGciOi.secret.sig", refresh_token="r-secret", user="x")
        (event,) = _lines(stream)
        assert event["token"] == event["refresh_token"] == "[redacted]"
        assert "secret" not in stream.getvalue() and event["user"] == "x"
    finally:
        configure_logging("tests", "console", "INFO")

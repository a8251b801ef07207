"""The gateway's own database (web sessions) lost for a moment is a 503 the
client may retry, with Retry-After and a French message, never a 500; any other
unexpected error stays a 500 that says nothing of its cause."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import text
from starlette.requests import Request

from services.common.db import Database
from services.gateway.app import _on_unexpected


def _api_request() -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("127.0.0.1", 8080),
            "path": "/api/v1/me",
            "headers": [],
            "query_string": b"",
            "state": {"request_id": "3f1c9a52-6f0e-4d0b-9a5e-2d7c1b8e4a10"},
        }
    )


async def test_a_lost_gateway_database_is_a_503_to_retry() -> None:
    db = Database("postgresql://postgres@127.0.0.1:9/gateway")  # nothing listens: a database gone
    try:
        with pytest.raises(Exception) as caught:
            async with db.read() as session:
                await session.execute(text("SELECT 1"))
    finally:
        await db.dispose()
    assert isinstance(caught.value.__cause__ or caught.value, psycopg.OperationalError)

    response = await _on_unexpected(_api_request(), caught.value)

    assert response.status_code == 503
    assert response.headers["retry-after"]
    body = json.loads(bytes(response.body))
    assert body["reason"] == "DATABASE_UNAVAILABLE"
    assert "indisponible" in body["detail"]


async def test_any_other_unexpected_error_is_a_500_that_says_nothing_of_it() -> None:
    response = await _on_unexpected(_api_request(), RuntimeError("database password is hunter2"))
    assert response.status_code == 500
    assert "hunter2" not in bytes(response.body).decode()

"""request_id idempotency, stored in the same transaction as the write it guards.

A retried mutation with the same request_id finds its key and returns the
recorded outcome without writing again; the same id with a different payload
is refused. Each service declares the table on its own metadata.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import UTCDateTime
from services.common.errors import InvalidArgument


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("request_id", String(64), primary_key=True),
        Column("operation", String(64), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("result", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
    )


def check_request_id(request_id: str) -> str:
    """Empty (not retryable) or a UUID."""
    if not request_id:
        return ""
    try:
        return str(uuid.UUID(request_id))
    except ValueError as exc:
        raise InvalidArgument.field(
            "request_id", "L'identifiant de requête (request_id) doit être un UUID."
        ) from exc


async def previous_outcome(
    session: AsyncSession, table: Table, request_id: str, operation: str, fingerprint: str
) -> dict[str, Any] | None:
    if not request_id:
        return None
    row = (
        await session.execute(select(table.c.operation, table.c.fingerprint, table.c.result).where(table.c.request_id == request_id))
    ).first()
    if row is None:
        return None
    if row.operation != operation or row.fingerprint != fingerprint:
        raise InvalidArgument(
            "Cet identifiant de requête a déjà servi pour une autre demande.",
            reason="REQUEST_ID_REUSED",
            violations=[],
        )
    return json.loads(row.result)


async def remember_outcome(
    session: AsyncSession,
    table: Table,
    request_id: str,
    operation: str,
    fingerprint: str,
    result: dict[str, Any],
    now: datetime,
) -> None:
    if not request_id:
        return
    await session.execute(
        insert(table).values(
            request_id=request_id, operation=operation, fingerprint=fingerprint, result=json.dumps(result), created_at=now
        )
    )

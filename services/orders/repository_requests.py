"""SQL statements of vial requests."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.common import feeds
from services.orders.models import AnyRow, VialRequest, VialRequestEvent, table_of

REQUESTS = table_of(VialRequest)
EVENTS = table_of(VialRequestEvent)
PENDING = "PENDING"


async def insert_request(s: AsyncSession, **values: Any) -> AnyRow:
    row: AnyRow = (await s.execute(insert(REQUESTS).values(**values).returning(REQUESTS))).one()
    return row


async def get_request(s: AsyncSession, request_id: str) -> AnyRow | None:
    return (await s.execute(select(REQUESTS).where(REQUESTS.c.id == request_id))).first()


async def decide(
    s: AsyncSession,
    request_id: str,
    *,
    state: str,
    actor: str,
    now: datetime,
    new_etag: str,
    confirmed_vials: int = 0,
    reason: str = "",
    order_line: str = "",
    by_requester: bool = False,
) -> AnyRow | None:
    """Move a PENDING request to `state`; None when it was no longer pending (a
    concurrent decision won: on PostgreSQL the second writer waits on the row
    lock, then re-checks `state` on the committed row)."""
    values: dict[str, Any] = {"state": state, "etag": new_etag, "update_time": now}
    if not by_requester:
        values |= {
            "confirmed_vials": confirmed_vials,
            "decision_reason": reason,
            "decided_by": actor,
            "decide_time": now,
            "order_line": order_line,
        }
    result = await s.execute(
        update(REQUESTS)
        .where(REQUESTS.c.id == request_id, REQUESTS.c.state == PENDING)
        .values(**values)
        .returning(REQUESTS)
    )
    row: AnyRow | None = result.first()
    return row


def _state_condition(
    stored_state: str | None, in_sessions: Collection[str] | None, not_in_sessions: Collection[str] | None
) -> list[ColumnElement[bool]]:
    condition: list[ColumnElement[bool]] = []
    if stored_state is not None:
        condition.append(REQUESTS.c.state == stored_state)
    if in_sessions is not None:
        condition.append(REQUESTS.c.session_id.in_(list(in_sessions)))
    if not_in_sessions is not None:
        condition.append(REQUESTS.c.session_id.not_in(list(not_in_sessions)))
    return condition


async def list_requests(
    s: AsyncSession,
    *,
    finess: str | None,
    session_id: str | None,
    effecteur: str | None,
    stored_state: str | None,
    in_sessions: Collection[str] | None,
    not_in_sessions: Collection[str] | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[AnyRow]:
    """Oldest first, by (create_time, id)."""
    condition = _state_condition(stored_state, in_sessions, not_in_sessions)
    if finess is not None:
        condition.append(REQUESTS.c.finess == finess)
    if session_id is not None:
        condition.append(REQUESTS.c.session_id == session_id)
    if effecteur is not None:
        condition.append(REQUESTS.c.effecteur == effecteur)
    if after is not None:
        at, last_id = after
        condition.append(or_(REQUESTS.c.create_time > at, and_(REQUESTS.c.create_time == at, REQUESTS.c.id > last_id)))
    statement = select(REQUESTS).where(*condition).order_by(REQUESTS.c.create_time, REQUESTS.c.id).limit(limit)
    return list((await s.execute(statement)).all())


async def count_pending(s: AsyncSession, session_id: str, finess: str) -> int:
    value = await s.scalar(
        select(func.count())
        .select_from(REQUESTS)
        .where(REQUESTS.c.session_id == session_id, REQUESTS.c.finess == finess, REQUESTS.c.state == PENDING)
    )
    return int(value or 0)


async def add_event(
    s: AsyncSession, kind: str, row: AnyRow, *, name: str, actor: str, text: str, now: datetime
) -> None:
    """Append what happened to a request to the feed, in the action's transaction.

    The reader resumes after the last id it saw: appended in commit order (feeds.py)."""
    await feeds.append_in_commit_order(s, feeds.VIAL_REQUEST_EVENTS)
    await s.execute(
        insert(EVENTS).values(
            kind=kind,
            request=name,
            finess=row.finess,
            effecteur=row.effecteur,
            product=row.product,
            vials=row.vials,
            confirmed_vials=row.confirmed_vials,
            text=text,
            actor=actor,
            event_time=now,
        )
    )


async def list_events(s: AsyncSession, after_id: int, limit: int) -> list[AnyRow]:
    statement = select(EVENTS).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id).limit(limit)
    return list((await s.execute(statement)).all())

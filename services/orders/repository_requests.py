"""SQL statements of vial requests."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from services.common import feeds
from services.common.db import SyncExecutor, table_of
from services.common.statements import CursorStatement
from services.orders.models import AnyRow, VialRequest, VialRequestEvent

REQUESTS = table_of(VialRequest)
EVENTS = table_of(VialRequestEvent)
PENDING = "PENDING"


# Built once, run with parameters (services.common.statements): the rush creates and confirms requests.
_INSERT = CursorStatement(insert(REQUESTS).returning(REQUESTS))
_GET = CursorStatement(select(REQUESTS).where(REQUESTS.c.id == bindparam("r_id")))
_DECIDED_BY = ("confirmed_vials", "decision_reason", "decided_by", "decide_time", "order_line")


def _decide(by_requester: bool) -> CursorStatement:
    values: dict[str, Any] = {column: bindparam(f"r_{column}") for column in ("state", "etag", "update_time")}
    if not by_requester:
        values |= {column: bindparam(f"r_{column}") for column in _DECIDED_BY}
    return CursorStatement(
        update(REQUESTS)
        .where(REQUESTS.c.id == bindparam("r_id"), REQUESTS.c.state == PENDING)
        .values(**values)
        .returning(REQUESTS)
    )


_DECIDE, _CANCEL = _decide(False), _decide(True)
_ADD_EVENT = feeds.FeedAppend(EVENTS, feeds.VIAL_REQUEST_EVENTS)


def insert_request(s: SyncExecutor, **values: Any) -> AnyRow:
    row: AnyRow = _INSERT.one(s, values)
    return row


def get_request(s: SyncExecutor, request_id: str) -> AnyRow | None:
    row: AnyRow | None = _GET.first(s, {"r_id": request_id})
    return row


def decide(
    s: SyncExecutor,
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
    values: dict[str, Any] = {"r_id": request_id, "r_state": state, "r_etag": new_etag, "r_update_time": now}
    if not by_requester:
        values |= {
            "r_confirmed_vials": confirmed_vials,
            "r_decision_reason": reason,
            "r_decided_by": actor,
            "r_decide_time": now,
            "r_order_line": order_line,
        }
    row: AnyRow | None = (_CANCEL if by_requester else _DECIDE).first(s, values)
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


def list_requests(
    s: SyncExecutor,
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
    return list((s.execute(statement)).all())


def count_pending(s: SyncExecutor, session_id: str, finess: str) -> int:
    value = s.scalar(
        select(func.count())
        .select_from(REQUESTS)
        .where(REQUESTS.c.session_id == session_id, REQUESTS.c.finess == finess, REQUESTS.c.state == PENDING)
    )
    return int(value or 0)


def add_event(s: SyncExecutor, kind: str, row: AnyRow, *, name: str, actor: str, text: str, now: datetime) -> None:
    """Append what happened to a request to the feed, in the action's transaction.

    The reader resumes after the last id it saw: appended in commit order, at the end of the
    transaction (services/common/feeds.py)."""
    _ADD_EVENT.run(
        s,
        [
            {
                "kind": kind,
                "request": name,
                "finess": row.finess,
                "effecteur": row.effecteur,
                "product": row.product,
                "vials": row.vials,
                "confirmed_vials": row.confirmed_vials,
                "text": text,
                "actor": actor,
                "event_time": now,
            }
        ],
    )


def list_events(s: SyncExecutor, after_id: int, limit: int) -> list[AnyRow]:
    statement = select(EVENTS).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id).limit(limit)
    return list((s.execute(statement)).all())

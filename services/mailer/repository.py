"""Every SQL statement of the mailer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.mailer.models import (
    FAILED,
    QUEUED,
    SENT,
    Base,
    ConfirmationRunRow,
    FeedPosition,
    OutboxMessage,
    SupportRequestRow,
)

# The rows listed newest first: both have a create_time and a string id.
_Row = TypeVar("_Row", OutboxMessage, ConfirmationRunRow)


async def add_message(session: AsyncSession, message: OutboxMessage) -> None:
    session.add(message)
    await session.flush()


async def add_support_request(session: AsyncSession, row: SupportRequestRow) -> None:
    session.add(row)
    await session.flush()


async def get_message(session: AsyncSession, message_id: str) -> OutboxMessage | None:
    return await session.get(OutboxMessage, message_id)


async def get_support_request(session: AsyncSession, request_id: str) -> SupportRequestRow | None:
    return await session.get(SupportRequestRow, request_id)


async def list_messages(
    session: AsyncSession, *, state: str | None, after: tuple[datetime, str] | None, limit: int
) -> list[OutboxMessage]:
    """Newest first, keyset on (create_time, id)."""
    query = select(OutboxMessage)
    if state:
        query = query.where(OutboxMessage.state == state)
    return list(await session.scalars(_newest_first(query, OutboxMessage, after, limit)))


def _newest_first(
    query: Select[_Row], model: type[_Row], after: tuple[datetime, str] | None, limit: int
) -> Select[_Row]:
    """Newest first after `after`, keyset on (create_time, id)."""
    if after is not None:
        at, item_id = after
        query = query.where(or_(model.create_time < at, and_(model.create_time == at, model.id < item_id)))
    return query.order_by(model.create_time.desc(), model.id.desc()).limit(limit)


def _insert(session: AsyncSession, model: type[Base]) -> Any:
    """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


async def add_message_once(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a message unless one with its dedupe_key exists; True when inserted.

    INSERT ... ON CONFLICT (dedupe_key) DO NOTHING: a concurrent transaction
    inserting the same key (another replica, another run) makes this one wait
    for its outcome on PostgreSQL, then do nothing; SQLite has a single writer.
    """
    statement = (
        _insert(session, OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).first() is not None


async def existing_dedupe_keys(session: AsyncSession, keys: list[str]) -> dict[str, dict[str, str]]:
    """dedupe_key -> params of the messages already queued under these keys."""
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(keys), 500):
        rows = await session.execute(
            select(OutboxMessage.dedupe_key, OutboxMessage.params).where(
                OutboxMessage.dedupe_key.in_(keys[start : start + 500])
            )
        )
        for key, params in rows:
            if key is not None:  # always: selected by key
                found[key] = dict(params)
    return found


# --- confirmation runs ---------------------------------------------------------


async def add_confirmation_run(session: AsyncSession, row: ConfirmationRunRow) -> None:
    session.add(row)
    await session.flush()


async def get_confirmation_run(session: AsyncSession, run_id: str) -> ConfirmationRunRow | None:
    return await session.get(ConfirmationRunRow, run_id)


async def list_confirmation_runs(
    session: AsyncSession, parent: str, *, after: tuple[datetime, str] | None, limit: int
) -> list[ConfirmationRunRow]:
    """Newest first, keyset on (create_time, id)."""
    query = select(ConfirmationRunRow).where(ConfirmationRunRow.session == parent)
    return list(await session.scalars(_newest_first(query, ConfirmationRunRow, after, limit)))


# --- feed positions --------------------------------------------------------------


async def feed_position(session: AsyncSession, feed: str) -> int:
    position = await session.scalar(select(FeedPosition.position).where(FeedPosition.feed == feed))
    return int(position or 0)


async def advance_feed(session: AsyncSession, feed: str, position: int, now: datetime) -> None:
    """Move the position forward (never back: another replica may be ahead)."""
    statement = _insert(session, FeedPosition).values(feed=feed, position=position, update_time=now)
    statement = statement.on_conflict_do_update(
        index_elements=["feed"],
        set_={"position": position, "update_time": now},
        where=FeedPosition.position < position,
    )
    await session.execute(statement)


# --- dispatcher --------------------------------------------------------------


def _claimable(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.state == QUEUED,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        OutboxMessage.attempts < max_attempts,
    )


async def fail_interrupted(session: AsyncSession, now: datetime, max_attempts: int) -> list[str]:
    """Messages whose last allowed attempt was cut short (the process died while
    sending): give up on them rather than retry for ever."""
    ids = list(
        await session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.state == QUEUED,
                OutboxMessage.attempts >= max_attempts,
                OutboxMessage.claimed_until <= now,
            )
        )
    )
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.state == QUEUED, OutboxMessage.claimed_until <= now)
            .values(state=FAILED, claimed_until=None, last_error="delivery interrupted at the last attempt")
            .execution_options(synchronize_session=False)
        )
    return ids


async def count_by_state(session: AsyncSession, states: tuple[str, ...]) -> dict[str, int]:
    """How many messages are in each of `states` (absent states count 0)."""
    query = (
        select(OutboxMessage.state, func.count()).where(OutboxMessage.state.in_(states)).group_by(OutboxMessage.state)
    )
    counts = dict.fromkeys(states, 0)
    counts.update({state: count for state, count in (await session.execute(query)).all()})
    return counts


async def due_message_ids(session: AsyncSession, now: datetime, max_attempts: int, limit: int) -> list[str]:
    query = (
        select(OutboxMessage.id)
        .where(_claimable(now, max_attempts))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def claim(session: AsyncSession, message_id: str, now: datetime, until: datetime, max_attempts: int) -> bool:
    """Take a message for one delivery attempt; False when another dispatcher has it.

    A conditional UPDATE rather than a read then write, so two dispatchers
    (two replicas) never both take the same message.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now, max_attempts))
        .values(claimed_until=until, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def mark_sent(session: AsyncSession, message_id: str, now: datetime, note: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=SENT, send_time=now, claimed_until=None, last_error=note)
        .execution_options(synchronize_session=False)
    )


async def mark_retry(session: AsyncSession, message_id: str, error: str, next_attempt_at: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(claimed_until=None, last_error=error, next_attempt_at=next_attempt_at)
        .execution_options(synchronize_session=False)
    )


async def mark_failed(session: AsyncSession, message_id: str, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(state=FAILED, claimed_until=None, last_error=error)
        .execution_options(synchronize_session=False)
    )

"""Feeds other services read "after the last id I saw" (orders' vial-request events and
delivery-date changes, effecteurs' attachment changes): their ids must become visible in id order.

On PostgreSQL two transactions can take ids 5 and 6 and commit 6 first; a reader then at 6
would never see 5, and what it stands for (an e-mail, a detachment) would be missed for good.
A transaction-scoped advisory lock, one per feed, taken just before the append makes appenders
take ids and commit one after the other (held until commit). SQLite has one writer at a time already.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# One key per feed, across services (they may share a PostgreSQL server).
VIAL_REQUEST_EVENTS = 0x7E0E57
DELIVERY_DATE_CHANGES = 0x7E0E58
ATTACHMENT_EVENTS = 0x7E0E59


async def append_in_commit_order(s: AsyncSession, feed: int) -> None:
    """Call in the appending transaction, right before the insert (its last statement ideally:
    the lock is held until commit)."""
    if s.get_bind().dialect.name == "postgresql":
        await s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": feed})

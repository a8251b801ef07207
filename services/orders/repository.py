"""Every SQL statement of order lines, the quota ledger and the audit trail.

Core statements on the tables (no ORM identity map): a row read here is what
the database holds at that statement, which the conditional writes rely on.
Vial requests, totals and exports are in repository_requests.py and
repository_reports.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, insert, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.elements import ColumnElement

from services.common.context import Principal
from services.common.db import Executor, dialect_name
from services.orders.models import AnyRow, Change, OrderLine, QuotaUsage, table_of

LINES = table_of(OrderLine)
USAGE = table_of(QuotaUsage)
CHANGES = table_of(Change)


def ordered(session: Executor, column: Any) -> Any:
    """Sort by code point on every backend, so lists and exports come out in the
    same order on SQLite (BINARY) and PostgreSQL (whose default collation would
    ignore punctuation)."""
    return column.collate("C") if dialect_name(session) == "postgresql" else column


def _dialect(s: Executor) -> Any:
    return postgresql if dialect_name(s) == "postgresql" else sqlite


# -- quota ledger ----------------------------------------------------------------

_USAGE_KEY = [USAGE.c.session_id, USAGE.c.effecteur, USAGE.c.product]
_LINE_KEY = [LINES.c.session_id, LINES.c.finess, LINES.c.effecteur, LINES.c.product]


async def change_usage(
    s: Executor, session_id: str, effecteur: str, product: str, delta: int, cap: int | None
) -> int | None:
    """Add `delta` vials to the effecteur's total, only if it stays within `cap`
    (a decrease always passes). One conditional upsert: the check and the write
    are one statement on a row locked for it, so no interleaving of writers can
    slip past the cap (PostgreSQL re-checks the WHERE on the latest row version;
    SQLite has a single writer). Returns the new total, or None when refused."""
    key = (USAGE.c.session_id == session_id, USAGE.c.effecteur == effecteur, USAGE.c.product == product)
    if delta <= 0:  # the row exists (it counts the line being lowered); CHECK forbids a negative insert
        lowered = update(USAGE).where(*key).values(vials=USAGE.c.vials + delta).returning(USAGE.c.vials)
        lowered_total: int = (await s.execute(lowered)).scalar_one()
        return lowered_total
    if cap is not None and delta > cap:
        return None
    statement = (
        _dialect(s).insert(USAGE).values(session_id=session_id, effecteur=effecteur, product=product, vials=delta)
    )
    statement = statement.on_conflict_do_update(
        index_elements=_USAGE_KEY,
        set_={"vials": USAGE.c.vials + delta},
        where=(USAGE.c.vials + delta <= cap) if cap is not None else None,
    ).returning(USAGE.c.vials)
    return (await s.execute(statement)).scalar_one_or_none()


async def usage(s: Executor, session_id: str, effecteur: str, product: str) -> int:
    value = await s.scalar(
        select(USAGE.c.vials).where(
            USAGE.c.session_id == session_id, USAGE.c.effecteur == effecteur, USAGE.c.product == product
        )
    )
    return value or 0


# -- order lines -------------------------------------------------------------------


async def get_line(s: Executor, line_id: str) -> AnyRow | None:
    return (await s.execute(select(LINES).where(LINES.c.id == line_id))).first()


async def find_line(s: Executor, session_id: str, finess: str, effecteur: str, product: str) -> AnyRow | None:
    return (
        await s.execute(
            select(LINES).where(
                LINES.c.session_id == session_id,
                LINES.c.finess == finess,
                LINES.c.effecteur == effecteur,
                LINES.c.product == product,
            )
        )
    ).first()


async def insert_line(s: Executor, **values: Any) -> AnyRow | None:
    """A new line, or None when the (session, officine, effecteur, product) line
    already exists (the unique constraint decides, also between concurrent twins)."""
    statement = _dialect(s).insert(LINES).values(**values).on_conflict_do_nothing(index_elements=_LINE_KEY)
    return (await s.execute(statement.returning(LINES))).first()


async def set_line_vials(
    s: Executor, line_id: str, etag: str, vials: int, *, new_etag: str, actor: str, now: datetime
) -> AnyRow | None:
    """Set the quantity if the line still carries `etag`; None when it changed meanwhile."""
    result = await s.execute(
        update(LINES)
        .where(LINES.c.id == line_id, LINES.c.etag == etag)
        .values(
            vials=vials,
            # What came from requests cannot exceed what the line now holds.
            vials_from_requests=case((LINES.c.vials_from_requests > vials, vials), else_=LINES.c.vials_from_requests),
            etag=new_etag,
            updated_by=actor,
            update_time=now,
        )
        .returning(LINES)
    )
    row: AnyRow | None = result.first()
    return row


async def add_to_line(s: Executor, added: int, **new_line: Any) -> AnyRow:
    """Add confirmed vials to the line, creating it (from `new_line`) when missing;
    one upsert. The cap was enforced on the ledger just before."""
    statement = (
        _dialect(s)
        .insert(LINES)
        .values(**new_line)
        .on_conflict_do_update(
            index_elements=_LINE_KEY,
            set_={
                "vials": LINES.c.vials + added,
                "vials_from_requests": LINES.c.vials_from_requests + added,
                "etag": new_line["etag"],
                "updated_by": new_line["updated_by"],
                "update_time": new_line["update_time"],
                "department": new_line["department"],
                "doses_per_unit": new_line["doses_per_unit"],
            },
        )
        .returning(LINES)
    )
    return (await s.execute(statement)).one()


async def delete_line(s: Executor, line_id: str, etag: str) -> bool:
    condition = [LINES.c.id == line_id]
    if etag:
        condition.append(LINES.c.etag == etag)
    result = await s.execute(delete(LINES).where(*condition))
    assert isinstance(result, CursorResult)  # a DELETE: its row count
    return result.rowcount == 1


def line_scope(
    finess: str | None, session_id: str | None, effecteur: str | None, product: str | None = None
) -> list[ColumnElement[bool]]:
    """The lines of an officine, a session, an effecteur, a product: None is any."""
    condition: list[ColumnElement[bool]] = []
    if finess is not None:
        condition.append(LINES.c.finess == finess)
    if session_id is not None:
        condition.append(LINES.c.session_id == session_id)
    if effecteur is not None:
        condition.append(LINES.c.effecteur == effecteur)
    if product is not None:
        condition.append(LINES.c.product == product)
    return condition


def after_in_session(s: Executor, a_session: str, then: ColumnElement[bool]) -> ColumnElement[bool]:
    """Keyset page condition for lines listed by session, newest first: an older
    session, or the same one and `then` (the rest of the key is past the last row)."""
    return or_(ordered(s, LINES.c.session_id) < a_session, and_(LINES.c.session_id == a_session, then))


async def list_lines(
    s: Executor,
    *,
    finess: str | None,
    session_id: str | None,
    effecteur: str | None,
    product: str | None,
    after: Sequence[str] | None,
    limit: int,
) -> list[AnyRow]:
    """By session (newest first), then officine, effecteur, product: a total order
    (the unique key), so keyset pages never skip or repeat a line."""
    condition = line_scope(finess, session_id, effecteur, product)
    rest = tuple_(ordered(s, LINES.c.finess), ordered(s, LINES.c.effecteur), ordered(s, LINES.c.product))
    if after is not None:
        a_session, a_finess, a_effecteur, a_product = after
        condition.append(after_in_session(s, a_session, rest > tuple_(a_finess, a_effecteur, a_product)))
    statement = (
        select(LINES)
        .where(*condition)
        .order_by(
            ordered(s, LINES.c.session_id).desc(),
            ordered(s, LINES.c.finess),
            ordered(s, LINES.c.effecteur),
            ordered(s, LINES.c.product),
        )
        .limit(limit)
    )
    return list((await s.execute(statement)).all())


# -- audit trail ---------------------------------------------------------------------


@dataclass(frozen=True)
class Audit:
    """The audit rows of one write: who made it, when, under which request_id."""

    actor: str
    now: datetime
    request_id: str = ""
    # Made while PSC was unreachable, under the outage grace (docs/psc-outage.md).
    psc_grace: bool = False

    @classmethod
    def by(cls, principal: Principal, now: datetime, request_id: str = "") -> Audit:
        return cls(principal.national_id, now, request_id, psc_grace=principal.under_psc_grace)

    def change(
        self,
        subject: str,
        action: str,
        before: int,
        after: int,
        *,
        finess: str = "",
        effecteur: str = "",
        note: str = "",
    ) -> dict[str, Any]:
        """One row of the audit trail of `subject` (a line, a request, the supply...)."""
        return {
            "subject": subject,
            "finess": finess,
            "effecteur": effecteur,
            "actor": self.actor,
            "change_time": self.now,
            "action": action,
            "vials_before": before,
            "vials_after": after,
            "request_id": self.request_id,
            "note": note,
            "psc_grace": self.psc_grace,
        }


async def add_changes(s: Executor, *changes: dict[str, Any]) -> None:
    await s.execute(insert(CHANGES), list(changes))


async def list_changes(s: Executor, subject: str, after_id: int | None, limit: int) -> list[AnyRow]:
    condition = [CHANGES.c.subject == subject]
    if after_id is not None:
        condition.append(CHANGES.c.id > after_id)
    statement = select(CHANGES).where(*condition).order_by(CHANGES.c.id).limit(limit)
    return list((await s.execute(statement)).all())


async def change_owner(s: Executor, subject: str) -> AnyRow | None:
    """Officine and effecteur of a subject that has changes (lines stay auditable after deletion)."""
    return (
        await s.execute(select(CHANGES.c.finess, CHANGES.c.effecteur).where(CHANGES.c.subject == subject).limit(1))
    ).first()


async def officine_session_lines(s: Executor, session_id: str, finess: str) -> list[AnyRow]:
    """Every line of one officine in one session (a grid's worth), in one statement."""
    return list((await s.execute(select(LINES).where(*line_scope(finess, session_id, None)))).all())

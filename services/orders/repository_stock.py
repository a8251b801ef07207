"""SQL of the vials after delivery (services/orders/stock_models.py).

Counters only move through conditional UPDATEs (`... WHERE in_stock - offered
>= :n RETURNING`): no row back means refused, nothing written. On PostgreSQL a
concurrent writer waits for the row and re-evaluates the condition on the
committed version; SQLite has one writer (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import current_principal
from services.common.db import table_of
from services.orders.models import AnyRow
from services.orders.repository import LINES, _dialect
from services.orders.repository_allocation import ALLOCATIONS
from services.orders.stock_models import (
    DestructionCertificate,
    StockClaim,
    StockHead,
    StockLot,
    StockMove,
    StockOffer,
    StockReceipt,
    StockReceiptProduct,
    StockReservation,
)

RECEIPTS = table_of(StockReceipt)
RECEIPT_PRODUCTS = table_of(StockReceiptProduct)
LOTS = table_of(StockLot)
RESERVATIONS = table_of(StockReservation)
HEADS = table_of(StockHead)
OFFERS = table_of(StockOffer)
CLAIMS = table_of(StockClaim)
MOVES = table_of(StockMove)
CERTIFICATES = table_of(DestructionCertificate)

CLAIMED, HANDED_OVER = "CLAIMED", "HANDED_OVER"


async def lock_head(s: AsyncSession, finess: str, product: str) -> None:
    """Take the (officine, product) row first: that stock's writes run one at a time."""
    statement = _dialect(s).insert(HEADS).values(finess=finess, product=product, version=1)
    await s.execute(
        statement.on_conflict_do_update(
            index_elements=[HEADS.c.finess, HEADS.c.product], set_={"version": HEADS.c.version + 1}
        )
    )


# -- what was confirmed -----------------------------------------------------------------


async def confirmed_lines(s: AsyncSession, session_id: str, finess: str) -> list[AnyRow] | None:
    """The officine's lines of a published session (None: not published), in
    the order they were entered."""
    published = (
        await s.execute(select(ALLOCATIONS.c.session_id).where(ALLOCATIONS.c.session_id == session_id))
    ).first()
    if published is None:
        return None
    statement = (
        select(LINES.c.effecteur, LINES.c.product, LINES.c.confirmed_vials, LINES.c.department)
        .where(LINES.c.session_id == session_id, LINES.c.finess == finess)
        .order_by(LINES.c.create_time, LINES.c.id)
    )
    return list((await s.execute(statement)).all())


async def sessions_to_receive(s: AsyncSession, finess: str) -> list[str]:
    """Published sessions with confirmed vials for the officine and no receipt yet."""
    statement = (
        select(LINES.c.session_id)
        .join(ALLOCATIONS, ALLOCATIONS.c.session_id == LINES.c.session_id)
        .where(LINES.c.finess == finess, LINES.c.confirmed_vials > 0)
        .where(
            ~select(RECEIPTS.c.id)
            .where(RECEIPTS.c.finess == finess, RECEIPTS.c.session_id == LINES.c.session_id)
            .exists()
        )
        .group_by(LINES.c.session_id)
        .order_by(LINES.c.session_id.desc())
    )
    return [row.session_id for row in await s.execute(statement)]


# -- receipts ------------------------------------------------------------------------


async def insert_receipt(s: AsyncSession, **values: Any) -> bool:
    statement = _dialect(s).insert(RECEIPTS).values(**values).on_conflict_do_nothing()
    return (await s.execute(statement.returning(RECEIPTS.c.id))).first() is not None


async def insert_rows(s: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await s.execute(insert(table), list(rows))


async def receipt_of(s: AsyncSession, finess: str, session_id: str) -> AnyRow | None:
    statement = select(RECEIPTS).where(RECEIPTS.c.finess == finess, RECEIPTS.c.session_id == session_id)
    return (await s.execute(statement)).first()


async def receipts(s: AsyncSession, finess: str) -> list[AnyRow]:
    statement = (
        select(RECEIPTS).where(RECEIPTS.c.finess == finess).order_by(RECEIPTS.c.receipt_date.desc(), RECEIPTS.c.id)
    )
    return list((await s.execute(statement)).all())


async def receipt_products(s: AsyncSession, receipt_ids: Sequence[str]) -> list[AnyRow]:
    statement = (
        select(RECEIPT_PRODUCTS)
        .where(RECEIPT_PRODUCTS.c.receipt_id.in_(list(receipt_ids)))
        .order_by(RECEIPT_PRODUCTS.c.receipt_id, RECEIPT_PRODUCTS.c.product)
    )
    return list((await s.execute(statement)).all())


# -- lots ------------------------------------------------------------------------------


async def lots(s: AsyncSession, finess: str, product: str | None = None) -> list[AnyRow]:
    statement = select(LOTS).where(LOTS.c.finess == finess)
    if product is not None:
        statement = statement.where(LOTS.c.product == product)
    statement = statement.order_by(LOTS.c.product, LOTS.c.usable_until, LOTS.c.lot_number, LOTS.c.id)
    return list((await s.execute(statement)).all())


async def lot(s: AsyncSession, finess: str, lot_id: str) -> AnyRow | None:
    return (await s.execute(select(LOTS).where(LOTS.c.id == lot_id, LOTS.c.finess == finess))).first()


async def lots_by_id(s: AsyncSession, lot_ids: Sequence[str]) -> dict[str, AnyRow]:
    rows = await s.execute(select(LOTS).where(LOTS.c.id.in_(list(lot_ids))))
    return {row.id: row for row in rows}


async def move_lot(
    s: AsyncSession,
    lot_id: str,
    vials: int,
    *,
    to: str,
    from_offered: bool = False,
    offer: bool = False,
) -> AnyRow | None:
    """Move `vials` out of the lot's stock into the counter `to` (picked_up,
    handed_over, used, destroyed), or onto offer (`offer`): only if the lot holds
    them outside what is offered (or, `from_offered`, inside it). None: refused."""
    if offer:
        values: dict[str, Any] = {"offered": LOTS.c.offered + vials}
        condition = LOTS.c.in_stock - LOTS.c.offered >= vials
    else:
        counter = LOTS.c[to]
        values = {to: counter + vials, "in_stock": LOTS.c.in_stock - vials}
        if from_offered:
            values["offered"] = LOTS.c.offered - vials
            condition = LOTS.c.offered >= vials
        else:
            condition = LOTS.c.in_stock - LOTS.c.offered >= vials
    statement = update(LOTS).where(LOTS.c.id == lot_id, condition).values(**values).returning(*LOTS.c)
    return (await s.execute(statement)).first()


# -- reservations ------------------------------------------------------------------------


async def reservations(
    s: AsyncSession, *, finess: str | None = None, product: str | None = None, effecteur: str | None = None
) -> list[AnyRow]:
    """Reservations with vials still waiting (assigned > picked up + released)."""
    statement = select(RESERVATIONS).where(RESERVATIONS.c.assigned > RESERVATIONS.c.picked_up + RESERVATIONS.c.released)
    if finess is not None:
        statement = statement.where(RESERVATIONS.c.finess == finess)
    if product is not None:
        statement = statement.where(RESERVATIONS.c.product == product)
    if effecteur is not None:
        statement = statement.where(RESERVATIONS.c.effecteur == effecteur)
    statement = statement.order_by(RESERVATIONS.c.receipt_date, RESERVATIONS.c.id)
    return list((await s.execute(statement)).all())


async def draw_reservation(s: AsyncSession, reservation_id: str, vials: int, *, column: str) -> bool:
    """picked_up or released += vials, within what is still waiting."""
    r = RESERVATIONS.c
    statement = (
        update(RESERVATIONS)
        .where(r.id == reservation_id, r.assigned - r.picked_up - r.released >= vials)
        .values({column: r[column] + vials})
        .returning(r.id)
    )
    return (await s.execute(statement)).first() is not None


# -- offers and claims -----------------------------------------------------------------------


async def offer(s: AsyncSession, offer_id: str) -> AnyRow | None:
    return (await s.execute(select(OFFERS).where(OFFERS.c.id == offer_id))).first()


async def offer_with_lot(s: AsyncSession, offer_id: str) -> AnyRow | None:
    statement = select(OFFERS, LOTS.c.lot_number, LOTS.c.usable_until).join(LOTS, LOTS.c.id == OFFERS.c.lot_id)
    return (await s.execute(statement.where(OFFERS.c.id == offer_id))).first()


async def offers(
    s: AsyncSession,
    *,
    finess: str | None = None,
    department: str | None = None,
    open_only: bool = False,
    or_claimed_by: str | None = None,
    usable_from: str | None = None,
    before: tuple[datetime, str] | None,
    limit: int,
) -> list[AnyRow]:
    statement = select(OFFERS, LOTS.c.lot_number, LOTS.c.usable_until).join(LOTS, LOTS.c.id == OFFERS.c.lot_id)
    if finess is not None:
        statement = statement.where(OFFERS.c.finess == finess)
    if department is not None:
        statement = statement.where(OFFERS.c.department == department)
    if open_only:
        still_open = OFFERS.c.available > 0
        if or_claimed_by is not None:  # a professional also sees what it claimed
            claimed = (
                select(CLAIMS.c.id)
                .where(CLAIMS.c.offer_id == OFFERS.c.id, CLAIMS.c.effecteur == or_claimed_by)
                .exists()
            )
            still_open = or_(still_open, claimed)
        statement = statement.where(still_open)
    if usable_from is not None:
        statement = statement.where(LOTS.c.usable_until >= usable_from)
    if before is not None:
        at, last = before
        statement = statement.where(
            or_(OFFERS.c.create_time < at, and_(OFFERS.c.create_time == at, OFFERS.c.id < last))
        )
    statement = statement.order_by(OFFERS.c.create_time.desc(), OFFERS.c.id.desc()).limit(limit)
    return list((await s.execute(statement)).all())


async def take_from_offer(s: AsyncSession, offer_id: str, vials: int) -> bool:
    """The claim's one statement: available -= vials only if that many are left."""
    statement = (
        update(OFFERS)
        .where(OFFERS.c.id == offer_id, OFFERS.c.available >= vials)
        .values(available=OFFERS.c.available - vials)
        .returning(OFFERS.c.id)
    )
    return (await s.execute(statement)).first() is not None


async def claims(s: AsyncSession, offer_ids: Sequence[str]) -> list[AnyRow]:
    statement = select(CLAIMS).where(CLAIMS.c.offer_id.in_(list(offer_ids))).order_by(CLAIMS.c.claim_time, CLAIMS.c.id)
    return list((await s.execute(statement)).all())


async def claim(s: AsyncSession, claim_id: str) -> AnyRow | None:
    return (await s.execute(select(CLAIMS).where(CLAIMS.c.id == claim_id))).first()


async def hand_over(s: AsyncSession, claim_id: str, actor: str, now: datetime) -> AnyRow | None:
    statement = (
        update(CLAIMS)
        .where(CLAIMS.c.id == claim_id, CLAIMS.c.state == CLAIMED)
        .values(state=HANDED_OVER, hand_over_by=actor, hand_over_time=now)
        .returning(*CLAIMS.c)
    )
    return (await s.execute(statement)).first()


# -- moves (the audit trail) ---------------------------------------------------------------------


async def add_move(s: AsyncSession, **values: Any) -> int:
    values.setdefault("lot_id", "")
    # Every move is made for the request's caller: marked when PSC could not re-check them
    # (docs/psc-outage.md), like the order lines' changes.
    caller = current_principal()
    values.setdefault("psc_grace", caller is not None and caller.under_psc_grace)
    values.setdefault("effecteur", "")
    values.setdefault("note", "")
    row = (await s.execute(insert(MOVES).values(**values).returning(MOVES.c.id))).one()
    return int(row.id)


async def moves(
    s: AsyncSession,
    *,
    finess: str | None = None,
    effecteur: str | None = None,
    kind: str | None = None,
    after: int | None = None,
    before: int | None = None,
    limit: int,
) -> list[AnyRow]:
    """Moves oldest first (`after`), or newest first when paging with `before`/kind lists."""
    statement = select(MOVES, LOTS.c.lot_number, LOTS.c.usable_until).outerjoin(LOTS, LOTS.c.id == MOVES.c.lot_id)
    if finess is not None:
        statement = statement.where(MOVES.c.finess == finess)
    if effecteur is not None:
        statement = statement.where(MOVES.c.effecteur == effecteur)
    if kind is not None:
        statement = statement.where(MOVES.c.kind == kind)
    if after is not None:
        statement = statement.where(MOVES.c.id > after).order_by(MOVES.c.id)
    else:
        if before is not None:
            statement = statement.where(MOVES.c.id < before)
        statement = statement.order_by(MOVES.c.id.desc())
    return list((await s.execute(statement.limit(limit))).all())


async def move(s: AsyncSession, move_id: int) -> AnyRow | None:
    statement = select(MOVES, LOTS.c.lot_number, LOTS.c.usable_until).outerjoin(LOTS, LOTS.c.id == MOVES.c.lot_id)
    return (await s.execute(statement.where(MOVES.c.id == move_id))).first()


# -- certificates ------------------------------------------------------------------------------


async def next_certificate_seq(s: AsyncSession, year: int) -> int:
    """Next number of the year; two issuers racing for it: the primary key lets one
    win, the other's transaction is re-run (services.common.idempotency.run_once)."""
    found = (await s.execute(select(func.max(CERTIFICATES.c.seq)).where(CERTIFICATES.c.year == year))).scalar()
    return int(found or 0) + 1


async def certificate(s: AsyncSession, number: str) -> AnyRow | None:
    return (await s.execute(select(CERTIFICATES).where(CERTIFICATES.c.number == number))).first()


_CERTIFICATE_COLUMNS = [c for c in CERTIFICATES.c if c.name != "pdf"]


async def certificates(
    s: AsyncSession,
    *,
    finess: str | None,
    since: datetime | None = None,
    before: tuple[datetime, str] | None = None,
    limit: int,
) -> list[AnyRow]:
    statement = select(*_CERTIFICATE_COLUMNS)
    if finess is not None:
        statement = statement.where(CERTIFICATES.c.finess == finess)
    if since is not None:
        statement = statement.where(CERTIFICATES.c.create_time >= since)
    if before is not None:
        at, last = before
        statement = statement.where(
            or_(CERTIFICATES.c.create_time < at, and_(CERTIFICATES.c.create_time == at, CERTIFICATES.c.number < last))
        )
    statement = statement.order_by(CERTIFICATES.c.create_time.desc(), CERTIFICATES.c.number.desc()).limit(limit)
    return list((await s.execute(statement)).all())


# -- notices and national figures ------------------------------------------------------------------


async def lots_expiring(s: AsyncSession, first: str, last: str) -> list[AnyRow]:
    """Lots with vials in stock whose usable-until day is within [first, last]."""
    statement = (
        select(LOTS)
        .where(LOTS.c.usable_until >= first, LOTS.c.usable_until <= last, LOTS.c.in_stock > 0)
        .order_by(LOTS.c.usable_until, LOTS.c.finess, LOTS.c.id)
    )
    return list((await s.execute(statement)).all())


async def waiting_since(s: AsyncSession, last_receipt_date: str) -> list[AnyRow]:
    """Reservations received on or before that day with vials still waiting."""
    r = RESERVATIONS.c
    statement = (
        select(RESERVATIONS)
        .where(r.receipt_date <= last_receipt_date, r.assigned > r.picked_up + r.released)
        .order_by(r.receipt_date, r.finess, r.id)
    )
    return list((await s.execute(statement)).all())


async def national_lots(s: AsyncSession) -> list[AnyRow]:
    l = LOTS.c  # noqa: E741 (the table's columns, as everywhere here)
    statement = (
        select(
            l.department,
            l.product,
            func.count(func.distinct(l.finess)).label("officines"),
            func.sum(l.received).label("received"),
            func.sum(l.picked_up).label("picked_up"),
            func.sum(l.handed_over).label("handed_over"),
            func.sum(l.used).label("used"),
            func.sum(l.destroyed).label("destroyed"),
            func.sum(l.in_stock).label("in_stock"),
            func.sum(l.offered).label("offered"),
        )
        .group_by(l.department, l.product)
        .order_by(l.department, l.product)
    )
    return list((await s.execute(statement)).all())


async def national_uncollected(s: AsyncSession, last_receipt_date: str) -> dict[tuple[str, str], int]:
    r = RESERVATIONS.c
    statement = (
        select(r.department, r.product, func.sum(r.assigned - r.picked_up - r.released).label("waiting"))
        .where(r.receipt_date <= last_receipt_date)
        .group_by(r.department, r.product)
    )
    return {(row.department, row.product): int(row.waiting or 0) for row in await s.execute(statement)}

"""Receipts, pickups, the officine's own use of vials, and the stock as read
(DESIGN.md §1b "Receipt, pickup and stock at the officine").

Every write on an officine's product first takes its `stock_heads` row, so the
product-level rule — vials reserved for effecteurs and vials on offer are
always on the shelf — is checked on a stable state; the lot counters then
move with conditional UPDATEs (repository_stock.py). Each move is audited in
`stock_moves` (who, when) in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common import text
from services.common.context import Principal
from services.common.errors import AlreadyExists, InvalidArgument, Violations
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.common.timefmt import paris_date
from services.orders import access, errors, names
from services.orders import repository_stock as srepo
from services.orders import stock_names as sn
from services.orders import stock_rules as rules_
from services.orders.lines import collect
from services.orders.models import AnyRow
from services.orders.ports import ProductInfo
from services.orders.service import OrderRules
from services.orders.stock_views import (
    LotView,
    MovePage,
    MoveView,
    PickupPage,
    PickupView,
    ProductStockView,
    ReceiptView,
    Ref,
    ReservationView,
    StockView,
    UncollectedView,
)

MAX_LOT_NUMBER = 40
_DEFAULT_PAGE, _MAX_PAGE = 100, 1000

RECEIVED, PICKED_UP, USED, OFFERED, CLAIMED, HANDED_OVER, DESTROYED, RELEASED = (
    "RECEIVED",
    "PICKED_UP",
    "USED",
    "OFFERED",
    "CLAIMED",
    "HANDED_OVER",
    "DESTROYED",
    "RELEASED",
)


def parse_day(value: str, field: str, v: Violations) -> date | None:
    try:
        if len(value) != 10 or not value.isascii():
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        v.add(field, f"Date invalide : « {value} » (attendu AAAA-MM-JJ).")
        return None


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


def lot_view(row: AnyRow, today: date) -> LotView:
    until = date.fromisoformat(row.usable_until)
    return LotView(
        name=sn.lot(row.finess, row.id),
        product=row.product,
        lot_number=row.lot_number,
        expiry_date=row.expiry_date,
        receipt_date=row.receipt_date,
        usable_until=row.usable_until,
        received=row.received,
        picked_up=row.picked_up,
        handed_over=row.handed_over,
        used=row.used,
        destroyed=row.destroyed,
        in_stock=row.in_stock,
        offered=row.offered,
        alert=rules_.alert_level(until, today) if row.in_stock > 0 else None,
        days_left=rules_.days_left(until, today),
        redistributable=rules_.is_uncollected(date.fromisoformat(row.receipt_date), today),
    )


def waiting_of(row: AnyRow) -> int:
    return int(row.assigned - row.picked_up - row.released)


def uncollected_view(row: AnyRow, today: date) -> UncollectedView:
    receipt = date.fromisoformat(row.receipt_date)
    return UncollectedView(
        officine=sn.officine(row.finess),
        effecteur=row.effecteur,
        product=row.product,
        vials=waiting_of(row),
        receipt_date=row.receipt_date,
        redistributable_date=rules_.redistributable_from(receipt).isoformat(),
        uncollected=rules_.is_uncollected(receipt, today),
        key=f"uncollected:{row.id}",
    )


@dataclass(frozen=True)
class ProductState:
    """One officine's product inside a write transaction, its head row held."""

    lots: list[AnyRow]
    waiting: list[AnyRow]

    @property
    def free(self) -> int:
        """On the shelf, neither offered nor meant for an effecteur."""
        shelf = sum(int(r.in_stock) - int(r.offered) for r in self.lots)
        return shelf - sum(waiting_of(r) for r in self.waiting)


async def product_state(s: AsyncSession, finess: str, product: str) -> ProductState:
    await srepo.lock_head(s, finess, product)
    return ProductState(
        await srepo.lots(s, finess, product), await srepo.reservations(s, finess=finess, product=product)
    )


async def make_room(
    s: AsyncSession,
    state: ProductState,
    vials: int,
    today: date,
    *,
    uncollected_only: bool,
    field: str,
    actor: str,
    now: datetime,
    why: str,
) -> None:
    """Before `vials` leave the shelf (or go on offer): release what is needed from
    the reservations — only uncollected ones (7 days after receipt) for the officine's
    own use or an offer, any for a destruction (a destroyed vial will never be
    collected). Refused with a French field violation when that is not enough."""
    needed = vials - state.free
    if needed <= 0:
        return
    candidates = [
        rules_.Waiting(r.id, waiting_of(r), date.fromisoformat(r.receipt_date))
        for r in state.waiting
        if not uncollected_only or rules_.is_uncollected(date.fromisoformat(r.receipt_date), today)
    ]
    if sum(c.vials for c in candidates) < needed:
        soonest = min(
            (rules_.redistributable_from(date.fromisoformat(r.receipt_date)) for r in state.waiting),
            default=None,
        )
        message = (
            f"Seuls {_vials(max(state.free, 0) + sum(c.vials for c in candidates))} de ce produit sont disponibles : "
            "les autres sont réservés aux effecteurs pour qui ils ont été commandés"
        )
        if soonest is not None and soonest > today:
            message += f", jusqu'au {paris_date(soonest)} s'ils ne sont pas venus les chercher"
        raise InvalidArgument.field(field, message + ".", reason="VIALS_RESERVED")
    by_id = {r.id: r for r in state.waiting}
    for reservation_id, n in rules_.take(candidates, needed):
        assert await srepo.draw_reservation(s, reservation_id, n, column="released")
        row = by_id[reservation_id]
        await srepo.add_move(
            s,
            finess=row.finess,
            product=row.product,
            kind=RELEASED,
            vials=n,
            effecteur=row.effecteur,
            day=today.isoformat(),
            note=why,
            actor=actor,
            move_time=now,
        )


def check_lot_can_give(found: AnyRow, vials: int, today: date) -> None:
    """Vials leaving a lot for the officine's own use or an offer: the lot is still usable and
    holds them, not counting the vials already on offer (field violations, in French)."""
    if date.fromisoformat(found.usable_until) < today:
        raise InvalidArgument.field("lot", f"Le lot {found.lot_number} est périmé : déclarez sa destruction.")
    if found.in_stock - found.offered < vials:
        raise InvalidArgument.field(
            "vials",
            f"Le lot {found.lot_number} ne contient que {_vials(found.in_stock - found.offered)} "
            "disponibles (hors flacons déjà proposés).",
        )


class StockService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    def today(self) -> date:
        return rules_.paris_today(self.rules.clock.now())

    async def catalogue(self) -> dict[str, ProductInfo]:
        return await self.rules.sessions.products()

    # -- receipts -----------------------------------------------------------------------

    async def record_receipt(
        self,
        principal: Principal,
        parent: str,
        session: str,
        receipt_date: str,
        lots: Sequence[tuple[str, str, str, int]],
        request_id: str,
    ) -> ReceiptView:
        v = Violations()
        finess = collect(v, sn.parse_officine, parent, "parent")
        session_id = collect(v, names.parse_session, session, "session")
        received_on = parse_day(receipt_date, "receipt_date", v)
        today = self.today()
        if received_on is not None and received_on > today:
            v.add("receipt_date", "La date de réception ne peut pas être dans le futur.")
        catalogue = await self.catalogue()
        seen: set[tuple[str, str]] = set()
        if not lots:
            v.add("lots", "Indiquez au moins un lot reçu (produit, numéro, péremption, flacons).")
        for i, (product, lot_number, expiry, vials) in enumerate(lots):
            field = f"lots[{i}]"
            if product not in catalogue:
                v.add(f"{field}.product", f"Produit inconnu du catalogue : « {product} ».")
            number = lot_number.strip()
            if not number:
                v.add(f"{field}.lot_number", "Indiquez le numéro de lot imprimé sur la boîte.")
            elif len(number) > MAX_LOT_NUMBER or text.has_control_characters(number):
                v.add(
                    f"{field}.lot_number", f"Numéro de lot invalide (au plus {MAX_LOT_NUMBER} caractères imprimables)."
                )
            elif (product, number) in seen:
                v.add(f"{field}.lot_number", f"Le lot « {number} » figure deux fois pour ce produit.")
            seen.add((product, number))
            expires = None
            if not expiry:
                v.add(f"{field}.expiry_date", "Indiquez la date de péremption imprimée sur la boîte.")
            else:
                expires = parse_day(expiry, f"{field}.expiry_date", v)
            if expires is not None and received_on is not None and expires < received_on:
                v.add(
                    f"{field}.expiry_date", "Ce lot était déjà périmé à la réception : il ne peut pas entrer en stock."
                )
            self._check_vials(v, vials, f"{field}.vials")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert finess is not None and session_id is not None and received_on is not None
        access.require_officine_writer(principal, finess, "Officine")
        payload = {"parent": parent, "session": session, "date": receipt_date, "lots": [list(x) for x in lots]}
        window = await self.rules.window(session_id)
        label = window.label or f"session {session_id}"
        previous = await self.rules.recorded(principal, request_id, "RecordReceipt", payload, Ref.load)
        if previous is None:

            async def work(s: AsyncSession, now: datetime) -> Ref:
                return await self._receive(s, now, principal, finess, session_id, label, received_on, lots, catalogue)

            previous = await self.rules.write(principal, request_id, "RecordReceipt", payload, work, Ref.load)
        return await self._receipt_view(finess, previous.id)

    def _check_vials(self, v: Violations, vials: int, field: str) -> None:
        if vials <= 0:
            v.add(field, "Indiquez un nombre de flacons supérieur à 0.")
        elif vials > self.rules.max_vials:
            v.add(field, f"Au plus {self.rules.max_vials} flacons : vérifiez la quantité saisie.")

    async def _receive(
        self,
        s: AsyncSession,
        now: datetime,
        principal: Principal,
        finess: str,
        session_id: str,
        label: str,
        received_on: date,
        lots: Sequence[tuple[str, str, str, int]],
        catalogue: dict[str, ProductInfo],
    ) -> Ref:
        lines = await srepo.confirmed_lines(s, session_id, finess)
        if lines is None:
            raise errors.allocation_not_published(label)
        if not lines:
            raise InvalidArgument.field("session", f"Cette officine n'a rien commandé dans la {label.lower()}.")
        existing = await srepo.receipt_of(s, finess, session_id)
        if existing is not None:
            raise AlreadyExists(
                f"La livraison de la {label.lower()} est déjà enregistrée (reçue le "
                f"{paris_date(date.fromisoformat(existing.receipt_date))}).",
                reason="RECEIPT_EXISTS",
            )
        department = lines[0].department
        receipt_id = names.new_id()
        actor = principal.national_id
        await srepo.insert_receipt(
            s,
            id=receipt_id,
            finess=finess,
            session_id=session_id,
            department=department,
            receipt_date=received_on.isoformat(),
            create_by=actor,
            create_time=now,
        )
        confirmed: dict[str, list[rules_.Confirmed]] = defaultdict(list)
        own = names.self_effecteur(finess)
        for line in lines:
            confirmed[line.product].append(
                rules_.Confirmed(line.effecteur, line.confirmed_vials or 0, own=line.effecteur == own)
            )
        received: dict[str, int] = defaultdict(int)
        for product, _, _, vials in lots:
            received[product] += vials
        products = sorted(set(confirmed) | set(received))
        await srepo.insert_rows(
            s,
            srepo.RECEIPT_PRODUCTS,
            [
                {
                    "receipt_id": receipt_id,
                    "product": p,
                    "confirmed_vials": sum(c.vials for c in confirmed.get(p, [])),
                    "received_vials": received.get(p, 0),
                }
                for p in products
            ],
        )
        reservations = []
        for product in products:
            await srepo.lock_head(s, finess, product)
            shares = rules_.assign(confirmed.get(product, []), received.get(product, 0))
            for effecteur, vials in shares.items():
                if effecteur and effecteur != own and vials > 0:
                    reservations.append(
                        {
                            "id": names.new_id(),
                            "finess": finess,
                            "department": department,
                            "receipt_id": receipt_id,
                            "receipt_date": received_on.isoformat(),
                            "product": product,
                            "effecteur": effecteur,
                            "assigned": vials,
                            "picked_up": 0,
                            "released": 0,
                        }
                    )
        await srepo.insert_rows(s, srepo.RESERVATIONS, reservations)
        lot_rows = []
        for product, lot_number, expiry, vials in lots:
            until = rules_.usable_until(date.fromisoformat(expiry), received_on, catalogue[product].shelf_life_days)
            lot_rows.append(
                {
                    "id": names.new_id(),
                    "finess": finess,
                    "department": department,
                    "receipt_id": receipt_id,
                    "product": product,
                    "lot_number": lot_number.strip(),
                    "expiry_date": expiry,
                    "receipt_date": received_on.isoformat(),
                    "usable_until": until.isoformat(),
                    "received": vials,
                    "picked_up": 0,
                    "handed_over": 0,
                    "used": 0,
                    "destroyed": 0,
                    "in_stock": vials,
                    "offered": 0,
                }
            )
        await srepo.insert_rows(s, srepo.LOTS, lot_rows)
        for row in lot_rows:
            await srepo.add_move(
                s,
                finess=finess,
                product=row["product"],
                lot_id=row["id"],
                kind=RECEIVED,
                vials=row["received"],
                day=received_on.isoformat(),
                note=f"sessions/{session_id}",
                actor=actor,
                move_time=now,
            )
        return Ref(receipt_id)

    async def _receipt_view(self, finess: str, receipt_id: str) -> ReceiptView:
        async with self.rules.db.read() as s:
            views = await self._receipts(s, finess)
        return next(r for r in views if r.name == sn.receipt(finess, receipt_id))

    @staticmethod
    async def _receipts(s: AsyncSession, finess: str) -> list[ReceiptView]:
        rows = await srepo.receipts(s, finess)
        products: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for p in await srepo.receipt_products(s, [r.id for r in rows]):
            products[p.receipt_id].append((p.product, p.confirmed_vials, p.received_vials))
        return [
            ReceiptView(
                name=sn.receipt(finess, r.id),
                session=names.session_name(r.session_id),
                receipt_date=r.receipt_date,
                products=products[r.id],
                create_by=r.create_by,
                create_time=r.create_time,
            )
            for r in rows
        ]

    # -- the stock as read ---------------------------------------------------------------------

    async def get_stock(self, principal: Principal, name: str) -> StockView:
        finess = sn.parse_stock(name)
        if not (principal.is_operator or access.acts_for_officine(principal, finess)):
            raise errors.not_found("Stock")
        today = self.today()
        async with self.rules.db.read() as s:
            lot_rows = await srepo.lots(s, finess)
            waiting = await srepo.reservations(s, finess=finess)
            receipts = await self._receipts(s, finess)
            to_receive = await srepo.sessions_to_receive(s, finess)
        by_product: dict[str, list[AnyRow]] = defaultdict(list)
        for row in lot_rows:
            by_product[row.product].append(row)
        waiting_by: dict[str, list[AnyRow]] = defaultdict(list)
        for row in waiting:
            waiting_by[row.product].append(row)
        products = []
        for product in sorted(set(by_product) | set(waiting_by)):
            rows = by_product[product]
            total = rules_.reconcile(
                rules_.LotCounts(r.received, r.picked_up, r.handed_over, r.used, r.destroyed) for r in rows
            )
            reservations = [
                ReservationView(
                    r.effecteur,
                    waiting_of(r),
                    r.receipt_date,
                    rules_.is_uncollected(date.fromisoformat(r.receipt_date), today),
                )
                for r in waiting_by[product]
            ]
            products.append(
                ProductStockView(
                    product=product,
                    received=total.received,
                    picked_up=total.picked_up,
                    handed_over=total.handed_over,
                    used=total.used,
                    destroyed=total.destroyed,
                    in_stock=total.in_stock,
                    reserved=sum(r.vials for r in reservations),
                    offered=sum(r.offered for r in rows),
                    uncollected=sum(r.vials for r in reservations if r.uncollected),
                    lots=sorted((lot_view(r, today) for r in rows), key=lambda x: (x.usable_until, x.lot_number)),
                    reservations=reservations,
                )
            )
        return StockView(
            name=f"officines/{finess}/stock",
            products=products,
            receipts=receipts,
            sessions_to_receive=[names.session_name(x) for x in to_receive],
            today=today.isoformat(),
        )

    # -- pickups ---------------------------------------------------------------------------------

    async def record_pickup(
        self,
        principal: Principal,
        parent: str,
        effecteur: str,
        lot: str,
        vials: int,
        pickup_date: str,
        request_id: str,
    ) -> PickupView:
        v = Violations()
        finess = collect(v, sn.parse_officine, parent, "parent")
        collect(v, names.check_effecteur, effecteur, "effecteur")
        lot_ref = collect(v, sn.parse_child, lot, "lot", "lots")
        today = self.today()
        day = today if not pickup_date else parse_day(pickup_date, "pickup_date", v)
        if day is not None and day > today:
            v.add("pickup_date", "La date de retrait ne peut pas être dans le futur.")
        self._check_vials(v, vials, "vials")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert finess is not None and lot_ref is not None and day is not None
        access.require_officine_writer(principal, finess, "Officine")
        if lot_ref[0] != finess:
            raise InvalidArgument.field("lot", "Ce lot n'est pas dans le stock de cette officine.")
        payload = {"parent": parent, "effecteur": effecteur, "lot": lot, "vials": vials, "day": day.isoformat()}
        previous = await self.rules.recorded(principal, request_id, "RecordPickup", payload, Ref.load)
        if previous is None:

            async def work(s: AsyncSession, now: datetime) -> Ref:
                return await self._pickup(s, now, principal, finess, effecteur, lot_ref[1], vials, day, today)

            previous = await self.rules.write(principal, request_id, "RecordPickup", payload, work, Ref.load)
        async with self.rules.db.read() as s:
            row = await srepo.move(s, int(previous.id))
        assert row is not None
        return pickup_view(row)

    async def _pickup(
        self,
        s: AsyncSession,
        now: datetime,
        principal: Principal,
        finess: str,
        effecteur: str,
        lot_id: str,
        vials: int,
        day: date,
        today: date,
    ) -> Ref:
        found = await srepo.lot(s, finess, lot_id)
        if found is None:
            raise InvalidArgument.field("lot", "Lot inconnu dans le stock de cette officine.")
        state = await product_state(s, finess, found.product)
        if day < date.fromisoformat(found.receipt_date):
            raise InvalidArgument.field("pickup_date", "La date de retrait précède la réception de ce lot.")
        if date.fromisoformat(found.usable_until) < day:
            raise InvalidArgument.field(
                "lot",
                f"Le lot {found.lot_number} n'est plus utilisable depuis le "
                f"{paris_date(date.fromisoformat(found.usable_until))} : il ne peut pas être remis.",
            )
        mine = [r for r in state.waiting if r.effecteur == effecteur]
        waiting = sum(waiting_of(r) for r in mine)
        if vials > waiting:
            raise InvalidArgument.field(
                "vials",
                f"Seuls {_vials(waiting)} de ce produit restent réservés pour cet effecteur dans cette officine."
                if waiting
                else "Aucun flacon de ce produit n'est réservé pour cet effecteur dans cette officine.",
                reason="ABOVE_RESERVED",
            )
        moved = await srepo.move_lot(s, lot_id, vials, to="picked_up")
        if moved is None:
            raise InvalidArgument.field(
                "vials",
                f"Le lot {found.lot_number} ne contient que {_vials(found.in_stock - found.offered)} disponibles.",
            )
        for reservation_id, n in rules_.take(
            [rules_.Waiting(r.id, waiting_of(r), date.fromisoformat(r.receipt_date)) for r in mine], vials
        ):
            assert await srepo.draw_reservation(s, reservation_id, n, column="picked_up")
        move_id = await srepo.add_move(
            s,
            finess=finess,
            product=found.product,
            lot_id=lot_id,
            kind=PICKED_UP,
            vials=vials,
            effecteur=effecteur,
            day=day.isoformat(),
            actor=principal.national_id,
            move_time=now,
        )
        return Ref(str(move_id))

    async def list_pickups(
        self, principal: Principal, parent: str, effecteur: str, page_size: int, page_token: str
    ) -> PickupPage:
        finess = sn.parse_officine(parent, "parent", any_officine=True)
        if effecteur:
            names.check_effecteur(effecteur, "effecteur")
        own_officine = finess != names.ANY and access.acts_for_officine(principal, finess)
        if not (principal.is_operator or own_officine or (effecteur and principal.may_act_for(effecteur))):
            if finess == names.ANY and not effecteur:
                raise InvalidArgument.field("effecteur", "Indiquez l'effecteur dont vous lisez les retraits.")
            raise errors.not_found("Retraits")
        limit = clamp_page_size(page_size, _DEFAULT_PAGE, _MAX_PAGE)
        filters = {"parent": parent, "effecteur": effecteur}
        before = decode_token(page_token, filters)
        if before is not None and not isinstance(before, int):
            raise InvalidArgument.field("page_token", "Jeton de page invalide : recommencez la liste depuis le début.")
        async with self.rules.db.read() as s:
            rows = await srepo.moves(
                s,
                finess=None if finess == names.ANY else finess,
                effecteur=effecteur or None,
                kind=PICKED_UP,
                before=before,
                limit=limit + 1,
            )
            waiting = (
                await srepo.reservations(s, effecteur=effecteur, finess=None if finess == names.ANY else finess)
                if effecteur
                else []
            )
        more = len(rows) > limit
        rows = rows[:limit]
        today = self.today()
        return PickupPage(
            [pickup_view(r) for r in rows],
            encode_token(rows[-1].id, filters) if more else "",
            [uncollected_view(r, today) for r in waiting],
        )

    # -- the officine's own use ------------------------------------------------------------------

    async def use_vials(self, principal: Principal, lot: str, vials: int, request_id: str) -> LotView:
        v = Violations()
        lot_ref = collect(v, sn.parse_child, lot, "lot", "lots")
        self._check_vials(v, vials, "vials")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert lot_ref is not None
        finess, lot_id = lot_ref
        access.require_officine_writer(principal, finess, "Lot")
        payload = {"lot": lot, "vials": vials}
        today = self.today()
        previous = await self.rules.recorded(principal, request_id, "UseVials", payload, Ref.load)
        if previous is None:

            async def work(s: AsyncSession, now: datetime) -> Ref:
                found = await srepo.lot(s, finess, lot_id)
                if found is None:
                    raise errors.not_found("Lot")
                state = await product_state(s, finess, found.product)
                check_lot_can_give(found, vials, today)
                await make_room(
                    s,
                    state,
                    vials,
                    today,
                    uncollected_only=True,
                    field="vials",
                    actor=principal.national_id,
                    now=now,
                    why="non retirés : utilisés par l'officine",
                )
                assert await srepo.move_lot(s, lot_id, vials, to="used") is not None
                await srepo.add_move(
                    s,
                    finess=finess,
                    product=found.product,
                    lot_id=lot_id,
                    kind=USED,
                    vials=vials,
                    day=today.isoformat(),
                    actor=principal.national_id,
                    move_time=now,
                )
                return Ref(lot_id)

            previous = await self.rules.write(principal, request_id, "UseVials", payload, work, Ref.load)
        async with self.rules.db.read() as s:
            row = await srepo.lot(s, finess, previous.id)
        assert row is not None
        return lot_view(row, today)

    # -- audit trail ----------------------------------------------------------------------------

    async def list_moves(self, principal: Principal, parent: str, page_size: int, page_token: str) -> MovePage:
        finess = sn.parse_officine(parent, "parent")
        if not (principal.is_operator or access.acts_for_officine(principal, finess)):
            raise errors.not_found("Officine")
        limit = clamp_page_size(page_size, _DEFAULT_PAGE, _MAX_PAGE)
        filters = {"parent": parent}
        after = decode_token(page_token, filters)
        if after is not None and not isinstance(after, int):
            raise InvalidArgument.field("page_token", "Jeton de page invalide : recommencez la liste depuis le début.")
        async with self.rules.db.read() as s:
            rows = await srepo.moves(s, finess=finess, after=after or 0, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return MovePage(
            [
                MoveView(
                    r.id,
                    r.kind,
                    sn.lot(r.finess, r.lot_id) if r.lot_id else "",
                    r.product,
                    r.vials,
                    r.effecteur,
                    r.note,
                    r.actor,
                    r.move_time,
                )
                for r in rows
            ],
            encode_token(rows[-1].id, filters) if more else "",
        )


def pickup_view(row: AnyRow) -> PickupView:
    return PickupView(
        name=sn.pickup(row.finess, row.id),
        effecteur=row.effecteur,
        lot=sn.lot(row.finess, row.lot_id),
        product=row.product,
        lot_number=row.lot_number or "",
        vials=row.vials,
        pickup_date=row.day,
        usable_until=row.usable_until or "",
        create_by=row.actor,
        create_time=row.move_time,
    )

"""Uncollected vials offered to other professionals (DESIGN.md §1b "Uncollected vials").

An officine offers vials of a lot received at least 7 days ago (its own free
vials, then uncollected reservations, released as needed). The offer is seen
by the professionals of its département whose type may receive the product
(`redistributable_to`: paediatric vials never reach a dentist or an
establishment other than PMI). A claim is one conditional UPDATE of the
offer's available vials: two professionals claiming the last vials at once,
one gets them and the other a French refusal. The officine then hands them
over and records it; the vials leave its stock then.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import Principal
from services.common.errors import FailedPrecondition, InvalidArgument, Violations
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.common.timefmt import paris_date
from services.orders import access, errors, names
from services.orders import repository_stock as srepo
from services.orders import stock_names as sn
from services.orders import stock_rules as rules_
from services.orders.lines import collect
from services.orders.models import AnyRow
from services.orders.ports import EffecteurAttachment, OfficineNames
from services.orders.stock import (
    CLAIMED,
    HANDED_OVER,
    OFFERED,
    StockService,
    check_lot_can_give,
    make_room,
    product_state,
)
from services.orders.stock_views import ClaimView, OfferPage, OfferView, Ref

OFFER_EXHAUSTED = "OFFER_EXHAUSTED"
NOT_REDISTRIBUTABLE_YET = "NOT_REDISTRIBUTABLE_YET"
NOT_ELIGIBLE = "NOT_ELIGIBLE"
CLAIM_HANDED_OVER = "CLAIM_HANDED_OVER"
_DEFAULT_PAGE, _MAX_PAGE = 100, 1000


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


def claim_view(row: AnyRow) -> ClaimView:
    return ClaimView(
        name=sn.claim(row.finess, row.offer_id, row.id),
        effecteur=row.effecteur,
        vials=row.vials,
        state=row.state,
        claim_time=row.claim_time,
        hand_over_time=row.hand_over_time,
        effecteur_name=row.effecteur_name,
        effecteur_type=row.effecteur_type,
    )


def offer_view(row: AnyRow, claims: list[ClaimView]) -> OfferView:
    return OfferView(
        name=sn.offer(row.finess, row.id),
        lot=sn.lot(row.finess, row.lot_id),
        product=row.product,
        lot_number=row.lot_number,
        usable_until=row.usable_until,
        department=row.department,
        offered=row.offered,
        available=row.available,
        eligible_types=row.eligible_types.split(),
        claims=claims,
        create_time=row.create_time,
        officine_name=row.officine_name,
    )


class RedistributionService:
    def __init__(self, stock: StockService, officines: OfficineNames) -> None:
        self.stock = stock
        self.rules = stock.rules
        self.officines = officines

    async def create_offer(self, principal: Principal, lot: str, vials: int, request_id: str) -> OfferView:
        v = Violations()
        lot_ref = collect(v, sn.parse_child, lot, "lot", "lots")
        self.stock._check_vials(v, vials, "vials")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert lot_ref is not None
        finess, lot_id = lot_ref
        access.require_officine_writer(principal, finess, "Lot")
        catalogue = await self.stock.catalogue()
        today = self.stock.today()
        officine_label = await self.officines.officine_label(finess)
        payload = {"lot": lot, "vials": vials}
        previous = await self.rules.recorded(principal, request_id, "CreateOffer", payload, Ref.load)
        if previous is None:

            async def work(s: AsyncSession, now: datetime) -> Ref:
                found = await srepo.lot(s, finess, lot_id)
                if found is None:
                    raise errors.not_found("Lot")
                state = await product_state(s, finess, found.product)
                opens = rules_.redistributable_from(date.fromisoformat(found.receipt_date))
                if today < opens:
                    raise InvalidArgument.field(
                        "lot",
                        f"Les flacons du lot {found.lot_number} ne pourront être proposés qu'à partir du "
                        f"{paris_date(opens)}, 7 jours après leur réception : d'ici là, ils restent réservés "
                        "aux effecteurs pour qui ils ont été commandés.",
                        reason=NOT_REDISTRIBUTABLE_YET,
                    )
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
                    why="non retirés : proposés à d'autres professionnels",
                )
                assert await srepo.move_lot(s, lot_id, vials, to="", offer=True) is not None
                offer_id = names.new_id()
                product = catalogue.get(found.product)
                await srepo.insert_rows(
                    s,
                    srepo.OFFERS,
                    [
                        {
                            "id": offer_id,
                            "finess": finess,
                            "department": found.department,
                            "lot_id": lot_id,
                            "product": found.product,
                            "offered": vials,
                            "available": vials,
                            "eligible_types": " ".join(product.redistributable_to if product else ()),
                            "officine_name": officine_label[:200],
                            "create_by": principal.national_id,
                            "create_time": now,
                        }
                    ],
                )
                await srepo.add_move(
                    s,
                    finess=finess,
                    product=found.product,
                    lot_id=lot_id,
                    kind=OFFERED,
                    vials=vials,
                    day=today.isoformat(),
                    note=sn.offer(finess, offer_id),
                    actor=principal.national_id,
                    move_time=now,
                )
                return Ref(offer_id)

            previous = await self.rules.write(principal, request_id, "CreateOffer", payload, work, Ref.load)
        return await self._offer(finess, previous.id, None)

    async def _offer(self, finess: str, offer_id: str, only_effecteur: str | None) -> OfferView:
        async with self.rules.db.read() as s:
            row = await srepo.offer_with_lot(s, offer_id)
            claims = await srepo.claims(s, [offer_id])
        if row is None or row.finess != finess:
            raise errors.not_found("Offre")
        return offer_view(
            row, [claim_view(c) for c in claims if only_effecteur is None or c.effecteur == only_effecteur]
        )

    async def list_offers(
        self, principal: Principal, parent: str, effecteur: str, page_size: int, page_token: str
    ) -> OfferPage:
        finess = sn.parse_officine(parent, "parent", any_officine=True)
        if effecteur:
            names.check_effecteur(effecteur, "effecteur")
        limit = clamp_page_size(page_size, _DEFAULT_PAGE, _MAX_PAGE)
        filters = {"parent": parent, "effecteur": effecteur}
        before = decode_time_position(page_token, filters)
        today = self.stock.today()
        department: str | None = None
        kind: str | None = None
        if finess != names.ANY:
            if not (principal.is_operator or access.acts_for_officine(principal, finess)):
                raise errors.not_found("Officine")
            mine = None
        else:
            if not effecteur:
                raise InvalidArgument.field(
                    "effecteur", "Indiquez le professionnel pour qui vous cherchez des flacons."
                )
            if not principal.may_act_for(effecteur):
                raise errors.not_found("Effecteur")
            claimer, department = await self._claimer(effecteur)
            if department is None:
                return OfferPage([], "")  # attached to no officine: no département to look in
            kind = claimer.type
            mine = effecteur
        async with self.rules.db.read() as s:
            rows = await srepo.offers(
                s,
                finess=None if finess == names.ANY else finess,
                department=department,
                open_only=mine is not None,
                or_claimed_by=mine,
                usable_from=today.isoformat() if mine is not None else None,
                before=before,
                limit=limit + 1,
            )
            more = len(rows) > limit
            rows = rows[:limit]
            # The token follows the last row read, so a page thinned by eligibility loses nothing.
            token = encode_time_position(rows[-1].create_time, rows[-1].id, filters) if more else ""
            if kind is not None:
                rows = [r for r in rows if rules_.may_receive(r.eligible_types.split(), kind)]
            claims = await srepo.claims(s, [r.id for r in rows])
        by_offer: dict[str, list[ClaimView]] = defaultdict(list)
        for c in claims:
            if mine is None or c.effecteur == mine:
                by_offer[c.offer_id].append(claim_view(c))
        views = [offer_view(r, by_offer[r.id]) for r in rows]
        return OfferPage(views, token)

    async def _claimer(self, effecteur: str) -> tuple[EffecteurAttachment, str | None]:
        """A professional and its département (its officine's); None: attached nowhere."""
        found = await self.rules.attachments.lookup(effecteur)
        if found is None:
            raise errors.not_found("Effecteur")
        if found.officine is None:
            return found, None
        return found, await self.rules.attachments.officine_department(found.officine.split("/")[1])

    async def claim_offer(
        self, principal: Principal, offer: str, effecteur: str, vials: int, request_id: str
    ) -> tuple[ClaimView, OfferView]:
        v = Violations()
        offer_ref = collect(v, sn.parse_child, offer, "offer", "offers")
        collect(v, names.check_effecteur, effecteur, "effecteur")
        self.stock._check_vials(v, vials, "vials")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert offer_ref is not None
        finess, offer_id = offer_ref
        if not principal.may_act_for(effecteur):
            raise errors.not_found("Offre")
        payload = {"offer": offer, "effecteur": effecteur, "vials": vials}
        previous = await self.rules.recorded(principal, request_id, "ClaimOffer", payload, Ref.load)
        if previous is None:
            claimer, department = await self._claimer(effecteur)
            kind = claimer.type
            catalogue = await self.stock.catalogue()
            today = self.stock.today()
            async with self.rules.db.read() as s:
                row = await srepo.offer(s, offer_id)
                found = None if row is None else await srepo.lot(s, row.finess, row.lot_id)
            if row is None or found is None or row.finess != finess or row.department != department:
                raise errors.not_found("Offre")  # another département's offers are not shown to it
            if not rules_.may_receive(row.eligible_types.split(), kind):
                product = catalogue.get(row.product)
                allowed = ", ".join(errors.type_label(t) for t in row.eligible_types.split())
                raise InvalidArgument.field(
                    "effecteur",
                    f"Les flacons de {product.display_name if product else row.product} ne peuvent être remis "
                    f"qu'aux professionnels suivants : {allowed}.",
                    reason=NOT_ELIGIBLE,
                )
            if date.fromisoformat(found.usable_until) < today:
                raise FailedPrecondition(
                    f"Le lot {found.lot_number} de cette offre est périmé depuis le "
                    f"{paris_date(date.fromisoformat(found.usable_until))}.",
                    reason="LOT_EXPIRED",
                )

            async def work(s: AsyncSession, now: datetime) -> Ref:
                if not await srepo.take_from_offer(s, offer_id, vials):
                    current = await srepo.offer(s, offer_id)
                    left = 0 if current is None else current.available
                    raise FailedPrecondition(
                        f"Il ne reste que {_vials(left)} sur cette offre (d'autres professionnels ont réservé les "
                        f"autres) : réservez-en au plus {left}."
                        if left
                        else "Cette offre n'a plus de flacons : un autre professionnel les a réservés avant vous.",
                        reason=OFFER_EXHAUSTED,
                        metadata={"available_vials": str(left)},
                    )
                claim_id = names.new_id()
                await srepo.insert_rows(
                    s,
                    srepo.CLAIMS,
                    [
                        {
                            "id": claim_id,
                            "offer_id": offer_id,
                            "finess": finess,
                            "effecteur": effecteur,
                            "effecteur_name": claimer.display_name[:200],
                            "effecteur_type": claimer.type,
                            "vials": vials,
                            "state": srepo.CLAIMED,
                            "claim_by": principal.national_id,
                            "claim_time": now,
                            "hand_over_by": None,
                            "hand_over_time": None,
                        }
                    ],
                )
                await srepo.add_move(
                    s,
                    finess=finess,
                    product=row.product,
                    lot_id=row.lot_id,
                    kind=CLAIMED,
                    vials=vials,
                    effecteur=effecteur,
                    day=today.isoformat(),
                    note=sn.offer(finess, offer_id),
                    actor=principal.national_id,
                    move_time=now,
                )
                return Ref(claim_id)

            previous = await self.rules.write(principal, request_id, "ClaimOffer", payload, work, Ref.load)
        async with self.rules.db.read() as s:
            claim = await srepo.claim(s, previous.id)
        assert claim is not None
        return claim_view(claim), await self._offer(finess, offer_id, effecteur)

    async def hand_over(self, principal: Principal, name: str, request_id: str) -> ClaimView:
        v = Violations()
        ref = collect(v, sn.parse_claim, name, "name")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        finess, offer_id, claim_id = ref
        access.require_officine_writer(principal, finess, "Réservation")
        today = self.stock.today()
        payload = {"name": name}
        previous = await self.rules.recorded(principal, request_id, "HandOverClaim", payload, Ref.load)
        if previous is None:

            async def work(s: AsyncSession, now: datetime) -> Ref:
                claim = await srepo.claim(s, claim_id)
                row = await srepo.offer(s, offer_id)
                if claim is None or row is None or claim.offer_id != offer_id or row.finess != finess:
                    raise errors.not_found("Réservation")
                await product_state(s, finess, row.product)
                handed = await srepo.hand_over(s, claim_id, principal.national_id, now)
                if handed is None:
                    raise FailedPrecondition(
                        f"Ces flacons ont déjà été remis (le {paris_date(claim.hand_over_time.date())}).",
                        reason=CLAIM_HANDED_OVER,
                    )
                assert await srepo.move_lot(s, row.lot_id, claim.vials, to="handed_over", from_offered=True) is not None
                await srepo.add_move(
                    s,
                    finess=finess,
                    product=row.product,
                    lot_id=row.lot_id,
                    kind=HANDED_OVER,
                    vials=claim.vials,
                    effecteur=claim.effecteur,
                    day=today.isoformat(),
                    note=sn.offer(finess, offer_id),
                    actor=principal.national_id,
                    move_time=now,
                )
                return Ref(claim_id)

            previous = await self.rules.write(principal, request_id, "HandOverClaim", payload, work, Ref.load)
        async with self.rules.db.read() as s:
            claim = await srepo.claim(s, previous.id)
        assert claim is not None
        return claim_view(claim)

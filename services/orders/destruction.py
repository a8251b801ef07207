"""Destroyed vials and their numbered certificates (DESIGN.md §1b "Expiry and destruction").

A declaration names lots and vials (never more than a lot holds outside its
offers), a reason and goes through CYCLAMED. In one transaction: the lots'
counters, the reservations released when reserved vials are destroyed, the
audit moves, and the certificate — numbered "DES-{year}-{seq:06d}" per year
(the primary key makes two issuers racing for a number re-run one of them),
its PDF rendered and stored as issued. The mailer's alert job sends each
certificate once to the quality mailbox.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import Principal
from services.common.errors import InvalidArgument, Violations
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.orders import access, errors, names
from services.orders import repository_stock as srepo
from services.orders import stock_names as sn
from services.orders.certificate_pdf import CertificateData, CertificateLot, render
from services.orders.lines import collect
from services.orders.models import AnyRow
from services.orders.ports import OfficineNames
from services.orders.stock import DESTROYED, StockService, make_room, product_state
from services.orders.stock_views import CertificatePage, CertificateView, DestroyedLotView, Ref

REASONS = ("EXPIRED", "BROKEN", "COLD_CHAIN")
_DEFAULT_PAGE, _MAX_PAGE = 100, 1000


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


def certificate_view(row: AnyRow) -> CertificateView:
    return CertificateView(
        name=sn.certificate(row.finess, row.number),
        number=row.number,
        finess=row.finess,
        department=row.department,
        lots=[DestroyedLotView(**lot) for lot in json.loads(row.lots)],
        reason=row.reason,
        destruction_date=row.destruction_date,
        create_by=row.create_by,
        create_time=row.create_time,
        sha256=row.sha256,
    )


def display_name(principal: Principal) -> str:
    """ "Claire Moreau (RPPS 99700000013)": a PSC national id is "8" + the RPPS number."""
    national = principal.national_id
    number = f"RPPS {national[1:]}" if len(national) == 12 and national.startswith("8") else f"identifiant {national}"
    name = f"{principal.given_name} {principal.family_name}".strip()
    return f"{name} ({number})" if name else number


class DestructionService:
    def __init__(self, stock: StockService, officines: OfficineNames) -> None:
        self.stock = stock
        self.rules = stock.rules
        self.officines = officines

    async def declare(
        self, principal: Principal, parent: str, lots: Sequence[tuple[str, int]], reason: str, request_id: str
    ) -> CertificateView:
        v = Violations()
        finess = collect(v, sn.parse_officine, parent, "parent")
        wanted: dict[str, int] = {}
        if not lots:
            v.add("lots", "Indiquez au moins un lot et le nombre de flacons détruits.")
        for i, (lot, vials) in enumerate(lots):
            ref = collect(v, sn.parse_child, lot, f"lots[{i}].lot", "lots")
            if ref is not None and finess is not None and ref[0] != finess:
                v.add(f"lots[{i}].lot", "Ce lot n'est pas dans le stock de cette officine.")
            elif ref is not None and ref[1] in wanted:
                v.add(f"lots[{i}].lot", "Ce lot figure deux fois : additionnez les flacons sur une seule ligne.")
            elif ref is not None:
                wanted[ref[1]] = vials
            self.stock._check_vials(v, vials, f"lots[{i}].vials")
        if reason not in REASONS:
            v.add("reason", "Indiquez le motif de la destruction : périmés, cassés ou rupture de la chaîne du froid.")
        request_id = collect(v, self.rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert finess is not None
        access.require_officine_writer(principal, finess, "Officine")
        payload = {"parent": parent, "lots": sorted(wanted.items()), "reason": reason}
        previous = await self.rules.recorded(principal, request_id, "DeclareDestruction", payload, Ref.load)
        if previous is None:
            catalogue = await self.stock.catalogue()
            officine_label = await self.officines.officine_label(finess)
            today = self.stock.today()
            fields = {lot_id: f"lots[{i}]" for i, lot_id in enumerate(wanted)}

            async def work(s: AsyncSession, now: datetime) -> Ref:
                found: list[tuple[AnyRow, int]] = []
                for lot_id, vials in sorted(wanted.items()):
                    row = await srepo.lot(s, finess, lot_id)
                    if row is None:
                        raise InvalidArgument.field(
                            f"{fields[lot_id]}.lot", "Lot inconnu dans le stock de cette officine."
                        )
                    found.append((row, vials))
                for product in sorted({row.product for row, _ in found}):
                    state = await product_state(s, finess, product)
                    for row, vials in found:
                        if row.product != product:
                            continue
                        field = f"{fields[row.id]}.vials"
                        if vials > row.in_stock - row.offered:
                            held = row.in_stock - row.offered
                            offered = (
                                f" (hors {_vials(row.offered)} proposés à d'autres professionnels)"
                                if row.offered
                                else ""
                            )
                            raise InvalidArgument.field(
                                field,
                                f"Le lot {row.lot_number} ne contient que {_vials(held)} en stock{offered} : "
                                f"impossible d'en détruire {vials}.",
                                reason="ABOVE_STOCK",
                            )
                    total = sum(vials for row, vials in found if row.product == product)
                    await make_room(
                        s,
                        state,
                        total,
                        today,
                        uncollected_only=False,
                        field=f"{fields[next(r.id for r, _ in found if r.product == product)]}.vials",
                        actor=principal.national_id,
                        now=now,
                        why="détruits avant d'avoir été retirés",
                    )
                year = today.year
                seq = await srepo.next_certificate_seq(s, year)
                number = f"DES-{year}-{seq:06d}"
                for row, vials in found:
                    assert await srepo.move_lot(s, row.id, vials, to="destroyed") is not None
                    await srepo.add_move(
                        s,
                        finess=finess,
                        product=row.product,
                        lot_id=row.id,
                        kind=DESTROYED,
                        vials=vials,
                        day=today.isoformat(),
                        note=number,
                        actor=principal.national_id,
                        move_time=now,
                    )
                department = found[0][0].department
                pdf = render(
                    CertificateData(
                        number=number,
                        officine_label=officine_label,
                        finess=finess,
                        department=department,
                        reason=reason,
                        destruction_date=today,
                        declared_by=display_name(principal),
                        declared_at=now,
                        lots=[
                            CertificateLot(
                                product_label=catalogue[row.product].display_name
                                if row.product in catalogue
                                else row.product,
                                lot_number=row.lot_number,
                                expiry_date=date.fromisoformat(row.expiry_date),
                                vials=vials,
                                doses_per_unit=catalogue[row.product].doses_per_unit if row.product in catalogue else 0,
                            )
                            for row, vials in found
                        ],
                    )
                )
                lots_json = [
                    {
                        "lot": sn.lot(finess, row.id),
                        "vials": vials,
                        "product": row.product,
                        "lot_number": row.lot_number,
                        "expiry_date": row.expiry_date,
                    }
                    for row, vials in found
                ]
                await srepo.insert_rows(
                    s,
                    srepo.CERTIFICATES,
                    [
                        {
                            "number": number,
                            "year": year,
                            "seq": seq,
                            "finess": finess,
                            "department": department,
                            "reason": reason,
                            "destruction_date": today.isoformat(),
                            "lots": json.dumps(lots_json, ensure_ascii=False),
                            "create_by": principal.national_id,
                            "create_time": now,
                            "pdf": pdf,
                            "sha256": hashlib.sha256(pdf).hexdigest(),
                        }
                    ],
                )
                return Ref(number)

            previous = await self.rules.write(principal, request_id, "DeclareDestruction", payload, work, Ref.load)
        view, _ = await self._certificate(finess, previous.id)
        return view

    async def _certificate(self, finess: str | None, number: str) -> tuple[CertificateView, bytes]:
        async with self.rules.db.read() as s:
            row = await srepo.certificate(s, number)
        if row is None or (finess is not None and row.finess != finess):
            raise errors.not_found("Certificat de destruction")
        return certificate_view(row), bytes(row.pdf)

    async def get_pdf(self, principal: Principal, name: str) -> tuple[CertificateView, bytes]:
        finess, number = sn.parse_child(name, "name", "destructionCertificates")
        if not (principal.reads_everything or access.acts_for_officine(principal, finess)):
            raise errors.not_found("Certificat de destruction")
        return await self._certificate(finess, number)

    async def list_certificates(
        self, principal: Principal, parent: str, page_size: int, page_token: str
    ) -> CertificatePage:
        finess = sn.parse_officine(parent, "parent", any_officine=True)
        if finess == names.ANY:
            if not principal.reads_everything:
                raise errors.not_found("Officine")
        elif not (principal.reads_everything or access.acts_for_officine(principal, finess)):
            raise errors.not_found("Officine")
        limit = clamp_page_size(page_size, _DEFAULT_PAGE, _MAX_PAGE)
        filters = {"parent": parent}
        before = decode_time_position(page_token, filters)
        async with self.rules.db.read() as s:
            rows = await srepo.certificates(
                s, finess=None if finess == names.ANY else finess, before=before, limit=limit + 1
            )
        more = len(rows) > limit
        rows = rows[:limit]
        token = encode_time_position(rows[-1].create_time, rows[-1].number, filters) if more else ""
        return CertificatePage([certificate_view(r) for r in rows], token)

    async def recent(self, since: timedelta) -> list[CertificateView]:
        async with self.rules.db.read() as s:
            rows = await srepo.certificates(s, finess=None, since=self.rules.clock.now() - since, limit=10_000)
        return [certificate_view(r) for r in rows]

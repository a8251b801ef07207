"""Supply and national allocation of a closed session (DESIGN.md §1b), operators.

The supply is what SpF can ship per product; the allocation confirms every
line of the session under it (services/orders/allocation.py, the pure rule).
Publishing stores each line's confirmed vials and one `allocations` row, in one
transaction, idempotent by request_id; a session is published once: the supply
and the allocation are frozen from then on (a later correction would be a new,
audited allocation, not built yet).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import Principal
from services.common.errors import Aborted, Violations
from services.common.timefmt import as_utc
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders import repository_allocation as arepo
from services.orders.allocation import Claim, allocate_products
from services.orders.lines import collect
from services.orders.models import AnyRow
from services.orders.ports import SessionWindow
from services.orders.service import OrderRules
from services.orders.views import (
    AllocationOutcome,
    AllocationView,
    DepartmentAllocationView,
    ProductAllocationView,
    SupplyOutcome,
    SupplyView,
)

_STALE_SUPPLY = (
    "L'approvisionnement a été modifié entre-temps (par un collègue) : rechargez-le, "
    "vérifiez l'aperçu de l'allocation, puis recommencez."
)
_INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Cell:
    """Figures of one product in one département."""

    department: str
    product: str
    ordered: int
    confirmed: int
    lines: int
    reduced: int


def assemble(name: str, cells: Iterable[Cell], supply: dict[str, int]) -> AllocationView:
    """National and per-département figures, products and départements sorted."""
    national: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_department: dict[str, list[ProductAllocationView]] = defaultdict(list)
    for c in sorted(cells, key=lambda c: (c.department, c.product)):
        total = national[c.product]
        total[0] += c.ordered
        total[1] += c.confirmed
        total[2] += c.lines
        total[3] += c.reduced
        per_department[c.department].append(
            ProductAllocationView(
                c.product, 0, c.ordered, c.confirmed, c.lines, c.reduced, supply_missing=c.product not in supply
            )
        )
    products = []
    for product in sorted(set(national) | set(supply)):
        ordered, confirmed, lines, reduced = national.get(product, [0, 0, 0, 0])
        products.append(
            ProductAllocationView(
                product,
                supply.get(product, 0),
                ordered,
                confirmed,
                lines,
                reduced,
                supply_missing=product not in supply,
            )
        )
    departments = [DepartmentAllocationView(d, per_department[d]) for d in sorted(per_department)]
    return AllocationView(name, products, departments)


def compute(claims: Sequence[AnyRow], supply: dict[str, int]) -> tuple[dict[str, int], list[Cell]]:
    """Confirmed vials per line id, and the figures per (département, product).
    A product without supply confirms nothing (publishing it is refused)."""
    by_product: dict[str, list[Claim]] = defaultdict(list)
    for row in claims:
        by_product[row.product].append(Claim(row.id, row.vials, as_utc(row.create_time)))
    confirmed = allocate_products(by_product, supply)
    figures: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in claims:
        got = confirmed.get(row.id, 0)
        cell = figures[(row.department, row.product)]
        cell[0] += row.vials
        cell[1] += got
        cell[2] += 1
        cell[3] += int(got < row.vials)
    return confirmed, [Cell(d, p, *values) for (d, p), values in figures.items()]


class SupplyService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def _closed_window(self, session_id: str) -> SessionWindow:
        window = await self.rules.window(session_id)
        if not window.is_closed_at(self.rules.clock.now()):
            raise errors.session_still_open(window.label or window.id, window.close_time)
        return window

    @staticmethod
    def _label(window: SessionWindow) -> str:
        return window.label or f"session {window.id}"

    @staticmethod
    def _supply_view(session_id: str, head: object | None, products: dict[str, int]) -> SupplyView:
        return SupplyView(
            name=names.supply_name(session_id),
            products=sorted(products.items()),
            update_by=getattr(head, "update_by", ""),
            update_time=getattr(head, "update_time", None),
            etag=getattr(head, "etag", ""),
        )

    # -- supply ----------------------------------------------------------------------

    async def get_supply(self, principal: Principal, name: str) -> SupplyView:
        session_id = names.parse_session_child(name, "name", "supply")
        access.require_operator(principal)
        await self.rules.window(session_id)
        async with self.rules.db.read() as s:
            head, products = await arepo.get_supply(s, session_id)
        return self._supply_view(session_id, head, products)

    async def update_supply(
        self, principal: Principal, name: str, etag: str, products: list[tuple[str, int]], request_id: str
    ) -> SupplyOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session_child, name, "supply.name", "supply")
        catalogue = await rules.sessions.products()
        wanted: dict[str, int] = {}
        for i, (product, vials) in enumerate(products):
            field = f"supply.products[{i}]"
            if product not in catalogue:
                v.add(f"{field}.product", f"Produit inconnu du catalogue : « {product} ».")
            elif product in wanted:
                v.add(f"{field}.product", f"Le produit « {product} » figure deux fois.")
            if vials < 0:
                v.add(f"{field}.vials", "Le nombre de flacons disponibles ne peut pas être négatif.")
            elif vials > _INT32_MAX:
                v.add(f"{field}.vials", "Nombre de flacons trop grand.")
            wanted.setdefault(product, vials)
        if not products:
            v.add("supply.products", "Indiquez au moins un produit et ses flacons disponibles.")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None
        access.require_operator(principal)
        payload = {"name": name, "etag": etag, "products": sorted(wanted.items())}
        previous = await rules.recorded(principal, request_id, "UpdateSupply", payload, SupplyOutcome.load)
        if previous is not None:
            return previous
        window = await self._closed_window(session_id)

        async def work(s: AsyncSession, now: datetime) -> SupplyOutcome:
            published = await arepo.get_allocation(s, session_id)
            if published is not None:
                raise errors.allocation_published(self._label(window), published.publish_time, published.publish_by)
            head, before = await arepo.get_supply(s, session_id)
            if head is not None and not etag:
                v.add("supply.etag", "Renvoyez l'etag de l'approvisionnement lu, pour ne pas écraser une autre saisie.")
                v.raise_if_any()
            if head is not None and head.etag != etag:
                raise Aborted(_STALE_SUPPLY, metadata={"etag": head.etag})
            stored = await arepo.put_supply(
                s,
                session_id,
                wanted,
                old_etag=None if head is None else head.etag,
                new_etag=names.new_etag(),
                actor=principal.national_id,
                now=now,
            )
            if not stored:
                raise Aborted(_STALE_SUPPLY)
            # Checked again now that we hold the supply row: a publish that held it
            # before us has committed, and its allocation is visible here.
            published = await arepo.get_allocation(s, session_id)
            if published is not None:
                raise errors.allocation_published(self._label(window), published.publish_time, published.publish_by)
            await s.run_sync(
                repo.add_changes,
                *[
                    repo.Audit.by(principal, now, request_id).change(
                        names.supply_name(session_id), "UPDATE_SUPPLY", before.get(product, 0), vials, note=product
                    )
                    for product, vials in sorted(wanted.items())
                ],
            )
            head, after = await arepo.get_supply(s, session_id)
            return SupplyOutcome(self._supply_view(session_id, head, after))

        return await rules.write(principal, request_id, "UpdateSupply", payload, work, SupplyOutcome.load)

    # -- allocation -------------------------------------------------------------------

    async def preview(self, principal: Principal, session: str) -> AllocationView:
        session_id = names.parse_session(session, "session")
        access.require_operator(principal)
        await self._closed_window(session_id)
        async with self.rules.db.read() as s:
            _, supply = await arepo.get_supply(s, session_id)
            claims = await arepo.session_claims(s, session_id)
        _, cells = compute(claims, supply)
        return assemble(names.allocation_name(session_id), cells, supply)

    async def _labels(self, products: set[str]) -> list[str]:
        catalogue = await self.rules.sessions.products()
        return [catalogue[p].display_name if p in catalogue else p for p in sorted(products)]

    async def publish(self, principal: Principal, session: str, supply_etag: str, request_id: str) -> AllocationOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session, session, "session")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None
        access.require_operator(principal)
        payload = {"session": session, "supply_etag": supply_etag}
        previous = await rules.recorded(principal, request_id, "PublishAllocation", payload, AllocationOutcome.load)
        if previous is not None:
            return previous
        window = await self._closed_window(session_id)
        async with rules.db.read() as s:
            _, supply = await arepo.get_supply(s, session_id)
            products = await arepo.ordered_products(s, session_id)
        missing = await self._labels(products - set(supply))  # catalogue read outside the write transaction

        async def work(s: AsyncSession, now: datetime) -> AllocationOutcome:
            published = await arepo.get_allocation(s, session_id)
            if published is not None:
                raise errors.allocation_published(self._label(window), published.publish_time, published.publish_by)
            if supply_etag and not await arepo.lock_supply(s, session_id, supply_etag):
                raise Aborted(_STALE_SUPPLY)
            head, supply = await arepo.get_supply(s, session_id)
            claims = await arepo.session_claims(s, session_id)
            if {row.product for row in claims} - set(supply):
                raise errors.supply_missing(missing or sorted({row.product for row in claims} - set(supply)))
            current_etag = "" if head is None else head.etag
            if current_etag != supply_etag:
                raise Aborted(_STALE_SUPPLY, metadata={"etag": current_etag})
            confirmed, cells = compute(claims, supply)
            if not await arepo.insert_allocation(
                s, session_id, actor=principal.national_id, now=now, supply=supply, supply_etag=current_etag
            ):  # a concurrent publish won (its row is committed: we waited on it)
                winner = await arepo.get_allocation(s, session_id)
                if winner is None:
                    raise errors.allocation_published(self._label(window), now, principal.national_id)
                raise errors.allocation_published(self._label(window), winner.publish_time, winner.publish_by)
            await arepo.set_confirmed(s, confirmed)
            await s.run_sync(
                repo.add_changes,
                repo.Audit.by(principal, now, request_id).change(
                    names.allocation_name(session_id),
                    "PUBLISH_ALLOCATION",
                    sum(row.vials for row in claims),
                    sum(confirmed.values()),
                    note=json.dumps({"supply": dict(sorted(supply.items())), "etag": current_etag}),
                ),
            )
            view = assemble(names.allocation_name(session_id), cells, supply)
            return AllocationOutcome(
                AllocationView(view.name, view.products, view.departments, principal.national_id, now, None)
            )

        return await rules.write(principal, request_id, "PublishAllocation", payload, work, AllocationOutcome.load)

    async def get_allocation(self, principal: Principal, name: str) -> AllocationView:
        session_id = names.parse_session_child(name, "name", "allocation")
        if not principal.reads_everything:
            raise errors.operators_only()
        async with self.rules.db.read() as s:
            published = await arepo.get_allocation(s, session_id)
            if published is None:
                raise errors.not_found("Allocation publiée")
            rows = await arepo.allocation_cells(s, session_id)
        supply = json.loads(published.supply)
        cells = [
            Cell(r.department, r.product, int(r.ordered), int(r.confirmed), int(r.lines), int(r.reduced)) for r in rows
        ]
        view = assemble(names.allocation_name(session_id), cells, supply)
        return AllocationView(
            view.name,
            view.products,
            view.departments,
            published.publish_by,
            published.publish_time,
            published.confirmations_sent_time,
        )

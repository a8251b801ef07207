"""The product catalogue: vaccines first, consumables with the same fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import AlreadyExists, InvalidArgument, Violations
from services.common.idempotency import Idempotency, check_request_id, fingerprint
from services.common.masks import check_mask
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.common.text import CONTROL_CHARACTERS, has_control_characters
from services.sessions import errors
from services.sessions import repository as repo
from services.sessions.access import check_etag, require_operator
from services.sessions.domain import (
    ID_PATTERN,
    PRODUCT_FIELDS,
    EffecteurType,
    Product,
    ProductDraft,
    parse_name,
)
from services.sessions.models import idempotency_keys


def _draft_of(product: Product) -> ProductDraft:
    return ProductDraft(
        display_name=product.display_name,
        unit=product.unit,
        doses_per_unit=product.doses_per_unit,
        shelf_life_days=product.shelf_life_days,
        paediatric=product.paediatric,
        redistributable_to=tuple(t.name for t in product.redistributable_to),
        orderable_from=product.orderable_from,
        orderable_until=product.orderable_until,
        active=product.active,
        display_order=product.display_order,
    )


def _validated(product_id: str, draft: ProductDraft, revision: int) -> Product:
    """A product from a draft, or InvalidArgument naming every bad field (product.*)."""
    violations = Violations()
    display_name = draft.display_name.strip()
    unit = draft.unit.strip()
    if not display_name:
        violations.add("product.display_name", "Le nom du produit est obligatoire.")
    elif len(display_name) > 200:
        violations.add("product.display_name", "Le nom du produit ne doit pas dépasser 200 caractères.")
    elif has_control_characters(display_name):
        violations.add("product.display_name", CONTROL_CHARACTERS)
    if not unit:
        violations.add("product.unit", "L'unité commandée est obligatoire (par exemple « flacon »).")
    elif len(unit) > 100:
        violations.add("product.unit", "L'unité ne doit pas dépasser 100 caractères.")
    elif has_control_characters(unit):
        violations.add("product.unit", CONTROL_CHARACTERS)
    if draft.doses_per_unit < 0:
        violations.add("product.doses_per_unit", "Le nombre de doses ne peut pas être négatif.")
    if draft.shelf_life_days is not None and draft.shelf_life_days <= 0:
        violations.add("product.shelf_life_days", "La durée de conservation doit être d'au moins un jour.")
    types = []
    for code in draft.redistributable_to:
        effecteur_type = EffecteurType.from_code(code)
        if effecteur_type is None:
            violations.add("product.redistributable_to", f"Type d'effecteur inconnu : « {code} ».")
        elif effecteur_type not in types:
            types.append(effecteur_type)
    if draft.orderable_from and draft.orderable_until and draft.orderable_until <= draft.orderable_from:
        violations.add("product.orderable_until", "La fin de la période de commande doit être postérieure à son début.")
    violations.raise_if_any()
    return Product(
        id=product_id,
        display_name=display_name,
        unit=unit,
        doses_per_unit=draft.doses_per_unit,
        shelf_life_days=draft.shelf_life_days,
        paediatric=draft.paediatric,
        redistributable_to=tuple(sorted(types, key=lambda t: t.value)),
        orderable_from=draft.orderable_from,
        orderable_until=draft.orderable_until,
        active=draft.active,
        display_order=draft.display_order,
        revision=revision,
    )


class CatalogueService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.once = Idempotency(db, idempotency_keys, clock)

    async def list_products(
        self, *, include_inactive: bool = False, page_size: int = 0, page_token: str = ""
    ) -> tuple[list[Product], str]:
        """Public. In display order."""
        limit = clamp_page_size(page_size, 100, 500)
        filters = {"list": "products", "inactive": include_inactive}
        after = decode_token(page_token, filters)
        position = tuple(after) if after else None
        products = await self.db.run_read(
            lambda db: repo.list_products(db, include_inactive=include_inactive, after=position, limit=limit + 1)
        )
        more = len(products) > limit
        products = products[:limit]
        token = encode_token([products[-1].display_order, products[-1].id], filters) if more else ""
        return products, token

    async def get_product(self, name: str) -> Product:
        """Public."""
        product_id = parse_name(name, "products", "name", "produit")
        product = await self.db.run_read(lambda db: repo.get_product(db, product_id))
        if product is None:
            raise errors.product_not_found(product_id)
        return product

    async def create_product(
        self, caller: Principal | None, product_id: str, draft: ProductDraft, *, request_id: str = ""
    ) -> Product:
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        if not ID_PATTERN.match(product_id):
            raise InvalidArgument.field(
                "product_id", f"Identifiant invalide : « {product_id} » (minuscules, chiffres et tirets)."
            )
        product = _validated(product_id, draft, revision=1)

        async def write(db: AsyncSession, now: datetime) -> Product:
            if await db.run_sync(repo.get_product, product_id) is not None:
                raise AlreadyExists(f"Le produit « {product_id} » existe déjà.", reason="PRODUCT_EXISTS")
            await repo.insert_product(db, product, now)
            return product

        digest = fingerprint(principal.national_id, {"id": product_id, **asdict(draft)})
        return await self._once(request_id, "CreateProduct", digest, write)

    async def update_product(
        self,
        caller: Principal | None,
        name: str,
        draft: ProductDraft,
        *,
        mask: set[str],
        etag: str = "",
        request_id: str = "",
    ) -> Product:
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        product_id = parse_name(name, "products", "product.name", "produit")
        fields = check_mask(mask, PRODUCT_FIELDS)
        digest = fingerprint(principal.national_id, {"id": product_id, "etag": etag, "mask": fields, **asdict(draft)})

        async def write(db: AsyncSession, now: datetime) -> Product:
            current = await db.run_sync(repo.get_product, product_id)
            if current is None:
                raise errors.product_not_found(product_id)
            check_etag(etag, current.etag, "Le produit")
            merged = replace(_draft_of(current), **{f: getattr(draft, f) for f in fields})
            product = _validated(product_id, merged, revision=current.revision + 1)
            await repo.update_product(db, product, now)
            return product

        return await self._once(request_id, "UpdateProduct", digest, write)

    async def _once(
        self,
        request_id: str,
        operation: str,
        digest: str,
        write: Callable[[AsyncSession, datetime], Awaitable[Product]],
    ) -> Product:
        """A retry gets the product as it is now (the one the first call wrote, or later)."""
        return await self.once.run(
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda product: {"product": product.id},
            load=lambda outcome: self.get_product(f"products/{outcome['product']}"),
        )

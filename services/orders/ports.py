"""What the orders domain reads from other services, as small interfaces.

The domain depends on these Protocols only; clients.py implements them over
gRPC (SessionService, EffecteurService) with caches and deadlines. Values are
plain frozen dataclasses: no protobuf crosses into the domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class SessionWindow:
    """An order session: orders are taken while open_time <= now < close_time;
    confirmed vials are delivered between delivery_from_date and delivery_to_date
    (inclusive), announced by e-mail on confirmation_email_date."""

    id: str  # "2022-03-07"
    label: str  # "Session du 7 mars 2022"
    open_time: datetime
    close_time: datetime
    delivery_from_date: date | None = None
    delivery_to_date: date | None = None
    confirmation_email_date: date | None = None

    def is_open_at(self, at: datetime) -> bool:
        return self.open_time <= at < self.close_time

    def is_closed_at(self, at: datetime) -> bool:
        return at >= self.close_time


@dataclass(frozen=True)
class Maintenance:
    """A period when the whole service is closed for maintenance (start inclusive, end exclusive)."""

    start: datetime
    end: datetime
    message: str

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class ProductInfo:
    """A catalogue entry, for its label and doses. Whether it can be ordered is
    not read here: sessions folds it into the effective quota table."""

    name: str  # "products/moderna"
    display_name: str
    doses_per_unit: int
    # After delivery: days usable at 2-8 °C (None: the lot's expiry only) and the
    # effecteur types its vials may be passed on to (empty: any).
    shelf_life_days: int | None = None
    redistributable_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuotaRule:
    """One cell of the quota table in force. kind: UNLIMITED, CAPPED or NOT_OPEN;
    not_open_reason says why a product cannot be ordered at all then (French)."""

    kind: str
    max_vials: int = 0
    soft_threshold: int = 0
    not_open_reason: str = ""


@dataclass(frozen=True)
class QuotaTable:
    """A session's quota table as effective at `effective_at` (SessionService's
    answer, the products' orderable state folded in): (type, product) -> rule.
    The same answer holds until `valid_until` (None: no known change), as long as
    no new version is published."""

    name: str  # "sessions/2022-03-07/quotaTables/2"
    rules: dict[tuple[str, str], QuotaRule]
    effective_at: datetime | None = None
    valid_until: datetime | None = None

    def holds_at(self, at: datetime) -> bool:
        """Whether this answer is still the answer at `at` (as far as known when read)."""
        if self.effective_at is not None and at < self.effective_at:
            return False
        return self.valid_until is None or at < self.valid_until


@dataclass(frozen=True)
class EffecteurAttachment:
    """An effecteur as EffecteurService knows it now, and where it is attached."""

    effecteur: str  # "effecteurs/rpps:99700000104"
    type: str  # "MEDECIN" (vaxorders.type.v1.EffecteurType without its prefix)
    display_name: str
    officine: str | None  # "officines/759900111", None when attached nowhere


class SessionDirectory(Protocol):
    """Sessions, products and quota tables (SessionService)."""

    async def session(self, session_id: str) -> SessionWindow | None:
        """The session, or None when it does not exist."""
        ...

    async def sessions(self) -> list[SessionWindow]:
        """Every session (for the next opening and expiry of requests)."""
        ...

    async def maintenance(self) -> list[Maintenance]:
        """MAINTENANCE windows of the service calendar: no order entry during them."""
        ...

    async def products(self) -> dict[str, ProductInfo]:
        """The catalogue, inactive products included, by resource name."""
        ...

    async def quota_table(self, session_id: str, at: datetime) -> QuotaTable | None:
        """The session's table as effective at `at` (the version in force then,
        each product's orderable state folded in), or None when none is published."""
        ...


class AttachmentDirectory(Protocol):
    """Effecteurs, their current attachment, officines (EffecteurService)."""

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        """The effecteur and its officine at this moment; None when unknown."""
        ...

    async def lookup_many(self, effecteurs: Sequence[str]) -> dict[str, EffecteurAttachment | None]:
        """`lookup` of each (a grid save's effecteurs), keyed by effecteur."""
        ...

    async def officine_department(self, finess: str) -> str:
        """Département code of the officine ("75", "2A", "971")."""
        ...


class OfficineNames(Protocol):
    """Officines' names, for the documents orders issues (destruction certificates)."""

    async def officine_label(self, finess: str) -> str:
        """ "Pharmacie des Lilas"; the FINESS itself when the name cannot be read."""
        ...

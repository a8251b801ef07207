"""Rules of the vials once delivered (DESIGN.md §1b), pure: no I/O, no clock.

Dates are Paris calendar days: the caller turns the server's instant into
`today` with `paris_today` once, and every rule below is a function of dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.common.timefmt import PARIS, as_utc

# Vials not collected this many days after receipt may be used or offered by the officine.
UNCOLLECTED_AFTER_DAYS = 7
# E-mail and web alerts when a lot's usable-until date is this close (days).
ALERT_THRESHOLDS = (7, 2)
EXPIRED = -1  # alert level of a lot past its usable-until date


def paris_today(now: datetime) -> date:
    return as_utc(now).astimezone(PARIS).date()


def usable_until(expiry: date, receipt: date, shelf_life_days: int | None) -> date:
    """The last day a vial may be used: the earlier of its lot's expiry and the
    receipt date plus the product's shelf life at 2-8 °C (none: the expiry)."""
    if shelf_life_days is None:
        return expiry
    return min(expiry, receipt + timedelta(days=shelf_life_days))


def redistributable_from(receipt: date) -> date:
    return receipt + timedelta(days=UNCOLLECTED_AFTER_DAYS)


def is_uncollected(receipt: date, today: date) -> bool:
    """Vials meant for an effecteur and still there 7 days after receipt."""
    return today >= redistributable_from(receipt)


def days_left(until: date, today: date) -> int:
    return (until - today).days


def alert_level(until: date, today: date) -> int | None:
    """EXPIRED once past the usable-until day; else the smallest threshold
    reached (2, then 7 days); None when further away."""
    left = days_left(until, today)
    if left < 0:
        return EXPIRED
    reached = [t for t in ALERT_THRESHOLDS if left <= t]
    return min(reached) if reached else None


def may_receive(redistributable_to: Sequence[str], effecteur_type: str) -> bool:
    """Whether vials of a product may go to this type of professional: the
    catalogue's `redistributable_to` (empty: anyone who vaccinates)."""
    return not redistributable_to or effecteur_type in redistributable_to


@dataclass(frozen=True)
class LotCounts:
    """Where the vials of a lot went; in stock is what is left, never negative."""

    received: int
    picked_up: int = 0
    handed_over: int = 0
    used: int = 0
    destroyed: int = 0

    @property
    def in_stock(self) -> int:
        return self.received - self.picked_up - self.handed_over - self.used - self.destroyed

    def balanced(self) -> bool:
        return self.in_stock >= 0 and min(self.picked_up, self.handed_over, self.used, self.destroyed) >= 0


def reconcile(lots: Iterable[LotCounts]) -> LotCounts:
    """received = picked up + handed over + used + destroyed + in stock, summed."""
    total = LotCounts(0)
    for lot in lots:
        total = LotCounts(
            total.received + lot.received,
            total.picked_up + lot.picked_up,
            total.handed_over + lot.handed_over,
            total.used + lot.used,
            total.destroyed + lot.destroyed,
        )
    return total


@dataclass(frozen=True)
class Confirmed:
    """Vials of one product confirmed for one effecteur at an officine, in the
    order its lines were entered (the officine's own needs flagged)."""

    effecteur: str
    vials: int
    own: bool = False


def assign(confirmed: Sequence[Confirmed], received: int) -> dict[str, int]:
    """Received vials of one product, shared among the lines they were confirmed for.

    The effecteurs come first, in the order given (their order time), each up to
    what was confirmed for it; the officine's own needs get what is left, a
    surplus included. So a short delivery costs the officine first, and then the
    effecteurs who ordered last."""
    left = received
    shares: dict[str, int] = {}
    own = ""
    for line in confirmed:
        if line.own:
            own = line.effecteur
            continue
        got = min(line.vials, left)
        shares[line.effecteur] = shares.get(line.effecteur, 0) + got
        left -= got
    if own or left:
        shares[own] = shares.get(own, 0) + left
    return shares


@dataclass(frozen=True)
class Waiting:
    """Vials of a product reserved for an effecteur by one receipt, not collected."""

    key: str  # the reservation's id
    vials: int
    receipt: date


def take(reservations: Sequence[Waiting], wanted: int) -> list[tuple[str, int]]:
    """Reservations to draw `wanted` vials from, oldest receipt first (then key):
    how many from each. Fewer in total when there are not enough."""
    taken: list[tuple[str, int]] = []
    for r in sorted(reservations, key=lambda r: (r.receipt, r.key)):
        if wanted <= 0:
            break
        n = min(r.vials, wanted)
        if n > 0:
            taken.append((r.key, n))
            wanted -= n
    return taken

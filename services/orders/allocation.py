"""The national allocation rule of DESIGN.md §1b, as a pure function (no I/O).

Per product, for the lines of a closed session and the vials SpF can ship:

- demand <= supply: every line is confirmed as ordered;
- demand > supply: each line gets floor(ordered × supply / demand); the vials
  left over go one by one to the lines with the largest fractional remainders
  (largest-remainder method), ties broken by the earliest order time, then by
  the line name. A line never gets more than it ordered, and the confirmed
  total equals the supply exactly.

Integer arithmetic only: the remainder of a line is (ordered × supply) mod
demand, compared exactly (all remainders share the denominator `demand`), so
no float rounding can ever reorder two lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Claim:
    """One order line as the rule sees it."""

    name: str  # the line's resource name: unique, the last tie-breaker
    ordered: int  # vials ordered, >= 0
    create_time: datetime  # when it was ordered: earlier wins a tie


def allocate(claims: Iterable[Claim], supply: int) -> dict[str, int]:
    """Confirmed vials per line name, for one product."""
    if supply < 0:
        raise ValueError("supply must be >= 0")
    lines = list(claims)
    if any(c.ordered < 0 for c in lines):
        raise ValueError("ordered must be >= 0")
    if len({c.name for c in lines}) != len(lines):
        raise ValueError("line names must be unique")
    demand = sum(c.ordered for c in lines)
    if demand <= supply:
        return {c.name: c.ordered for c in lines}
    confirmed = {c.name: c.ordered * supply // demand for c in lines}
    left = supply - sum(confirmed.values())
    # Σ floor(o·s/d) > s − n, so fewer vials are left than there are lines with a
    # remainder; a line with a remainder is below its ordered quantity, so one
    # more vial never takes it above what it ordered.
    by_remainder = sorted(
        (c for c in lines if (c.ordered * supply) % demand),
        key=lambda c: (-((c.ordered * supply) % demand), c.create_time, c.name),
    )
    for claim in by_remainder[:left]:
        confirmed[claim.name] += 1
    return confirmed


def allocate_products(claims: Mapping[str, Iterable[Claim]], supply: Mapping[str, int]) -> dict[str, int]:
    """Every product at once: confirmed vials per line name. A product without
    a supply is not allocated (the caller refuses to publish it)."""
    confirmed: dict[str, int] = {}
    for product, lines in claims.items():
        if product in supply:
            confirmed.update(allocate(lines, supply[product]))
    return confirmed

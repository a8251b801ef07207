"""The degraded mode while ProSantéConnect is unreachable (DESIGN.md §1b,
docs/psc-outage.md): the rule, in one place, for every service and the gateway.

A caller whose last PSC access token has expired, while PSC cannot be reached
to renew it, is accepted:
- under GRACE for `grace` after that token's expiry: reads and writes, each
  write marked in the audit trail of the service that owns the data;
- READ_ONLY after that, until `read_only` after the expiry: reads only, every
  write refused by the service that owns the data (FAILED_PRECONDITION);
- not at all later, nor when PSC answers (it then renews or refuses: PSC
  saying no never gets grace), nor for a token that fails any other check.

Reads and writes are told apart by the RPC's verb (AIP standard and custom
methods): an RPC that does not start with a read verb is a write, so a new
RPC is refused in READ_ONLY until it is known to be a read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import structlog

from services.common.context import Principal
from services.common.errors import FailedPrecondition
from services.common.settings import CommonSettings
from services.common.timefmt import paris_long


class PscMode(StrEnum):
    VERIFIED = ""  # PSC vouched for the token and it has not expired
    GRACE = "GRACE"
    READ_ONLY = "READ_ONLY"


# Verbs of the RPCs that change nothing (Get, List, BatchGet..., and the read-only custom methods).
READ_VERBS = ("Get", "List", "BatchGet", "Check", "Count", "Export", "Lookup", "Preview", "Resolve", "Validate")

READ_ONLY_REASON = "PSC_UNAVAILABLE_READ_ONLY"

log = structlog.get_logger("psc")


@dataclass(frozen=True)
class OutagePolicy:
    grace: timedelta
    read_only: timedelta

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> OutagePolicy:
        return cls(
            grace=timedelta(seconds=settings.psc_grace_seconds),
            read_only=timedelta(seconds=max(settings.psc_read_only_seconds, settings.psc_grace_seconds)),
        )

    def mode(self, expired_at: datetime, now: datetime) -> PscMode | None:
        """What a token that expired at `expired_at` still allows now, PSC being unreachable;
        None: nothing (it is refused as expired)."""
        late = now - expired_at
        if late <= self.grace:
            return PscMode.GRACE
        if late <= self.read_only:
            return PscMode.READ_ONLY
        return None

    def grace_until(self, expired_at: datetime) -> datetime:
        return expired_at + self.grace


def is_read(full_method: str) -> bool:
    """'/vaxorders.orders.v1.OrderService/ListOrderLines' -> True."""
    name = full_method.rsplit("/", 1)[-1]
    return name.startswith(READ_VERBS)


def read_only_refusal(principal: Principal) -> FailedPrecondition:
    since = f" depuis le {paris_long(principal.psc_grace_until)}" if principal.psc_grace_until else ""
    return FailedPrecondition(
        "Pro Santé Connect ne répond pas et votre identité n'a pas pu être vérifiée à nouveau : "
        f"les modifications sont suspendues{since}. Vous pouvez consulter vos données ; "
        "les modifications seront de nouveau possibles dès le retour de Pro Santé Connect.",
        reason=READ_ONLY_REASON,
    )


def check_outage_mode(principal: Principal, full_method: str) -> None:
    """Run by the server interceptor of every service for an authenticated, non-public RPC.

    Each write under GRACE is also logged (the log event carries the caller, the request id
    and the method); the services' own audit tables mark it too (Principal.under_psc_grace).
    """
    if is_read(full_method):
        return
    if principal.psc_mode == PscMode.READ_ONLY:
        raise read_only_refusal(principal)
    if principal.psc_mode == PscMode.GRACE:
        log.warning("audit.write_under_psc_grace", grace_until=str(principal.psc_grace_until))

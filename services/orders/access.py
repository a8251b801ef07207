"""Who may see and change what. Anything not the caller's reads as not found.

- an officine's pharmacists (acts_for "officines/{finess}"): everything of that officine;
- an effecteur (acts_for "effecteurs/..."): its own lines and requests, wherever;
- operators: read everything, write nothing (they do not order); after the
  session they alone set the supply, publish the allocation and plan deliveries;
- support agents (allow-listed): read one officine's lines, requests, summary and
  deliveries, to answer "when and how much will I receive"; write nothing;
- service identities (a job, role SERVICE): read what their grants let them
  call (deliveries, the allocation, the date-change feed) and record sent
  confirmations; every other write is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.context import Principal
from services.common.errors import InvalidArgument, PermissionDenied
from services.orders import errors
from services.orders.names import ANY, OfficineOrder, officine_name


def acts_for_officine(principal: Principal, finess: str) -> bool:
    return principal.may_act_for(officine_name(finess))


def reads_officine(principal: Principal, finess: str) -> bool:
    """Its pharmacists, operators and support agents read everything of an officine."""
    return principal.is_operator or principal.is_support_agent or acts_for_officine(principal, finess)


def may_read(principal: Principal, finess: str, effecteur: str) -> bool:
    return reads_officine(principal, finess) or principal.may_act_for(effecteur)


def require_officine_writer(principal: Principal, finess: str, what: str = "Commande") -> None:
    """Writes on an officine's order: its own pharmacists only."""
    if acts_for_officine(principal, finess):
        return
    if principal.is_operator:
        raise PermissionDenied(
            "Les opérateurs consultent les commandes mais n'en saisissent pas.", reason=errors.OPERATORS_ONLY
        )
    if principal.is_support_agent:
        raise PermissionDenied(
            "Les agents du support consultent les commandes mais ne peuvent pas les modifier.",
            reason="SUPPORT_READ_ONLY",
        )
    raise errors.not_found(what)


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise errors.operators_only()


@dataclass(frozen=True)
class ListScope:
    """What a list may return: None means no restriction on that column."""

    finess: str | None
    session_id: str | None
    effecteur: str | None


def list_scope(principal: Principal, parent: OfficineOrder, effecteur: str, what: str) -> ListScope:
    """Scope of ListOrderLines / ListVialRequests for this caller and parent.

    "sessions/{s|-}/officines/{finess}": the officine (or an operator) sees all of
    it; an effecteur sees its own there when it names itself in `effecteur`.
    "sessions/{s|-}/officines/-": operators; an effecteur with `effecteur` set to itself.
    """
    session_id = None if parent.session_id == ANY else parent.session_id
    wanted = effecteur or None
    if parent.finess != ANY:
        if reads_officine(principal, parent.finess):
            return ListScope(parent.finess, session_id, wanted)
        if wanted is not None and principal.may_act_for(wanted):
            return ListScope(parent.finess, session_id, wanted)
        raise errors.not_found(what)
    if principal.is_operator:
        return ListScope(None, session_id, wanted)
    if wanted is None:
        raise InvalidArgument.field(
            "effecteur", "Pour lire vos commandes sur toutes les officines, indiquez l'effecteur que vous représentez."
        )
    if principal.may_act_for(wanted):
        return ListScope(None, session_id, wanted)
    raise errors.not_found(what)


def delivery_scope(principal: Principal, parent: OfficineOrder, effecteur: str, what: str) -> ListScope:
    """Scope of ListDeliveries: as list_scope, and a service identity (the
    mailer's job, granted ListDeliveries) reads everything like an operator."""
    if principal.is_service:
        session_id = None if parent.session_id == ANY else parent.session_id
        finess = None if parent.finess == ANY else parent.finess
        return ListScope(finess, session_id, effecteur or None)
    return list_scope(principal, parent, effecteur, what)

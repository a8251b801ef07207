"""Reasons and messages specific to the mailer."""

from __future__ import annotations

from datetime import datetime

from services.common.errors import FailedPrecondition, NotFound, PermissionDenied, QuotaExceeded
from services.common.timefmt import paris_long


def message_not_found() -> NotFound:
    return NotFound("Ce message est introuvable.", reason="MESSAGE_NOT_FOUND")


def operators_only() -> PermissionDenied:
    return PermissionDenied(
        "Cette action est réservée aux opérateurs de Santé publique France.", reason="OPERATORS_ONLY"
    )


def confirmations_refused() -> PermissionDenied:
    return PermissionDenied(
        "L'envoi des confirmations de livraison est réservé aux opérateurs de Santé publique France.",
        reason="OPERATORS_ONLY",
    )


def session_not_found() -> NotFound:
    return NotFound("Cette session de commande est introuvable.", reason="SESSION_NOT_FOUND")


def _the(label: str) -> str:
    """'la session du 7 mars 2022', from the label 'Session du 7 mars 2022'."""
    label = label or "session"
    return f"la {label[:1].lower()}{label[1:]}"


def session_not_closed(label: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"L{_the(label)[1:]} n'est pas encore close : les confirmations de livraison "
        "ne peuvent être envoyées qu'après la clôture des commandes.",
        reason="SESSION_NOT_CLOSED",
    )


def allocation_not_published(label: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"L'allocation de {_the(label)} n'est pas encore publiée : publiez-la avant "
        "d'envoyer les confirmations de livraison.",
        reason="ALLOCATION_NOT_PUBLISHED",
    )


# --- the support desk ---------------------------------------------------------


def agents_only() -> PermissionDenied:
    return PermissionDenied("Cette action est réservée aux agents du support.", reason="SUPPORT_AGENTS_ONLY")


def request_not_found() -> NotFound:
    return NotFound("Cette demande de support est introuvable.", reason="SUPPORT_REQUEST_NOT_FOUND")


def already_closed() -> FailedPrecondition:
    return FailedPrecondition(
        "Cette demande est close : elle ne peut plus être modifiée.", reason="SUPPORT_REQUEST_CLOSED"
    )


def rate_limited(limit: int, until: datetime) -> QuotaExceeded:
    return QuotaExceeded(
        f"Vous avez déjà envoyé {limit} demandes au support en moins d'une heure. "
        f"Vous pourrez en envoyer une nouvelle à partir du {paris_long(until)} ; "
        "le support traite déjà celles que vous avez envoyées.",
        reason="SUPPORT_RATE_LIMITED",
        metadata={"limit": str(limit), "retry_after": until.isoformat()},
    )

"""Refusals of the orders service: ErrorInfo reasons and their French messages."""

from __future__ import annotations

from datetime import datetime

from services.common import vocabulary
from services.common.errors import FailedPrecondition, NotFound, PermissionDenied, QuotaExceeded
from services.common.timefmt import as_utc, paris_long

SESSION_CLOSED = "SESSION_CLOSED"
SESSION_NOT_CLOSED = "SESSION_NOT_CLOSED"
SERVICE_MAINTENANCE = "SERVICE_MAINTENANCE"
PRODUCT_NOT_OPEN = "PRODUCT_NOT_OPEN"
QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
ABOVE_SOFT_THRESHOLD = "ABOVE_SOFT_THRESHOLD"
EFFECTEUR_NOT_ATTACHED = "EFFECTEUR_NOT_ATTACHED"
REQUEST_NOT_PENDING = "REQUEST_NOT_PENDING"
OPERATORS_ONLY = "OPERATORS_ONLY"
SESSION_STILL_OPEN = "SESSION_STILL_OPEN"
ALLOCATION_PUBLISHED = "ALLOCATION_PUBLISHED"
ALLOCATION_NOT_PUBLISHED = "ALLOCATION_NOT_PUBLISHED"
SUPPLY_MISSING = "SUPPLY_MISSING"
NO_DELIVERY_WINDOW = "NO_DELIVERY_WINDOW"

# The shared labels; where an officine reads them in a message, institutions also by their acronym.
_WITH_ACRONYM = frozenset({"MSP", "CDS", "LBM", "FAM", "MAS", "USLD", "SST", "SSU"})
TYPE_LABELS = {
    code: f"{label} ({code})" if code in _WITH_ACRONYM else label for code, label in vocabulary.TYPE_LABELS.items()
} | {"PMI": "PMI"}

STATE_LABELS = {
    "CONFIRMED": "déjà confirmée",
    "DECLINED": "déjà refusée",
    "CANCELLED": "annulée par le demandeur",
    "EXPIRED": "expirée : la session est close",
}


def type_label(effecteur_type: str) -> str:
    return TYPE_LABELS.get(effecteur_type, effecteur_type.lower())


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


def not_found(what: str = "Objet") -> NotFound:
    """Also the answer for what exists but is not the caller's (never reveal it)."""
    return NotFound(f"{what} introuvable, ou vous n'y avez pas accès.")


def operators_only() -> PermissionDenied:
    return PermissionDenied("Réservé aux opérateurs de Santé publique France.", reason=OPERATORS_ONLY)


def session_still_open(label: str, close_time: datetime) -> FailedPrecondition:
    return FailedPrecondition(
        f"La {label.lower()} est encore ouverte : l'approvisionnement et l'allocation se font après sa clôture, "
        f"le {paris_long(close_time)}.",
        reason=SESSION_STILL_OPEN,
        metadata={"close_time": as_utc(close_time).isoformat()},
    )


def allocation_published(label: str, publish_time: datetime, publish_by: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"L'allocation de la {label.lower()} est déjà publiée (le {paris_long(publish_time)}, par {publish_by}) : "
        "l'approvisionnement et l'allocation ne peuvent plus être modifiés.",
        reason=ALLOCATION_PUBLISHED,
        metadata={"publish_time": as_utc(publish_time).isoformat()},
    )


def allocation_not_published(label: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"L'allocation de la {label.lower()} n'est pas encore publiée : aucune livraison n'est confirmée.",
        reason=ALLOCATION_NOT_PUBLISHED,
    )


def supply_missing(product_labels: list[str]) -> FailedPrecondition:
    listed = ", ".join(product_labels)
    return FailedPrecondition(
        f"Aucun approvisionnement n'est saisi pour {listed}, pourtant commandé dans cette session : "
        "saisissez-le avant de publier l'allocation.",
        reason=SUPPLY_MISSING,
        metadata={"products": listed},
    )


def no_delivery_window(label: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"La {label.lower()} n'a pas de fenêtre de livraison : renseignez-la sur la session d'abord.",
        reason=NO_DELIVERY_WINDOW,
    )


def session_closed(
    label: str, open_time: datetime, close_time: datetime, now: datetime, next_open: datetime | None
) -> FailedPrecondition:
    window = f"du {paris_long(open_time)} au {paris_long(close_time)}"
    if now < open_time:
        text = f"La saisie des commandes de la {label.lower()} n'est pas encore ouverte : elle le sera {window}."
    else:
        text = f"La saisie des commandes de la {label.lower()} est close (elle était ouverte {window})."
        if next_open is not None:
            text += f" Prochaine ouverture : {paris_long(next_open)}."
        else:
            text += " Aucune prochaine session n'est encore programmée."
    metadata = {"open_time": as_utc(open_time).isoformat(), "close_time": as_utc(close_time).isoformat()}
    if next_open is not None:
        metadata["next_open_time"] = as_utc(next_open).isoformat()
    return FailedPrecondition(text, reason=SESSION_CLOSED, metadata=metadata)


def maintenance(end: datetime, message: str) -> FailedPrecondition:
    text = f"Le service est fermé pour maintenance jusqu'au {paris_long(end)} : aucune commande ne peut être saisie."
    if message:
        text += f" {message}"
    return FailedPrecondition(text, reason=SERVICE_MAINTENANCE, metadata={"end_time": as_utc(end).isoformat()})


def product_not_open(effecteur_type: str, product_label: str, why: str = "") -> FailedPrecondition:
    text = (
        f"Le produit {product_label} n'est pas ouvert à la commande pour le type "
        f"« {type_label(effecteur_type)} » dans cette session."
    )
    if why:
        text += f" {why}"
    return FailedPrecondition(
        text, reason=PRODUCT_NOT_OPEN, metadata={"effecteur_type": effecteur_type, "product_label": product_label}
    )


def quota_exceeded(
    effecteur_type: str,
    product_label: str,
    cap: int,
    used: int,
    current_line: int | None = None,
    requested: int | None = None,
) -> QuotaExceeded:
    """`used`: the effecteur's total, all officines; `current_line`: the line being set, when
    there is one; `requested`: the quantity typed (the line's new total, or the request's vials).
    The message starts from what was typed: "8 dépasse le maximum de 5 flacons…", and says what
    is already ordered elsewhere only when there is some (not "Quota atteint" with nothing ordered)."""
    remaining = max(cap - used, 0)
    others = max(used - (current_line or 0), 0)
    rule = (
        f"le type « {type_label(effecteur_type)} » peut commander au plus {_vials(cap)} "
        f"de {product_label} par effecteur dans cette session"
    )
    if requested is not None and others == 0:
        text = f"{requested} dépasse le maximum de {_vials(cap)} : {rule}."
    elif requested is not None:
        on_line = max(cap - others, 0)
        text = (
            f"{requested} dépasse ce qui reste à commander pour cet effecteur : {rule}, dont {_vials(others)} "
            f"déjà commandé{'s' if others > 1 else ''} par ailleurs ; "
        )
        text += f"il en reste {_vials(on_line)} pour cette commande." if on_line else "il n'en reste plus aucun."
    else:
        text = f"Quota atteint : {rule} ; "
        text += (
            f"il en reste {_vials(remaining)} à commander." if remaining else "il n'en reste plus aucun à commander."
        )
    metadata = {"remaining_vials": str(remaining), "max_vials": str(cap)}
    if current_line is not None:
        metadata["max_vials_on_line"] = str(current_line + remaining)
    return QuotaExceeded(text, reason=QUOTA_EXCEEDED, metadata=metadata)


def above_soft_threshold_message(product_label: str, total: int, threshold: int) -> str:
    return (
        f"Vous avez commandé {_vials(total)} de {product_label} pour cet effecteur, au-delà du seuil "
        f"indicatif de {_vials(threshold)}. Commandez au plus près des besoins, sans constituer de stock : "
        "les flacons non utilisés à temps sont détruits."
    )


def not_attached(effecteur: str) -> NotFound:
    # Users read the sentence (the grid shows it on the effecteur's row); clients get the name in
    # the metadata, never a raw resource name in French text.
    return NotFound(
        "Cet effecteur n'est pas (ou plus) rattaché à cette officine : rattachez-le avant de commander pour lui.",
        reason=EFFECTEUR_NOT_ATTACHED,
        metadata={"effecteur": effecteur},
    )


def request_not_pending(state: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"Cette demande n'est plus en attente : elle est {STATE_LABELS.get(state, state.lower())}.",
        reason=REQUEST_NOT_PENDING,
        metadata={"state": state},
    )


def session_not_closed(label: str, close_time: datetime) -> FailedPrecondition:
    return FailedPrecondition(
        f"L'export de la {label.lower()} n'est possible qu'après sa clôture, le {paris_long(close_time)}.",
        reason=SESSION_NOT_CLOSED,
    )

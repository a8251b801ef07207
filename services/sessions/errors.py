"""Refusals of the sessions service: ErrorInfo reasons and their French messages."""

from __future__ import annotations

from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.timefmt import paris_long
from services.sessions.domain import Session

SESSION_NOT_FOUND = "SESSION_NOT_FOUND"
SESSION_OVERLAP = "SESSION_OVERLAP"
PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
QUOTA_TABLE_NOT_FOUND = "QUOTA_TABLE_NOT_FOUND"
WINDOW_NOT_FOUND = "WINDOW_NOT_FOUND"


def session_not_found(session_id: str) -> NotFound:
    return NotFound(f"Session introuvable : « {session_id} ».", reason=SESSION_NOT_FOUND)


def session_overlap(others: list[Session]) -> InvalidArgument:
    other = others[0]
    text = (
        f"Cette période chevauche la session « {other.label} » "
        f"(du {paris_long(other.open_time)} au {paris_long(other.close_time)})."
    )
    return InvalidArgument(
        text,
        reason=SESSION_OVERLAP,
        violations=[FieldViolation("session.open_time", text), FieldViolation("session.close_time", text)],
    )


def product_not_found(product_id: str) -> NotFound:
    return NotFound(f"Produit introuvable : « {product_id} ».", reason=PRODUCT_NOT_FOUND)


def no_quota_table(session_id: str) -> NotFound:
    return NotFound(
        f"Aucun tableau de quotas n'est publié pour la session « {session_id} ».", reason=QUOTA_TABLE_NOT_FOUND
    )


def quota_table_version_not_found(session_id: str, version: int) -> NotFound:
    return NotFound(
        f"La version {version} du tableau de quotas de la session « {session_id} » n'existe pas.",
        reason=QUOTA_TABLE_NOT_FOUND,
    )


def window_not_found(window_id: str) -> NotFound:
    return NotFound(f"Période introuvable : « {window_id} ».", reason=WINDOW_NOT_FOUND)

"""Who may call what, shared by the domain modules. The caller is an argument:
the servicer passes the principal the interceptor authenticated (None for a
visitor); nothing here reads the request context."""

from __future__ import annotations

from services.common.context import Principal
from services.common.errors import Aborted, PermissionDenied, Unauthenticated

OPERATOR_ONLY = "Action réservée aux opérateurs de Santé publique France."
_LOGIN = "Authentification requise : connectez-vous avec Pro Santé Connect."


def require_caller(principal: Principal | None) -> Principal:
    """Any authenticated caller (reads of quota tables)."""
    if principal is None:
        raise Unauthenticated(_LOGIN, reason="MISSING_TOKEN")
    return principal


def require_operator(principal: Principal | None) -> Principal:
    """Writes: SpF operators only."""
    principal = require_caller(principal)
    if not principal.is_operator:
        raise PermissionDenied(OPERATOR_ONLY, reason="OPERATOR_ONLY")
    return principal


def check_etag(sent: str, current: str, what: str) -> None:
    """An empty etag means "whatever the current version" (AIP-154)."""
    if sent and sent != current:
        raise Aborted(f"{what} a été modifié(e) entre-temps : rechargez la page et recommencez.", reason="STALE_ETAG")

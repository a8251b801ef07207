"""Reasons and messages specific to the auth service (the PSC login flow)."""

from __future__ import annotations

from services.common.errors import Unauthenticated, Unavailable

_STATE_USED = "Cette connexion a expiré ou a déjà été utilisée : reconnectez-vous avec Pro Santé Connect."
_CODE_REFUSED = "Pro Santé Connect a refusé la connexion : reconnectez-vous."
_REFRESH_REFUSED = "Votre session Pro Santé Connect a expiré : reconnectez-vous."
_PSC_UNAVAILABLE = "Pro Santé Connect ne répond pas : réessayez dans quelques instants."


class PscRejected(Exception):
    """PSC answered 4xx to a grant: `error` is the OAuth error code (invalid_grant...).
    The use case decides what it means to the user."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def psc_unavailable(reason: str = "PSC_UNAVAILABLE") -> Unavailable:
    """PSC cannot be reached, or refused our client credentials (PSC_CLIENT_REJECTED:
    an operator problem, not the user's)."""
    return Unavailable(_PSC_UNAVAILABLE, reason=reason)


def psc_bad_response() -> Unauthenticated:
    return Unauthenticated("Réponse de Pro Santé Connect illisible : reconnectez-vous.", reason="PSC_BAD_RESPONSE")


def login_state_invalid() -> Unauthenticated:
    return Unauthenticated(_STATE_USED, reason="LOGIN_STATE_INVALID")


def login_refused(reason: str) -> Unauthenticated:
    """The code exchange failed (CODE_REJECTED, MISSING_ID_TOKEN, SUBJECT_MISMATCH)."""
    return Unauthenticated(_CODE_REFUSED, reason=reason)


def refresh_refused() -> Unauthenticated:
    return Unauthenticated(_REFRESH_REFUSED, reason="REFRESH_REJECTED")

"""OAuth 2 / OIDC rules of the local issuer, apart from HTTP.

What PSC enforces for a confidential client: code flow only, a registered
redirect URI, state and nonce, PKCE S256, acr_values; a code is used once,
within 60 s, by the client and redirect URI it was issued for, with the
verifier matching its challenge. Codes and ended sessions live in memory: a
restarted dev issuer simply forgets logins in progress.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.tokens import ACR, Session, new_session

CODE_SECONDS = 60
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")


class OAuthError(Exception):
    """An error the OAuth spec names (`error`), with a description for the developer."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()

    def check_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret.encode(), secret.encode())


@dataclass(frozen=True)
class AuthorizationRequest:
    client: Client
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    scope: str
    acr: str
    login_hint: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str], clients: Mapping[str, Client]) -> AuthorizationRequest:
        """Checks the request; raises BadRedirect when we must not redirect back at all."""
        client = clients.get(params.get("client_id", ""))
        if client is None:
            raise BadRedirect("Client inconnu : client_id ne correspond à aucun client enregistré.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            raise BadRedirect("redirect_uri n'est pas une adresse de retour enregistrée pour ce client.")
        state = params.get("state", "")
        request = cls(
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            nonce=params.get("nonce", ""),
            code_challenge=params.get("code_challenge", ""),
            scope=params.get("scope", ""),
            acr=params.get("acr_values", "") or ACR,
            login_hint=params.get("login_hint", ""),
        )
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "Only the authorization code flow is supported.")
        if "openid" not in request.scope.split():
            raise OAuthError("invalid_scope", "scope must include openid.")
        if not state:
            raise OAuthError("invalid_request", "state is required.")
        if not request.nonce:
            raise OAuthError("invalid_request", "nonce is required.")
        if params.get("code_challenge_method") != "S256" or not _CHALLENGE.match(request.code_challenge):
            raise OAuthError("invalid_request", "PKCE with code_challenge_method=S256 is required.")
        if ACR not in request.acr.split():
            raise OAuthError("invalid_request", "acr_values must include eidas1 (CPS card or e-CPS).")
        return request


class BadRedirect(Exception):
    """The client or redirect URI is wrong: show an error page, never redirect."""


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


@dataclass
class _Code:
    request: AuthorizationRequest
    session: Session
    expires: datetime


@dataclass
class GrantStore:
    """Codes waiting to be exchanged and PSC sessions ended by logout."""

    _codes: dict[str, _Code] = field(default_factory=dict)
    _ended: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_code(self, request: AuthorizationRequest, identity: Identity, now: datetime) -> tuple[str, Session]:
        session = new_session(identity, request.client.client_id, now, acr=ACR)
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes = {k: v for k, v in self._codes.items() if v.expires > now}
            self._codes[code] = _Code(request, session, now + timedelta(seconds=CODE_SECONDS))
        return code, session

    def redeem(
        self, code: str, client: Client, redirect_uri: str, verifier: str, now: datetime
    ) -> tuple[AuthorizationRequest, Session]:
        with self._lock:
            # Popped before any check: a code is tried once, right or wrong.
            entry = self._codes.pop(code, None)
        if entry is None or entry.expires <= now:
            raise OAuthError("invalid_grant", "Code not valid (unknown, used or expired).")
        if entry.request.client.client_id != client.client_id:
            raise OAuthError("invalid_grant", "Code was issued to another client.")
        if entry.request.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request.")
        if not _VERIFIER.match(verifier or "") or not hmac.compare_digest(s256(verifier), entry.request.code_challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed.")
        return entry.request, entry.session

    def end_session(self, sid: str) -> None:
        with self._lock:
            self._ended.add(sid)

    def is_ended(self, sid: str) -> bool:
        return sid in self._ended

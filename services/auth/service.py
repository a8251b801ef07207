"""Login rules: the OIDC authorization code flow with PKCE, run for the gateway.

The gateway never sees the client secret, the nonce or the PKCE verifier: it
gets an authorize URL and a state, and later trades the code and state for
tokens and the principal. No grpc or protobuf here.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import structlog

from services.auth.clients import PscClient, TokenResponse
from services.auth.errors import (
    PscRejected,
    login_refused,
    login_state_invalid,
    psc_unavailable,
    refresh_refused,
)
from services.auth.models import PendingLogin
from services.auth.repository import PendingLogins
from services.auth.settings import AuthSettings
from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument, Violations
from services.common.psc_tokens import MIN_ACR, PscAuthenticator, ValidatedToken

log = structlog.get_logger("auth")

SCOPE = "openid scope_all"
_MAX_FIELD = 4096


@dataclass(frozen=True)
class LoginStart:
    authorization_url: str
    state: str


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    id_token: str
    access_expire_time: datetime
    refresh_expire_time: datetime | None


@dataclass(frozen=True)
class Login:
    tokens: TokenSet
    principal: Principal


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class AuthService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: AuthSettings,
        authenticator: PscAuthenticator,
        psc: PscClient,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._authenticator = authenticator
        self._psc = psc

    async def validate_token(self, token: str) -> ValidatedToken:
        if not token:
            raise InvalidArgument.field("token", "Le jeton d'accès est obligatoire.")
        return await self._authenticator.validate(token)

    async def begin_login(self, redirect_uri: str, login_hint: str) -> LoginStart:
        violations = Violations()
        if redirect_uri not in self._settings.redirect_uris:
            violations.add("redirect_uri", "Cette adresse de retour n'est pas enregistrée auprès de Pro Santé Connect.")
        if login_hint and not (login_hint.isascii() and login_hint.isdigit() and len(login_hint) <= 20):
            violations.add("login_hint", "L'identifiant national ne doit contenir que des chiffres.")
        violations.raise_if_any()
        if not await self._authenticator.reachability.reachable_for_login():
            # No new identity without PSC: the gateway shows its French page instead of
            # sending the browser to an authorize URL that does not answer.
            raise psc_unavailable()
        now = self._clock.now()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters, within PKCE's 43..128
        async with self._db.write() as session:
            logins = PendingLogins(session)
            await logins.purge(now - timedelta(days=1))
            await logins.add(
                PendingLogin(
                    state=state,
                    nonce=nonce,
                    code_verifier=verifier,
                    redirect_uri=redirect_uri,
                    create_time=now,
                    expire_time=now + timedelta(seconds=self._settings.login_ttl_seconds),
                )
            )
        query = {
            "response_type": "code",
            "client_id": self._settings.psc_client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "acr_values": MIN_ACR,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if login_hint:
            query["login_hint"] = login_hint
        log.info("auth.login_started")
        return LoginStart(f"{self._settings.authorize_url}?{urlencode(query)}", state)

    async def exchange_code(self, code: str, state: str, redirect_uri: str) -> Login:
        violations = Violations()
        for name, value in (("code", code), ("state", state), ("redirect_uri", redirect_uri)):
            if not value:
                violations.add(name, "Ce champ est obligatoire.")
            elif len(value) > _MAX_FIELD:
                violations.add(name, "Cette valeur est trop longue.")
        violations.raise_if_any()
        async with self._db.write() as session:
            logins = PendingLogins(session)
            known = await logins.get(state)
            if known is not None and known.redirect_uri != redirect_uri:
                # Refused before the state is used: a corrected retry still works.
                raise InvalidArgument.field(
                    "redirect_uri", "L'adresse de retour ne correspond pas à celle de la connexion."
                )
            pending = await logins.consume(state, self._clock.now())
        if pending is None:
            raise login_state_invalid()
        try:
            tokens = await self._psc.exchange_code(code, redirect_uri, pending.code_verifier)
        except PscRejected:
            raise login_refused("CODE_REJECTED") from None
        if not tokens.id_token:
            raise login_refused("MISSING_ID_TOKEN")
        id_claims = await self._authenticator.verified_claims(tokens.id_token, nonce=pending.nonce)
        login, access_claims = await self._login(tokens)
        if id_claims.get("sub") != access_claims.get("sub"):
            raise login_refused("SUBJECT_MISMATCH")
        log.info("auth.login_completed", national_id=login.principal.national_id, roles=sorted(login.principal.roles))
        return login

    async def refresh_tokens(self, refresh_token: str) -> Login:
        if not refresh_token:
            raise InvalidArgument.field("refresh_token", "Le jeton de rafraîchissement est obligatoire.")
        if len(refresh_token) > _MAX_FIELD * 4:
            raise InvalidArgument.field("refresh_token", "Cette valeur est trop longue.")
        try:
            tokens = await self._psc.refresh(refresh_token)
        except PscRejected:
            raise refresh_refused() from None
        login, _ = await self._login(tokens)
        return login

    async def logout(self, id_token: str, refresh_token: str, post_logout_redirect_uri: str) -> str:
        if post_logout_redirect_uri and post_logout_redirect_uri not in self._settings.post_logout_redirect_uris:
            raise InvalidArgument.field(
                "post_logout_redirect_uri", "Cette adresse de retour n'est pas enregistrée auprès de Pro Santé Connect."
            )
        if refresh_token:
            # Best effort: the browser still goes through the end-session URL below.
            await self._psc.end_session(refresh_token)
        query = {"client_id": self._settings.psc_client_id}
        if id_token:
            query["id_token_hint"] = id_token
        if post_logout_redirect_uri:
            query["post_logout_redirect_uri"] = post_logout_redirect_uri
        log.info("auth.logout")
        return f"{self._settings.end_session_url}?{urlencode(query)}"

    async def _login(self, tokens: TokenResponse) -> tuple[Login, Mapping[str, Any]]:
        validated = await self._authenticator.validate(tokens.access_token)
        now = self._clock.now()
        refresh_expire = now + timedelta(seconds=tokens.refresh_expires_in) if tokens.refresh_expires_in else None
        token_set = TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            id_token=tokens.id_token,
            access_expire_time=validated.expire_time,
            refresh_expire_time=refresh_expire,
        )
        return Login(token_set, validated.principal), validated.claims

"""Web sessions: what a browser's cookie stands for, and how long.

Rules: a session ends 30 minutes after its last request (idle) and 4 hours
after login (absolute), whichever comes first; the PSC access token (120 s)
is refreshed with the refresh token when it is about to expire, under a row
lock so that two parallel requests never spend the same refresh token twice.
No gRPC or HTTP here: the refresher and the cookie handling are injected.

PSC outage (docs/psc-outage.md): when the refresh cannot reach PSC (or PSC is
already known to be unreachable), the session stays open on its last access
token in the mode services.common.psc_outage gives (GRACE, then READ_ONLY)
and is refreshed as soon as PSC answers again. PSC refusing the refresh token
still ends the session: saying no never gets grace.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.psc_outage import OutagePolicy, PscMode
from services.gateway.web import repository
from services.gateway.web.models import WebSession
from services.gateway.web.secrets import Keys, decrypt, random_token

log = structlog.get_logger("gateway.sessions")

# Rewriting last_seen_at on every request would make each page view a write.
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    id_token: str
    access_expire_at: datetime
    refresh_expire_at: datetime


@dataclass(frozen=True)
class Login:
    """A live web session, as the rest of the gateway sees it."""

    key: str
    principal: Principal
    access_token: str
    csrf_token: str
    # PSC outage: GRACE or READ_ONLY while PSC cannot renew the access token, until psc_grace_until.
    psc_mode: PscMode = PscMode.VERIFIED
    psc_grace_until: datetime | None = None


class SessionEnded(Exception):
    """The refresh token was refused: the user must log in again."""


class PscUnreachable(Exception):
    """PSC could not be reached to refresh (not a refusal): the session degrades, it does not end."""


class PscWatch(Protocol):
    """What the sessions need of services.common.psc_reachability.PscReachability."""

    async def reachable(self) -> bool: ...

    def record(self, answered: bool) -> None: ...


class Refresher(Protocol):
    async def refresh(self, refresh_token: str) -> tuple[Tokens, Principal]:
        """New tokens, or SessionEnded when the refresh token is no longer accepted."""
        ...


def principal_to_json(principal: Principal) -> str:
    data = asdict(principal)
    data["roles"] = sorted(principal.roles)
    data["acts_for"] = list(principal.acts_for)
    return json.dumps(data, ensure_ascii=False)


def principal_from_json(raw: str) -> Principal:
    data = json.loads(raw)
    data["roles"] = frozenset(data.get("roles", ()))
    data["acts_for"] = tuple(data.get("acts_for", ()))
    return Principal(**data)


class WebSessions:
    def __init__(
        self,
        db: Database,
        keys: Keys,
        clock: Clock,
        refresher: Refresher,
        *,
        idle: timedelta,
        absolute: timedelta,
        refresh_margin: timedelta,
        outage: OutagePolicy | None = None,
        psc: PscWatch | None = None,
    ) -> None:
        self._db, self._keys, self._clock, self._refresher = db, keys, clock, refresher
        self._idle, self._absolute, self._margin = idle, absolute, refresh_margin
        # No policy: no grace (a refresh that cannot reach PSC fails the request, as before).
        self._outage, self._psc = outage, psc

    def _seal(self, tokens: Tokens) -> str:
        raw = json.dumps({"access": tokens.access_token, "refresh": tokens.refresh_token, "id": tokens.id_token})
        return self._keys.tokens.encrypt(raw.encode()).decode()

    def _unseal(self, row: WebSession) -> dict[str, str]:
        raw = decrypt(self._keys.tokens, row.tokens)
        return json.loads(raw) if raw else {"access": "", "refresh": "", "id": ""}

    async def open(self, tokens: Tokens, principal: Principal) -> tuple[str, Login]:
        """Start a session after a login; returns the cookie value and the session."""
        now = self._clock.now()
        cookie = random_token()
        row = WebSession(
            id=self._keys.session_key(cookie),
            national_id=principal.national_id,
            principal=principal_to_json(principal),
            tokens=self._seal(tokens),
            access_expire_at=tokens.access_expire_at,
            refresh_expire_at=tokens.refresh_expire_at,
            csrf_token=random_token(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + self._absolute,
        )
        async with self._db.write() as s:
            purged = await repository.purge_expired(s, now, self._idle)
            await repository.insert(s, row)
            name = f"{principal.given_name} {principal.family_name}".strip()
            if name:
                await repository.remember_person(s, principal.national_id, name, now)
        log.info("web_session.opened", caller=principal.national_id, purged=purged)
        return cookie, Login(row.id, principal, tokens.access_token, row.csrf_token)

    def _expired(self, row: WebSession, now: datetime) -> str:
        if now >= row.expires_at:
            return "absolute"
        if now - row.last_seen_at >= self._idle:
            return "idle"
        return ""

    async def resolve(self, cookie: str) -> Login | None:
        """The live session of this cookie value, refreshed if needed; None when there is none."""
        if not cookie:
            return None
        key = self._keys.session_key(cookie)
        now = self._clock.now()
        async with self._db.read() as s:
            row = await repository.get(s, key)
        if row is None:
            return None
        if reason := self._expired(row, now):
            await self._drop(key, reason)
            return None
        mode = PscMode.VERIFIED
        if row.access_expire_at - self._margin <= now:
            refreshed = await self._refresh(key, now)
            if refreshed is None:
                return None
            row, mode = refreshed
        if mode == PscMode.VERIFIED and now - row.last_seen_at >= _TOUCH_EVERY:
            async with self._db.write() as s:
                await repository.touch(s, key, now)
        grace_until = self._outage.grace_until(row.access_expire_at) if self._outage and mode else None
        return Login(
            key,
            principal_from_json(row.principal),
            self._unseal(row)["access"],
            row.csrf_token,
            psc_mode=mode,
            psc_grace_until=grace_until,
        )

    async def _psc_down(self) -> bool:
        return self._outage is not None and self._psc is not None and not await self._psc.reachable()

    async def _refresh(self, key: str, now: datetime) -> tuple[WebSession, PscMode] | None:
        async with self._db.write() as s:
            row = await repository.get(s, key, for_update=True)
            if row is None:
                return None
            if row.access_expire_at - self._margin > now:
                return row, PscMode.VERIFIED  # another request refreshed it meanwhile
            if await self._psc_down():
                # Known unreachable moments ago: no call (it would only wait for a timeout).
                return await self._degraded(s, row, now)
            if row.refresh_expire_at <= now:
                await repository.remove(s, key)
                log.info("web_session.ended", reason="refresh_expired")
                return None
            try:
                tokens, principal = await self._refresher.refresh(self._unseal(row)["refresh"])
            except SessionEnded:
                await repository.remove(s, key)
                log.info("web_session.ended", reason="refresh_refused")
                return None
            except PscUnreachable:
                if self._outage is None:
                    raise
                if self._psc is not None:
                    self._psc.record(False)
                return await self._degraded(s, row, now)
            if self._psc is not None:
                self._psc.record(True)  # PSC renewed the tokens: it answers, whatever the last probe said
            row.tokens = self._seal(tokens)
            row.principal = principal_to_json(principal)
            row.access_expire_at = tokens.access_expire_at
            row.refresh_expire_at = tokens.refresh_expire_at
            row.last_seen_at = now
        log.info("web_session.refreshed")
        return row, PscMode.VERIFIED

    async def _degraded(self, s: AsyncSession, row: WebSession, now: datetime) -> tuple[WebSession, PscMode] | None:
        """PSC unreachable: the session stays on its last token, in the outage policy's mode."""
        assert self._outage is not None
        mode = self._outage.mode(row.access_expire_at, now)
        if mode is None:
            await repository.remove(s, row.id)
            log.info("web_session.ended", reason="psc_outage_too_long")
            return None
        if now - row.last_seen_at >= _TOUCH_EVERY:
            row.last_seen_at = now  # still in use: the idle limit keeps counting from here
        return row, mode

    async def _drop(self, key: str, reason: str) -> None:
        async with self._db.write() as s:
            await repository.remove(s, key)
        log.info("web_session.ended", reason=reason)

    async def names(self, national_ids: list[str]) -> dict[str, str]:
        """National id -> name of the people who logged in here (to say who did what)."""
        async with self._db.read() as s:
            return await repository.person_names(s, national_ids)

    async def close(self, cookie: str) -> Tokens | None:
        """End the session (logout); returns its tokens for the PSC end-session call."""
        if not cookie:
            return None
        key = self._keys.session_key(cookie)
        async with self._db.write() as s:
            row = await repository.get(s, key, for_update=True)
            if row is None:
                return None
            await repository.remove(s, key)
        sealed = self._unseal(row)
        log.info("web_session.closed")
        return Tokens(sealed["access"], sealed["refresh"], sealed["id"], row.access_expire_at, row.refresh_expire_at)

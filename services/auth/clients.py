"""Calls from this service to PSC's token and logout endpoints (httpx).

The client secret only travels here, in the Basic header of back-channel
requests; no token or secret is ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from services.auth.errors import PscRejected, psc_bad_response, psc_unavailable
from services.auth.settings import AuthSettings
from services.common import context as ctx
from services.common.errors import Unavailable
from services.common.psc_reachability import PscReachability

log = structlog.get_logger("auth.clients")


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    refresh_token: str
    id_token: str
    expires_in: int
    refresh_expires_in: int


class PscClient:
    def __init__(self, settings: AuthSettings, reachability: PscReachability | None = None) -> None:
        self._settings = settings
        # Told what each call found, so an outage is seen at once (docs/psc-outage.md).
        self._reachability = reachability

    def _timeout(self) -> float:
        left = ctx.time_left()
        limit = self._settings.psc_http_timeout_seconds
        return max(0.1, min(limit, left)) if left is not None else limit

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self._settings.psc_client_id, self._settings.secret)

    async def _post(self, url: str, form: dict[str, str]) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self._timeout()) as client:
                response = await client.post(url, data=form, auth=self._auth(), headers={"accept": "application/json"})
        except httpx.HTTPError as exc:
            log.warning("psc.unreachable", url=url, error=type(exc).__name__)
            self._record(answered=False)
            raise psc_unavailable() from None
        self._record(answered=response.status_code < 500)
        return response

    def _record(self, *, answered: bool) -> None:
        if self._reachability is not None:
            self._reachability.record(answered)

    async def _grant(self, form: dict[str, str]) -> TokenResponse:
        response = await self._post(self._settings.token_url, form)
        if 400 <= response.status_code < 500:
            error = _json(response).get("error", f"http_{response.status_code}")
            log.info("psc.grant_rejected", grant_type=form["grant_type"], error=error, status=response.status_code)
            if response.status_code == 401:
                # Our client credentials were refused: a configuration problem, not the user's.
                raise psc_unavailable("PSC_CLIENT_REJECTED")
            raise PscRejected(str(error))
        if response.status_code != 200:
            log.warning("psc.grant_failed", grant_type=form["grant_type"], status=response.status_code)
            raise psc_unavailable()
        body = _json(response)
        try:
            return TokenResponse(
                access_token=str(body["access_token"]),
                refresh_token=str(body.get("refresh_token", "")),
                id_token=str(body.get("id_token", "")),
                expires_in=int(body.get("expires_in", 0)),
                refresh_expires_in=int(body.get("refresh_expires_in", 0)),
            )
        except (KeyError, TypeError, ValueError):
            log.warning("psc.grant_malformed", grant_type=form["grant_type"])
            raise psc_bad_response() from None

    async def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> TokenResponse:
        return await self._grant(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )

    async def refresh(self, refresh_token: str) -> TokenResponse:
        return await self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def end_session(self, refresh_token: str) -> bool:
        """Back-channel logout (Keycloak: POST logout with the refresh token). Best effort."""
        try:
            response = await self._post(self._settings.end_session_url, {"refresh_token": refresh_token})
        except Unavailable:
            return False
        ok = response.status_code in (200, 204)
        log.info("psc.session_ended" if ok else "psc.logout_refused", status=response.status_code)
        return ok


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}

"""One Authenticator for both kinds of caller: people (PSC) and jobs (service identity).

The token's claimed issuer, read before any check, only decides who verifies
it: "vaxorders-service" goes to the ServiceTokenVerifier (never to PSC),
anything else to the PSC authenticator. Each then verifies everything,
issuer included. A principal coming from PSC never carries SERVICE.
"""

from __future__ import annotations

from services.common.authn import Authenticator
from services.common.clock import Clock
from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.service_identity import ServiceTokenVerifier, is_service_token
from services.common.settings import CommonSettings


class PscOrServiceAuthenticator:
    def __init__(self, psc: Authenticator, service: ServiceTokenVerifier) -> None:
        self.psc = psc
        self.service = service

    async def authenticate(self, token: str) -> Principal:
        if is_service_token(token):
            return await self.service.authenticate(token)
        principal = await self.psc.authenticate(token)
        if principal.is_service:  # cannot happen with PscAuthenticator; never trust it anyway
            raise Unauthenticated("Jeton refusé.", reason="SERVICE_ROLE_FROM_PSC")
        return principal


def with_service_identity(psc: Authenticator, settings: CommonSettings, clock: Clock) -> Authenticator:
    """What the interceptor of every service uses (services.common.bootstrap)."""
    if isinstance(psc, PscOrServiceAuthenticator):
        return psc
    return PscOrServiceAuthenticator(psc, ServiceTokenVerifier(settings, clock))

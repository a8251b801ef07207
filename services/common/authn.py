"""How a service learns who is calling: the Authenticator interface.

The interceptor hands it the bearer token of the `authorization` metadata;
the implementation (services.common.psc_tokens) validates it locally against the
cached PSC JWKS and returns the Principal, or raises Unauthenticated.
"""

from __future__ import annotations

from typing import Protocol

from services.common.context import Principal


class Authenticator(Protocol):
    async def authenticate(self, token: str) -> Principal:
        """Validate the token; raise errors.Unauthenticated when it is not acceptable."""
        ...


def is_infrastructure(full_method: str) -> bool:
    """Health checks and reflection never need a token."""
    return not full_method.startswith("/vaxorders.")

"""A local ProSantéConnect-compatible OpenID Connect issuer, for development and tests.

Its public entry points, for tools outside services/auth (the bench): the
process itself (`python -m services.auth issuer`, over HTTP like PSC), and for
minting many logins at once, `Identity` (a test identity as PSC describes it)
and `AccessTokenMinter` (its access tokens, signed with its own key).
"""

from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.tokens import AccessTokenMinter

__all__ = ["AccessTokenMinter", "Identity"]

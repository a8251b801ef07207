"""Keys derived from the one gateway secret, one per purpose, and the small
primitives built on them (opaque random ids, HMAC, authenticated encryption).

Deriving separate keys (HKDF with a purpose label) means a value made for one
purpose (say a CSRF token) can never be replayed as another (a session id).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"vaxorders-gateway/{purpose}".encode()).derive(
        secret.encode()
    )


def random_token() -> str:
    """256 random bits, URL-safe: session cookie values, CSRF tokens."""
    return secrets.token_urlsafe(32)


class Keys:
    def __init__(self, secret: str) -> None:
        self._session_id_key = _derive(secret, "session-id")
        self._csrf_key = _derive(secret, "anonymous-csrf")
        self.tokens = Fernet(base64.urlsafe_b64encode(_derive(secret, "tokens-at-rest")))
        self.prelogin = Fernet(base64.urlsafe_b64encode(_derive(secret, "pre-login-cookie")))

    def session_key(self, cookie_value: str) -> str:
        """What the store keys a session by: a stolen table row gives no usable cookie."""
        return hmac.new(self._session_id_key, cookie_value.encode(), hashlib.sha256).hexdigest()

    def anonymous_csrf(self, cookie_value: str) -> str:
        return hmac.new(self._csrf_key, cookie_value.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def decrypt(fernet: Fernet, value: str, ttl: int | None = None) -> bytes | None:
    try:
        return fernet.decrypt(value.encode(), ttl=ttl)
    except (InvalidToken, ValueError):
        return None

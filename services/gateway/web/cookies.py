"""The gateway's cookies and their attributes.

Decision (documented in the README): with an https public URL every cookie is
`__Host-` prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and host-only.
Browsers refuse Secure cookies (and so the `__Host-` prefix, which requires
Secure) over plain http, so in dev on http://127.0.0.1 the same cookies drop
the prefix and the Secure flag, keeping every other attribute. Settings refuse
plain http anywhere but on a loopback host with VAXORDERS_DEV_ALLOW_HTTP.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from services.gateway.settings import GatewaySettings

SESSION = "vaxorders"
PRELOGIN = "vaxorders-login"
ANONYMOUS_CSRF = "vaxorders-csrf"


class Cookies:
    def __init__(self, settings: GatewaySettings) -> None:
        self.secure = settings.secure_cookies
        self.prelogin_max_age = settings.login_timeout_seconds

    def name(self, base: str) -> str:
        return f"__Host-{base}" if self.secure else base

    def read(self, request: Request, base: str) -> str:
        return request.cookies.get(self.name(base), "")

    def set(self, response: Response, base: str, value: str, *, max_age: int | None = None) -> None:
        response.set_cookie(
            self.name(base), value, max_age=max_age, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

    def clear(self, response: Response, base: str) -> None:
        response.delete_cookie(self.name(base), path="/", secure=self.secure, httponly=True, samesite="lax")

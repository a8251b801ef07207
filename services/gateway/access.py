"""Who is calling, and may they change anything: one pass per request.

API clients authenticate with `Authorization: Bearer <PSC access token>` (no
cookie is even looked at, so no CSRF applies); browsers with the session
cookie, and then every state-changing request must carry the synchronizer
token and come from our own origin (Origin, or Referer when Origin is absent).
Anonymous forms (contact) get a double-submit token bound to a random cookie.
An API request without a session cookie carries no ambient authority, so only
API requests made with the session cookie are checked.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from services.common import context as ctx
from services.common.context import Principal
from services.gateway.problems import problem
from services.gateway.state import Gateway
from services.gateway.web.cookies import ANONYMOUS_CSRF, SESSION
from services.gateway.web.secrets import random_token, same
from services.gateway.web.sessions import Login

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_BAD_CSRF = "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."
_BAD_ORIGIN = "Cette requête ne vient pas de ce site : elle a été refusée par sécurité."
_BAD_AUTHORIZATION = "L'en-tête Authorization doit être de la forme « Bearer <jeton> »."
_BAD_TOKEN = "Le jeton de l'en-tête Authorization est mal formé ou trop long : reconnectez-vous et réessayez."
# RFC 6750 b64token (a JWT's characters), bounded: PSC tokens are a few KiB, and a
# longer one would overflow the backends' metadata limit (RESOURCE_EXHAUSTED).
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MAX_TOKEN_CHARS = 8192


@dataclass
class Caller:
    login: Login | None = None
    bearer: str = ""
    principal: Principal | None = None
    anonymous_cookie: str = ""
    anonymous_cookie_is_new: bool = False
    anonymous_csrf: str = ""

    @property
    def authenticated(self) -> bool:
        return self.login is not None or bool(self.bearer)

    @property
    def token(self) -> str:
        return self.login.access_token if self.login else self.bearer

    @property
    def csrf_token(self) -> str:
        return self.login.csrf_token if self.login else self.anonymous_csrf

    def has_role(self, role: str) -> bool:
        return self.principal is not None and role in self.principal.roles


def gateway_of(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


async def identify(request: Request, *, allow_bearer: bool) -> Caller:
    """Find the caller and bind their token for every backend call of this request."""
    gw = gateway_of(request)
    caller = Caller()
    header = request.headers.get("authorization", "")
    if header and allow_bearer:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise problem(401, "BAD_AUTHORIZATION_HEADER", _BAD_AUTHORIZATION)
        token = token.strip()
        if len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
            raise problem(401, "BAD_AUTHORIZATION_HEADER", _BAD_TOKEN)
        caller.bearer = token
    else:
        caller.login = await gw.sessions.resolve(gw.cookies.read(request, SESSION))
        if caller.login is not None:
            caller.principal = caller.login.principal
        else:
            caller.anonymous_cookie = gw.cookies.read(request, ANONYMOUS_CSRF)
            if not caller.anonymous_cookie and not allow_bearer:
                # Pages only: an anonymous form (contact) needs a token to echo.
                caller.anonymous_cookie, caller.anonymous_cookie_is_new = random_token(), True
            if caller.anonymous_cookie:
                caller.anonymous_csrf = gw.keys.anonymous_csrf(caller.anonymous_cookie)
    ctx.token_var.set(caller.token)
    ctx.principal_var.set(caller.principal)
    if caller.principal is not None:
        request.scope["state"]["caller_id"] = caller.principal.national_id
    request.state.caller = caller
    return caller


def _same_origin(request: Request, expected: str) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer", "")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return hmac.compare_digest(origin.encode(), expected.encode())


async def check_csrf(request: Request, caller: Caller) -> None:
    """Refuse a state-changing browser request that is not provably ours."""
    if request.method in SAFE_METHODS or caller.bearer:
        return
    if not _same_origin(request, gateway_of(request).settings.origin):
        raise problem(403, "CSRF_ORIGIN_MISMATCH", _BAD_ORIGIN)
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    if not same(sent, caller.csrf_token):
        raise problem(403, "CSRF_TOKEN_INVALID", _BAD_CSRF)


def finish(request: Request, response: Response) -> Response:
    """Set the anonymous CSRF cookie on the response when this request created it."""
    caller: Caller | None = getattr(request.state, "caller", None)
    if caller is not None and caller.anonymous_cookie_is_new:
        gateway_of(request).cookies.set(response, ANONYMOUS_CSRF, caller.anonymous_cookie)
    return response

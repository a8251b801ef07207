"""The PSC login flow, seen from the browser: /auth/login, /auth/callback,
/auth/logout. AuthService does the OIDC work (PKCE verifier, nonce and client
secret never leave it); the gateway keeps the state in a short-lived,
encrypted pre-login cookie, checks it on return, and opens a web session.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import grpc
import structlog
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.common.context import Principal
from services.common.grpc_errors import ErrorDetails
from services.gateway.access import check_csrf, gateway_of, identify
from services.gateway.pages.render import render
from services.gateway.principals import principal_from_proto, tokens_from_proto
from services.gateway.problems import problem
from services.gateway.web.cookies import PRELOGIN, SESSION
from services.gateway.web.secrets import decrypt, same
from vaxorders.auth.v1 import auth_service_pb2 as auth_pb

log = structlog.get_logger("gateway.login")

_LOGIN_EXPIRED = (
    "La connexion n'a pas pu aboutir : elle a pris trop de temps ou a été ouverte dans un autre onglet. "
    "Recommencez depuis le bouton « S'identifier avec Pro Santé Connect »."
)
_PSC_REFUSED = "Pro Santé Connect n'a pas confirmé votre identité. Vous pouvez réessayer."


def safe_next(target: str | None) -> str:
    """Only a path of this site (never '//host' or a full URL) may follow a login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


def home_for(principal: Principal) -> str:
    if not principal.roles:
        return "/acces-refuse"
    if "OPERATOR" in principal.roles:
        return "/operateur"
    if "OFFICINE" in principal.roles:
        return "/officine"
    if "EFFECTEUR" in principal.roles:
        return "/effecteur"
    return "/support" if "SUPPORT" in principal.roles else "/effecteur"


def psc_unavailable_page(request: Request, error: grpc.RpcError) -> Response | None:
    """No new identity without PSC: when AuthService says PSC does not answer, a French page
    (503, Retry-After) rather than a redirect to an authorize URL that would not answer either."""
    details = ErrorDetails.from_rpc_error(error)
    if details.code != grpc.StatusCode.UNAVAILABLE or details.reason != "PSC_UNAVAILABLE":
        return None
    log.warning("login.psc_unavailable")
    gateway_of(request).psc.record(False)  # the banner says so too, without waiting for the next probe
    target = safe_next(request.query_params.get("next"))
    retry = "/auth/login" + (f"?next={quote(target, safe='')}" if target else "")
    response = render(
        request, "psc_unavailable.html", status=503, title="Connexion momentanément impossible", retry_url=retry
    )
    response.headers["Retry-After"] = "60"
    return response


async def login(request: Request) -> Response:
    gw = gateway_of(request)
    hint = request.query_params.get("login_hint", "")
    try:
        reply = await gw.backends.auth.BeginLogin(
            auth_pb.BeginLoginRequest(redirect_uri=gw.settings.redirect_uri, login_hint=hint)
        )
    except grpc.RpcError as error:
        if (page := psc_unavailable_page(request, error)) is not None:
            return page
        raise
    sealed = gw.keys.prelogin.encrypt(
        json.dumps({"state": reply.state, "next": safe_next(request.query_params.get("next"))}).encode()
    ).decode()
    response = RedirectResponse(reply.authorization_url, status_code=303)
    gw.cookies.set(response, PRELOGIN, sealed, max_age=gw.settings.login_timeout_seconds)
    return response


async def callback(request: Request) -> Response:
    gw = gateway_of(request)
    raw = decrypt(gw.keys.prelogin, gw.cookies.read(request, PRELOGIN), ttl=gw.settings.login_timeout_seconds)
    pending = json.loads(raw) if raw else {}
    params = request.query_params
    if params.get("error"):
        log.info("login.refused_by_psc", error=params.get("error"))
        raise problem(401, "PSC_LOGIN_REFUSED", _PSC_REFUSED)
    state, code = params.get("state", ""), params.get("code", "")
    if not code or not same(state, pending.get("state", "")):
        log.info("login.state_mismatch", has_cookie=bool(pending))
        raise problem(400, "LOGIN_STATE_MISMATCH", _LOGIN_EXPIRED)
    try:
        reply = await gw.backends.auth.ExchangeCode(
            auth_pb.ExchangeCodeRequest(code=code, state=state, redirect_uri=gw.settings.redirect_uri)
        )
    except grpc.RpcError as error:
        if (page := psc_unavailable_page(request, error)) is not None:
            return page
        raise
    # PSC just issued these tokens: it answers. The banner must not wait for the next probe to
    # say so, or the user who just logged in would be told PSC is down.
    gw.psc.record(True)
    principal = principal_from_proto(reply.principal)
    cookie, _ = await gw.sessions.open(tokens_from_proto(reply.tokens), principal)
    target = (principal.roles and pending.get("next")) or home_for(principal)
    response = RedirectResponse(target, status_code=303)
    gw.cookies.set(response, SESSION, cookie)
    gw.cookies.clear(response, PRELOGIN)
    log.info("login.succeeded", caller=principal.national_id, roles=sorted(principal.roles))
    return response


async def logout(request: Request) -> Response:
    gw = gateway_of(request)
    caller = await identify(request, allow_bearer=False)
    await check_csrf(request, caller)
    tokens = await gw.sessions.close(gw.cookies.read(request, SESSION))
    target = "/"
    if tokens is not None:
        try:
            reply = await gw.backends.auth.Logout(
                auth_pb.LogoutRequest(
                    id_token=tokens.id_token,
                    refresh_token=tokens.refresh_token,
                    post_logout_redirect_uri=f"{gw.settings.base_url}/",
                )
            )
            target = reply.end_session_url or target
        except grpc.RpcError as error:
            # The session is already gone here; PSC's will expire on its own.
            log.warning("logout.psc_end_session_failed", code=getattr(error, "code", lambda: None)())
    response = RedirectResponse(target, status_code=303)
    gw.cookies.clear(response, SESSION)
    return response


def routes() -> list[Route]:
    return [
        Route("/auth/login", login, methods=["GET"]),
        Route("/auth/callback", callback, methods=["GET"]),
        Route("/auth/logout", logout, methods=["POST"]),
    ]

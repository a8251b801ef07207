"""The local ProSantéConnect issuer: a Starlette app shaped like PSC's Keycloak realm.

    {issuer}/.well-known/openid-configuration
    {issuer}/protocol/openid-connect/{token,userinfo,certs,logout,revoke,token/introspect}
    {origin}/authorize           (PSC's authorize lives on a separate wallet host)

For development and tests only: `create_app` refuses production settings.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import structlog
from jose import jws
from jose.exceptions import JOSEError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from services.auth.dev_issuer.grants import AuthorizationRequest, BadRedirect, Client, GrantStore, OAuthError
from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.keys import ALGORITHM, KeyStore
from services.auth.dev_issuer.tokens import ACR, Minter, Session
from services.common.clock import Clock, SystemClock

log = structlog.get_logger("psc_dev_issuer")
_TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}
# Authorization request parameters carried through the identity choice page.
_CARRIED = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
)


@dataclass
class IssuerConfig:
    issuer: str
    authorize_url: str
    clients: dict[str, Client]
    identities: dict[str, Identity]
    keys: KeyStore
    clock: Clock = field(default_factory=SystemClock)


class Issuer:
    """The issuer's state; `app.state.psc` in the Starlette app."""

    def __init__(self, config: IssuerConfig) -> None:
        self.config = config
        self.minter = Minter(config.issuer, config.keys, config.clock)
        self.grants = GrantStore()
        self.by_sub = {identity.sub: identity for identity in config.identities.values()}
        self.jwks_requests = 0

    def endpoint(self, name: str) -> str:
        return f"{self.config.issuer}/protocol/openid-connect/{name}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.config.issuer,
            "authorization_endpoint": self.config.authorize_url,
            "token_endpoint": self.endpoint("token"),
            "introspection_endpoint": self.endpoint("token/introspect"),
            "userinfo_endpoint": self.endpoint("userinfo"),
            "end_session_endpoint": self.endpoint("logout"),
            "revocation_endpoint": self.endpoint("revoke"),
            "jwks_uri": self.endpoint("certs"),
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "scope_all"],
            "acr_values_supported": [ACR],
            "claims_supported": [
                "sub",
                "SubjectNameID",
                "preferred_username",
                "given_name",
                "family_name",
                "SubjectRefPro",
                "SubjectOrganization",
                "acr",
            ],
        }

    def verify_own(self, token: str, typ: str) -> dict[str, Any]:
        """Claims of a token this issuer signed, of the given `typ`, not expired nor revoked."""
        try:
            header = jws.get_unverified_header(token)
            key = self.config.keys.key(str(header.get("kid", "")))
            if key is None or header.get("alg") != ALGORITHM:
                raise OAuthError("invalid_token", "Unknown signing key.", 401)
            claims = json.loads(jws.verify(token, key.public_jwk, algorithms=[ALGORITHM]))
        except (JOSEError, ValueError, TypeError, UnicodeError):
            raise OAuthError("invalid_token", "Token signature is not valid.", 401) from None
        if not isinstance(claims, dict) or claims.get("iss") != self.config.issuer or claims.get("typ") != typ:
            raise OAuthError("invalid_token", "Token is not one of ours.", 401)
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < self.config.clock.now().timestamp():
            raise OAuthError("invalid_token", "Token expired.", 401)
        if self.grants.is_ended(str(claims.get("sid", ""))):
            raise OAuthError("invalid_token", "Session ended.", 401)
        return claims

    def client_from(self, request: Request, form: dict[str, str]) -> Client:
        """client_secret_basic or client_secret_post; 401 invalid_client otherwise."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                raw = base64.b64decode(header[6:].strip()).decode()
            except (ValueError, UnicodeError):
                raise OAuthError("invalid_client", "Malformed Basic credentials.", 401) from None
            user, _, password = raw.partition(":")
            client_id, secret = unquote(user), unquote(password)
        client = self.config.clients.get(client_id)
        if client is None or not secret or not client.check_secret(secret):
            raise OAuthError("invalid_client", "Client authentication failed.", 401)
        return client


def _psc(request: Request) -> Issuer:
    psc: Issuer = request.app.state.psc
    return psc


def _oauth_error(error: OAuthError) -> JSONResponse:
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["www-authenticate"] = f'Bearer error="{error.error}"'
    return JSONResponse({"error": error.error, "error_description": error.description}, error.status, headers=headers)


def _page(request: Request, message: str, status: int = 200, error: bool = False) -> HTMLResponse:
    return _TEMPLATES.TemplateResponse(
        request, "message.html", {"message": message, "error": error}, status_code=status
    )


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


async def discovery(request: Request) -> JSONResponse:
    return JSONResponse(_psc(request).discovery())


async def certs(request: Request) -> JSONResponse:
    psc = _psc(request)
    psc.jwks_requests += 1
    return JSONResponse(psc.config.keys.jwks(), headers={"cache-control": "max-age=60"})


async def authorize(request: Request) -> Response:
    psc = _psc(request)
    params = await _params(request)
    try:
        auth = AuthorizationRequest.parse(params, psc.config.clients)
    except BadRedirect as bad:
        return _page(request, str(bad), 400, error=True)
    except OAuthError as error:
        query = {"error": error.error, "error_description": error.description}
        if params.get("state"):
            query["state"] = params["state"]
        return RedirectResponse(_with_query(params["redirect_uri"], query), 302)
    identity = psc.config.identities.get(auth.login_hint)
    if identity is None:
        hidden = [(name, params[name]) for name in _CARRIED if params.get(name)]
        context = {
            "identities": list(psc.config.identities.values()),
            "hidden": hidden,
            "action": urlsplit(psc.config.authorize_url).path or "/authorize",
            "unknown_hint": auth.login_hint,
        }
        return _TEMPLATES.TemplateResponse(request, "choose.html", context, headers=_NO_STORE)
    code, session = psc.grants.issue_code(auth, identity, psc.config.clock.now())
    log.info("psc_dev_issuer.login", national_id=identity.national_id, client_id=auth.client.client_id)
    query = {"code": code, "state": auth.state, "session_state": session.sid, "iss": psc.config.issuer}
    return RedirectResponse(_with_query(auth.redirect_uri, query), 302, headers=_NO_STORE)


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(query)}"


def _tokens_response(psc: Issuer, session: Session, nonce: str | None) -> JSONResponse:
    minted = psc.minter.mint(session, nonce=nonce)
    body = {
        "access_token": minted.access_token,
        "expires_in": minted.expires_in,
        "refresh_expires_in": minted.refresh_expires_in,
        "refresh_token": minted.refresh_token,
        "token_type": "Bearer",
        "id_token": minted.id_token,
        "not-before-policy": 0,
        "session_state": session.sid,
        "scope": session.scope,
    }
    return JSONResponse(body, headers=_NO_STORE)


async def _text_form(request: Request) -> dict[str, str]:
    """The form's text fields."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


async def _client_form(request: Request) -> tuple[Issuer, dict[str, str]]:
    """The issuer and the form of a request from an authenticated client (introspection, revocation)."""
    psc = _psc(request)
    form = await _text_form(request)
    psc.client_from(request, form)
    return psc, form


async def token(request: Request) -> Response:
    psc = _psc(request)
    form = await _text_form(request)
    try:
        client = psc.client_from(request, form)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            auth, session = psc.grants.redeem(
                form.get("code", ""),
                client,
                form.get("redirect_uri", ""),
                form.get("code_verifier", ""),
                psc.config.clock.now(),
            )
            return _tokens_response(psc, session, auth.nonce)
        if grant == "refresh_token":
            session = _session_from_refresh(psc, form.get("refresh_token", ""), client)
            return _tokens_response(psc, session, None)
        raise OAuthError("unsupported_grant_type", "Only authorization_code and refresh_token are supported.")
    except OAuthError as error:
        log.info("psc_dev_issuer.token_refused", error=error.error)
        return _oauth_error(error)


def _session_from_refresh(psc: Issuer, refresh_token: str, client: Client) -> Session:
    try:
        claims = psc.verify_own(refresh_token, "Refresh")
    except OAuthError as error:
        raise OAuthError("invalid_grant", error.description) from None
    identity = psc.by_sub.get(str(claims.get("sub")))
    if identity is None or claims.get("azp") != client.client_id:
        raise OAuthError("invalid_grant", "Refresh token not issued to this client.")
    return Session(str(claims["sid"]), identity, client.client_id, int(claims["auth_time"]), acr=str(claims["acr"]))


async def userinfo(request: Request) -> Response:
    psc = _psc(request)
    header = request.headers.get("authorization", "")
    try:
        if header[:7].lower() != "bearer ":
            raise OAuthError("invalid_token", "Bearer token required.", 401)
        claims = psc.verify_own(header[7:].strip(), "Bearer")
        identity = psc.by_sub.get(str(claims.get("sub")))
        if identity is None:
            raise OAuthError("invalid_token", "Unknown user.", 401)
    except OAuthError as error:
        return _oauth_error(error)
    return JSONResponse(identity.userinfo(), headers=_NO_STORE)


async def introspect(request: Request) -> Response:
    try:
        psc, form = await _client_form(request)
    except OAuthError as error:
        return _oauth_error(error)
    for typ in ("Bearer", "Refresh"):
        try:
            claims = psc.verify_own(form.get("token", ""), typ)
        except OAuthError:
            continue
        return JSONResponse({"active": True, "token_type": typ, "client_id": claims.get("azp"), **claims})
    return JSONResponse({"active": False}, headers=_NO_STORE)


async def revoke(request: Request) -> Response:
    """RFC 7009: revoking a refresh token ends its PSC session; unknown tokens are ignored."""
    try:
        psc, form = await _client_form(request)
    except OAuthError as error:
        return _oauth_error(error)
    _end_session_of(psc, form.get("token", ""))
    return Response(status_code=200)


def _end_session_of(psc: Issuer, token: str) -> bool:
    for typ in ("Refresh", "ID", "Bearer"):
        try:
            claims = psc.verify_own(token, typ)
        except OAuthError:
            continue
        psc.grants.end_session(str(claims.get("sid", "")))
        log.info("psc_dev_issuer.logout", national_id=claims.get("SubjectNameID"))
        return True
    return False


async def logout(request: Request) -> Response:
    """Front-channel end session (GET, browser) or back-channel (POST with client and refresh token)."""
    psc = _psc(request)
    params = await _params(request)
    if request.method == "POST" and params.get("refresh_token"):
        try:
            psc.client_from(request, params)
        except OAuthError as error:
            return _oauth_error(error)
        _end_session_of(psc, params["refresh_token"])
        return Response(status_code=204)
    if params.get("id_token_hint"):
        _end_session_of(psc, params["id_token_hint"])
    target = params.get("post_logout_redirect_uri", "")
    allowed = {uri for client in psc.config.clients.values() for uri in client.post_logout_redirect_uris}
    if target and target in allowed:
        query = {"state": params["state"]} if params.get("state") else {}
        return RedirectResponse(_with_query(target, query) if query else target, 302)
    if target:
        return _page(request, "Adresse de retour après déconnexion non enregistrée.", 400, error=True)
    return _page(request, "Vous êtes déconnecté de Pro Santé Connect.")


def create_app(config: IssuerConfig) -> Starlette:
    config.keys.ensure()
    psc = Issuer(config)
    prefix = urlsplit(config.issuer).path.rstrip("/")
    oidc = f"{prefix}/protocol/openid-connect"
    routes = [
        Route(f"{prefix}/.well-known/openid-configuration", discovery),
        Route(urlsplit(config.authorize_url).path or "/authorize", authorize, methods=["GET", "POST"]),
        Route(f"{oidc}/token", token, methods=["POST"]),
        Route(f"{oidc}/token/introspect", introspect, methods=["POST"]),
        Route(f"{oidc}/userinfo", userinfo, methods=["GET", "POST"]),
        Route(f"{oidc}/certs", certs),
        Route(f"{oidc}/logout", logout, methods=["GET", "POST"]),
        Route(f"{oidc}/revoke", revoke, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.psc = psc
    return app

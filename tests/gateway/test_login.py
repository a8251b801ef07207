"""The PSC login as a browser lives it, through the gateway, AuthService and
the local issuer: cookies and their attributes, the state check, where each
role lands, logout through PSC's end session."""

from __future__ import annotations

import html
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import ValidationError

from services.gateway.settings import GatewaySettings
from services.gateway.web.cookies import SESSION, Cookies
from tests.gateway.helpers import ADJOINT, CLAIRE, DR_DUBOIS, LILAS, OPERATOR, csrf_token, login
from tests.gateway.stack import Stack


def _cookie(response: httpx.Response, name: str) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    assert name in jar, response.headers.get_list("set-cookie")
    return jar


async def test_login_goes_through_psc_and_opens_an_httponly_lax_session_cookie(stack: Stack) -> None:
    async with stack.client() as client:
        start = await client.get("/auth/login")
        assert start.status_code == 303
        target = urlsplit(start.headers["location"])
        query = parse_qs(target.query)
        assert start.headers["location"].startswith(stack.psc.authorize_url)
        assert query["redirect_uri"] == [f"{stack.base_url}/auth/callback"]
        assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
        prelogin = _cookie(start, "vaxorders-login")["vaxorders-login"]
        assert prelogin["httponly"] and prelogin["samesite"].lower() == "lax" and prelogin["max-age"] == "600"
        assert query["state"][0] not in prelogin.value  # the state travels sealed

        back = await client.get(start.headers["location"] + f"&login_hint={CLAIRE}")
        assert back.status_code == 302 and back.headers["location"].startswith(f"{stack.base_url}/auth/callback")
        done = await client.get(back.headers["location"])
        assert done.status_code == 303 and done.headers["location"] == "/officine"
        session = _cookie(done, "vaxorders")["vaxorders"]
        assert session["httponly"] and session["samesite"].lower() == "lax" and session["path"] == "/"
        assert not session["secure"]  # plain http on 127.0.0.1 in dev: see web/cookies.py
        assert "eyJ" not in session.value  # an opaque id, never a token

        dashboard = await client.get("/officine", follow_redirects=True)
        assert dashboard.url.path == f"/officines/{LILAS}" and "Pharmacie des Lilas" in dashboard.text


async def test_a_callback_without_its_pre_login_cookie_is_refused(stack: Stack) -> None:
    async with stack.client() as victim, stack.client() as attacker:
        start = await attacker.get("/auth/login")
        back = await attacker.get(start.headers["location"] + f"&login_hint={CLAIRE}")
        replayed = await victim.get(back.headers["location"])
        assert replayed.status_code == 400
        assert "La connexion n'a pas pu aboutir" in html.unescape(replayed.text)
        assert "vaxorders=" not in replayed.headers.get("set-cookie", "")
        assert (await victim.get("/api/v1/me")).status_code == 401


async def test_each_role_lands_in_its_own_space(stack: Stack) -> None:
    for national_id, path in ((OPERATOR, "/operateur"), (DR_DUBOIS, "/effecteurs/rpps:99700000104")):
        async with stack.client() as client:
            landed = await login(client, national_id)
            assert landed.url.path == path


async def test_a_section_d_pharmacist_is_told_in_french_why_he_cannot_order(stack: Stack) -> None:
    async with stack.client() as client:
        landed = await login(client, ADJOINT)
        assert landed.url.path == "/acces-refuse" and landed.status_code == 403
        assert "Lucas Petit" in landed.text and "section D" in landed.text
        assert (await client.get(f"/officines/{LILAS}")).status_code == 403


async def test_login_only_returns_to_a_page_of_this_site(stack: Stack) -> None:
    async with stack.client() as client:
        start = await client.get("/auth/login?next=//evil.example/x")
        back = await client.get(start.headers["location"] + f"&login_hint={CLAIRE}")
        done = await client.get(back.headers["location"])
        assert done.headers["location"] == "/officine"
    async with stack.client() as client:
        asked = await client.get(f"/officines/{LILAS}/demandes")
        assert asked.status_code == 303 and asked.headers["location"].startswith("/auth/login?next=")
        start = await client.get(asked.headers["location"])
        back = await client.get(start.headers["location"] + f"&login_hint={CLAIRE}")
        done = await client.get(back.headers["location"])
        assert done.headers["location"] == f"/officines/{LILAS}/demandes"


async def test_logout_ends_the_session_through_psc_end_session(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        refused = await client.post("/auth/logout", headers={"origin": stack.base_url})
        assert refused.status_code == 403
        assert (await client.get("/api/v1/me")).status_code == 200

        out = await client.post(
            "/auth/logout", data={"csrf_token": await csrf_token(client)}, headers={"origin": stack.base_url}
        )
        assert out.status_code == 303, html.unescape(out.text)[-3000:]
        assert out.headers["location"].startswith(stack.psc.issuer + "/protocol/openid-connect/logout")
        assert parse_qs(urlsplit(out.headers["location"]).query)["post_logout_redirect_uri"] == [f"{stack.base_url}/"]
        home = await client.get(out.headers["location"], follow_redirects=True)
        assert str(home.url) == f"{stack.base_url}/"
        assert (await client.get("/api/v1/me")).status_code == 401


def test_https_deployments_use_host_prefixed_secure_cookies() -> None:
    settings = GatewaySettings(public_base_url="https://commande-vaccins.sante.gouv.fr", dev_allow_http=False)
    cookies = Cookies(settings)
    assert cookies.name(SESSION) == "__Host-vaxorders" and cookies.secure
    assert settings.origin == "https://commande-vaccins.sante.gouv.fr"


@pytest.mark.parametrize(
    ("url", "allow"),
    [("http://gateway.example", True), ("http://127.0.0.1:8080", False), ("https://x.example/app", False)],
)
def test_plain_http_is_only_allowed_on_loopback_in_dev(url: str, allow: bool) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(public_base_url=url, dev_allow_http=allow)

"""The full PSC code flow against the local issuer, through the real AuthService."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import grpc
import httpx
import pytest
from sqlalchemy import func, select

from services.auth.models import PendingLogin
from services.auth.spec import SPEC
from services.common.bootstrap import start_service
from services.common.clock import ManualClock, SystemClock
from services.common.grpc_errors import ErrorDetails
from tests.auth.conftest import auth_settings, authorize, login
from vaxorders.auth.v1 import auth_service_pb2 as pb
from vaxorders.auth.v1 import auth_service_pb2_grpc as pb_grpc

R = pb.Role
# What each identity of the reference dataset must be allowed to act for.
EXPECTED = {
    "899700000013": ([R.ROLE_OFFICINE], ["officines/759900111"]),
    "899700000021": ([R.ROLE_OFFICINE], ["officines/699900122"]),
    "899700000039": ([R.ROLE_OFFICINE], ["officines/139900138"]),
    "899700000047": ([], []),
    "899700000104": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000104"]),
    "899700000112": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000112"]),
    "899700000120": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000120"]),
    "899700000138": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000138"]),
    "899700000146": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000146"]),
    "899700000153": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000153"]),
    "899700000161": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000161", "effecteurs/finess:759901010"]),
    "899700000179": ([R.ROLE_EFFECTEUR], ["effecteurs/rpps:99700000179", "effecteurs/finess:759901028"]),
    # Élise Marchand: a médecin, an operator and, in the demo, a support agent too.
    "899700000906": ([R.ROLE_EFFECTEUR, R.ROLE_OPERATOR, R.ROLE_SUPPORT], ["effecteurs/rpps:99700000906"]),
}


def test_every_dataset_identity_has_an_expected_principal(psc) -> None:
    assert set(EXPECTED) == set(psc.identities)


@pytest.mark.parametrize("national_id", sorted(EXPECTED))
async def test_code_flow_logs_each_identity_in_with_what_it_may_act_for(auth, psc, national_id) -> None:
    before = datetime.now(UTC)
    result = await login(auth, psc, national_id)

    roles, acts_for = EXPECTED[national_id]
    identity = psc.identities[national_id]
    principal = result.principal
    assert principal.national_id == national_id
    assert (principal.given_name, principal.family_name) == (identity.given_name, identity.family_name)
    assert principal.profession_code == identity.profession_code
    assert list(principal.roles) == roles
    assert list(principal.acts_for) == acts_for
    if roles:
        assert principal.explanation == ""
    else:
        assert "Seuls les pharmaciens titulaires peuvent commander pour l'officine" in principal.explanation
    # PSC lifetimes: access 120 s, refresh 30 min.
    access_expiry = result.tokens.access_expire_time.ToDatetime(UTC)
    refresh_expiry = result.tokens.refresh_expire_time.ToDatetime(UTC)
    assert before + timedelta(seconds=110) <= access_expiry <= datetime.now(UTC) + timedelta(seconds=121)
    assert before + timedelta(minutes=29) <= refresh_expiry <= datetime.now(UTC) + timedelta(minutes=31)
    # The access token of the login is accepted as is by ValidateToken.
    validated = await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=result.tokens.access_token), timeout=10)
    assert validated.principal == principal


async def test_authorize_url_asks_psc_for_code_flow_with_pkce_state_nonce_and_eidas1(auth, psc) -> None:
    start = await auth.stub.BeginLogin(pb.BeginLoginRequest(redirect_uri=psc.redirect_uri), timeout=10)
    url = urlsplit(start.authorization_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == psc.authorize_url
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "vaxorders-gateway"
    assert query["scope"] == "openid scope_all"
    assert query["acr_values"] == "eidas1"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert query["state"] == start.state and len(start.state) >= 32
    assert len(query["nonce"]) >= 32
    assert "code_verifier" not in query and "client_secret" not in query


async def test_identity_page_lists_every_test_card_and_one_click_logs_in(auth, psc) -> None:
    start = await auth.stub.BeginLogin(pb.BeginLoginRequest(redirect_uri=psc.redirect_uri), timeout=10)
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(start.authorization_url)
    assert page.status_code == 200
    assert 'lang="fr"' in page.text and "Cartes CPS de test" in page.text
    for identity in psc.identities.values():
        assert f'name="login_hint" value="{identity.national_id}"' in page.text
        assert f"{identity.given_name} {identity.family_name}" in page.text
        assert identity.structure in page.text
    assert "Pharmacien titulaire d&#39;officine" in page.text or "Pharmacien titulaire d'officine" in page.text
    # The page's form carries the request: submitting it with one card is the click.
    hidden = dict(_hidden_fields(page.text))
    callback = await authorize(f"{psc.origin}/authorize", **hidden, login_hint="899700000104")
    result = await auth.stub.ExchangeCode(
        pb.ExchangeCodeRequest(code=callback["code"][0], state=start.state, redirect_uri=psc.redirect_uri), timeout=10
    )
    assert list(result.principal.acts_for) == ["effecteurs/rpps:99700000104"]


def _hidden_fields(html: str) -> list[tuple[str, str]]:
    return [
        (name, value.replace("&amp;", "&"))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    ]


async def test_reused_state_is_refused(auth, psc) -> None:
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    callback = await authorize(start.authorization_url)
    request = pb.ExchangeCodeRequest(code=callback["code"][0], state=start.state, redirect_uri=psc.redirect_uri)
    await auth.stub.ExchangeCode(request, timeout=10)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ExchangeCode(request, timeout=10)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.UNAUTHENTICATED
    assert details.reason == "LOGIN_STATE_INVALID"
    assert "reconnectez-vous" in details.message


async def test_code_exchanged_with_another_logins_verifier_is_refused(auth, psc) -> None:
    # The code of login A presented with the state of login B: PSC checks B's PKCE
    # verifier against A's challenge and refuses.
    first = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    second = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    callback = await authorize(first.authorization_url)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ExchangeCode(
            pb.ExchangeCodeRequest(code=callback["code"][0], state=second.state, redirect_uri=psc.redirect_uri),
            timeout=10,
        )
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.UNAUTHENTICATED
    assert details.reason == "CODE_REJECTED"


async def test_token_endpoint_refuses_a_wrong_pkce_verifier_and_burns_the_code(auth, psc) -> None:
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    code = (await authorize(start.authorization_url))["code"][0]
    token_url = f"{psc.issuer}/protocol/openid-connect/token"
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": psc.redirect_uri}
    async with httpx.AsyncClient(timeout=10, auth=(psc.client_id, psc.client_secret)) as http:
        wrong = await http.post(token_url, data={**form, "code_verifier": "w" * 64})
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    # The right verifier (kept by the service) cannot use that code any more either.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ExchangeCode(
            pb.ExchangeCodeRequest(code=code, state=start.state, redirect_uri=psc.redirect_uri), timeout=10
        )
    assert ErrorDetails.from_rpc_error(caught.value).reason == "CODE_REJECTED"


async def test_token_endpoint_refuses_a_missing_verifier_and_a_wrong_secret(auth, psc) -> None:
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    code = (await authorize(start.authorization_url))["code"][0]
    token_url = f"{psc.issuer}/protocol/openid-connect/token"
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": psc.redirect_uri}
    async with httpx.AsyncClient(timeout=10) as http:
        bad_client = await http.post(token_url, data=form, auth=(psc.client_id, "not-the-secret"))
        assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
        no_verifier = await http.post(token_url, data=form, auth=(psc.client_id, psc.client_secret))
        assert no_verifier.status_code == 400 and no_verifier.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("drop", "error"),
    [
        ("state", "invalid_request"),
        ("nonce", "invalid_request"),
        ("code_challenge", "invalid_request"),
        ("code_challenge_method", "invalid_request"),
        ("acr_values", None),
    ],
)
async def test_authorize_requires_state_nonce_and_pkce(auth, psc, drop, error) -> None:
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    url = urlsplit(start.authorization_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items() if k != drop}
    callback = await authorize(f"{psc.authorize_url}?{httpx.QueryParams(query)}")
    if error is None:  # acr_values defaults to eidas1, as PSC does
        assert "code" in callback
    else:
        assert callback["error"] == [error]
        assert "code" not in callback


async def test_authorize_refuses_plain_pkce_and_unregistered_redirect(auth, psc) -> None:
    start = await auth.stub.BeginLogin(pb.BeginLoginRequest(redirect_uri=psc.redirect_uri), timeout=10)
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.authorization_url).query).items()}
    callback = await authorize(f"{psc.authorize_url}?{httpx.QueryParams({**query, 'code_challenge_method': 'plain'})}")
    assert callback["error"] == ["invalid_request"]
    async with httpx.AsyncClient(timeout=10) as http:
        page = await http.get(psc.authorize_url, params={**query, "redirect_uri": "https://evil.example/cb"})
    assert page.status_code == 400 and "location" not in page.headers


async def test_begin_login_refuses_an_unregistered_redirect_uri_and_stores_nothing(auth, psc) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.BeginLogin(pb.BeginLoginRequest(redirect_uri="https://evil.example/cb"), timeout=10)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["redirect_uri"]
    async with auth.runtime.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PendingLogin)) == 0


async def test_refresh_gives_new_tokens_and_the_same_principal(auth, psc) -> None:
    first = await login(auth, psc, "899700000161")
    refreshed = await auth.stub.RefreshTokens(
        pb.RefreshTokensRequest(refresh_token=first.tokens.refresh_token), timeout=10
    )
    assert refreshed.tokens.access_token != first.tokens.access_token
    assert refreshed.principal == first.principal


async def test_logout_ends_the_psc_session_and_returns_the_end_session_url(auth, psc) -> None:
    result = await login(auth, psc, "899700000013")
    answer = await auth.stub.Logout(
        pb.LogoutRequest(
            id_token=result.tokens.id_token,
            refresh_token=result.tokens.refresh_token,
            post_logout_redirect_uri="http://127.0.0.1:8080/",
        ),
        timeout=10,
    )
    url = urlsplit(answer.end_session_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{psc.issuer}/protocol/openid-connect/logout"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["id_token_hint"] == result.tokens.id_token
    assert query["post_logout_redirect_uri"] == "http://127.0.0.1:8080/"
    # The session was revoked at PSC: its refresh token no longer works.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.RefreshTokens(pb.RefreshTokensRequest(refresh_token=result.tokens.refresh_token), timeout=10)
    assert ErrorDetails.from_rpc_error(caught.value).reason == "REFRESH_REJECTED"
    # And the browser leg sends the user back where the gateway asked.
    async with httpx.AsyncClient(timeout=10) as http:
        back = await http.get(answer.end_session_url)
    assert back.status_code == 302 and back.headers["location"] == "http://127.0.0.1:8080/"


async def test_exchange_code_names_every_missing_field(auth) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ExchangeCode(pb.ExchangeCodeRequest(), timeout=10)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert sorted(v.field for v in details.violations) == ["code", "redirect_uri", "state"]


async def test_wrong_redirect_uri_at_exchange_is_refused_without_using_up_the_login(auth, psc) -> None:
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
    )
    code = (await authorize(start.authorization_url))["code"][0]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ExchangeCode(
            pb.ExchangeCodeRequest(code=code, state=start.state, redirect_uri="http://127.0.0.1:8080/other"), timeout=10
        )
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["redirect_uri"]
    result = await auth.stub.ExchangeCode(
        pb.ExchangeCodeRequest(code=code, state=start.state, redirect_uri=psc.redirect_uri), timeout=10
    )
    assert result.principal.national_id == "899700000013"


async def test_login_hint_must_be_a_national_id(auth, psc) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.BeginLogin(
            pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="<script>"), timeout=10
        )
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["login_hint"]


async def test_expired_login_state_is_refused(psc, database_url_for) -> None:
    clock = ManualClock(SystemClock().now())
    running, _ = await start_service(
        SPEC, auth_settings(psc, database_url_for(SPEC)), address="127.0.0.1:0", clock=clock
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    stub = pb_grpc.AuthServiceStub(channel)
    try:
        start = await stub.BeginLogin(
            pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint="899700000013"), timeout=10
        )
        code = (await authorize(start.authorization_url))["code"][0]
        clock.advance(timedelta(seconds=601))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ExchangeCode(
                pb.ExchangeCodeRequest(code=code, state=start.state, redirect_uri=psc.redirect_uri), timeout=10
            )
        assert ErrorDetails.from_rpc_error(caught.value).reason == "LOGIN_STATE_INVALID"
    finally:
        await channel.close()
        await running.stop(0)

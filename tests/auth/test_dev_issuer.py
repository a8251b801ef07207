"""The local issuer's other endpoints behave like PSC's, and it never runs in production."""

from __future__ import annotations

import httpx
import pytest
from jose import jwt
from pydantic import ValidationError

from services.auth.dev_issuer import AccessTokenMinter, Identity
from services.auth.dev_issuer.keys import KeyStore
from services.auth.dev_issuer.server import ProductionRefused, config_from_settings
from services.auth.settings import AuthSettings
from tests.auth.conftest import login


async def test_discovery_document_is_keycloak_shaped(psc) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        document = (await http.get(f"{psc.issuer}/.well-known/openid-configuration")).json()
        keys = (await http.get(document["jwks_uri"])).json()["keys"]
    oidc = f"{psc.issuer}/protocol/openid-connect"
    assert document["issuer"] == psc.issuer
    assert psc.issuer.endswith("/auth/realms/esante-wallet")
    assert document["authorization_endpoint"] == f"{psc.origin}/authorize"
    assert document["token_endpoint"] == f"{oidc}/token"
    assert document["userinfo_endpoint"] == f"{oidc}/userinfo"
    assert document["jwks_uri"] == f"{oidc}/certs"
    assert document["end_session_endpoint"] == f"{oidc}/logout"
    assert document["introspection_endpoint"] == f"{oidc}/token/introspect"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert keys and all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["kid"] and "d" not in k for k in keys)


async def test_userinfo_gives_psc_claims_of_the_logged_in_identity(auth, psc) -> None:
    result = await login(auth, psc, "899700000161")
    async with httpx.AsyncClient(timeout=10) as http:
        info = (
            await http.get(
                f"{psc.issuer}/protocol/openid-connect/userinfo",
                headers={"authorization": f"Bearer {result.tokens.access_token}"},
            )
        ).json()
        refused = await http.get(
            f"{psc.issuer}/protocol/openid-connect/userinfo", headers={"authorization": "Bearer garbage"}
        )
    assert info["SubjectNameID"] == "899700000161"
    assert (info["given_name"], info["family_name"]) == ("Yves", "Caron")
    exercice = info["SubjectRefPro"]["exercices"][0]
    assert exercice["codeProfession"] == "10"
    assert exercice["activities"][0]["numeroFinessSite"] == "759901010"
    assert exercice["activities"][0]["raisonSocialeSite"] == "EHPAD Les Tilleuls"
    assert refused.status_code == 401


async def test_introspection_needs_the_client_secret_and_tells_active_tokens(auth, psc) -> None:
    result = await login(auth, psc, "899700000013")
    url = f"{psc.issuer}/protocol/openid-connect/token/introspect"
    async with httpx.AsyncClient(timeout=10) as http:
        anonymous = await http.post(url, data={"token": result.tokens.access_token})
        active = await http.post(
            url, data={"token": result.tokens.access_token}, auth=(psc.client_id, psc.client_secret)
        )
        inactive = await http.post(url, data={"token": "garbage"}, auth=(psc.client_id, psc.client_secret))
    assert anonymous.status_code == 401
    assert active.json()["active"] is True and active.json()["SubjectNameID"] == "899700000013"
    assert inactive.json() == {"active": False}


def test_issuer_refuses_production_settings(tmp_path) -> None:
    settings = AuthSettings(
        service="auth",
        environment="production",
        client_secret="s3cret",
        page_token_secret="a-production-page-token-secret-of-32-chars",
        data_dir=tmp_path,
    )
    with pytest.raises(ProductionRefused):
        config_from_settings(settings)


@pytest.mark.parametrize("secret", [None, "", "dev-secret"])
def test_production_needs_a_real_client_secret(secret) -> None:
    with pytest.raises(ValidationError):
        AuthSettings(service="auth", environment="production", client_secret=secret)


def test_dev_default_secret_outside_production() -> None:
    assert AuthSettings(service="auth", environment="dev").secret == "dev-secret"
    assert AuthSettings(service="auth", environment="test", client_secret="x").secret == "x"


def test_minted_access_tokens_verify_against_the_jwks_the_issuer_serves_from_the_same_keys(tmp_path) -> None:
    issuer = "http://127.0.0.1:9/auth/realms/esante-wallet"
    minter = AccessTokenMinter(issuer, tmp_path / "keys", "vaxorders-gateway", lifetime=3600)
    identity = Identity(national_id="899700000013", given_name="Claire", family_name="Martin", profession_code="21")
    token = minter.token(identity)
    jwks = KeyStore(tmp_path / "keys").jwks()  # what an issuer started on this folder publishes
    claims = jwt.decode(token, jwks, algorithms=["RS256"], audience="vaxorders-gateway", issuer=issuer)
    assert claims["SubjectNameID"] == "899700000013" and claims["exp"] - claims["iat"] == 3600

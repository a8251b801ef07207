"""The real AuthService on port 0, wired to the session's local PSC issuer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import grpc
import httpx
import pytest

from services.auth.settings import AuthSettings
from services.auth.spec import SPEC
from services.common.bootstrap import start_service
from services.common.clock import SystemClock
from vaxorders.auth.v1 import auth_service_pb2 as pb
from vaxorders.auth.v1 import auth_service_pb2_grpc as pb_grpc


@dataclass
class AuthClient:
    stub: pb_grpc.AuthServiceStub
    settings: AuthSettings
    runtime: object


def auth_settings(psc, database_url: str, **extra) -> AuthSettings:  # type: ignore[no-untyped-def]
    return AuthSettings(
        service="auth",
        database_url=database_url,
        environment="test",
        redirect_uris=[psc.redirect_uri],
        post_logout_redirect_uris=["http://127.0.0.1:8080/"],
        **{**psc.settings_overrides(), **extra},
    )


@pytest.fixture
async def auth(psc, database_url_for) -> AsyncIterator[AuthClient]:  # type: ignore[no-untyped-def]
    settings = auth_settings(psc, database_url_for(SPEC))
    running, runtime = await start_service(SPEC, settings, address="127.0.0.1:0", clock=SystemClock())
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    yield AuthClient(pb_grpc.AuthServiceStub(channel), settings, runtime)
    await channel.close()
    await running.stop(0)


async def authorize(url: str, **form: str) -> dict[str, list[str]]:
    """Drives the issuer's authorize endpoint over HTTP; the query PSC sends the browser back with."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await (http.post(url, data=form) if form else http.get(url))
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)


async def login(auth: AuthClient, psc, national_id: str) -> pb.ExchangeCodeResponse:  # type: ignore[no-untyped-def]
    """The whole code flow, as the gateway and the browser run it."""
    start = await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri, login_hint=national_id), timeout=10
    )
    callback = await authorize(start.authorization_url)
    assert callback["state"] == [start.state]
    return await auth.stub.ExchangeCode(
        pb.ExchangeCodeRequest(code=callback["code"][0], state=start.state, redirect_uri=psc.redirect_uri),
        timeout=10,
    )

"""How the auth service plugs into the shared bootstrap."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from services.auth.clients import PscClient
from services.auth.service import AuthService
from services.auth.servicer import AuthServicer
from services.auth.settings import AuthSettings
from services.common.bootstrap import Runtime, ServiceSpec
from services.common.psc_tokens import PscAuthenticator
from services.common.server import Registration
from vaxorders.auth.v1 import auth_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.auth.v1.AuthService"


async def build(runtime: Runtime) -> Iterable[Registration]:
    settings = runtime.settings
    if not isinstance(settings, AuthSettings):
        raise TypeError("the auth service runs with AuthSettings")
    assert runtime.db is not None
    # ValidateToken needs the expiry and claims, not only the principal: a PscAuthenticator,
    # the interceptor's own when it is one (one JWKS cache per process).
    authenticator = runtime.authenticator
    if not isinstance(authenticator, PscAuthenticator):
        authenticator = PscAuthenticator(settings, runtime.clock)
    service = AuthService(
        runtime.db, runtime.clock, settings, authenticator, PscClient(settings, authenticator.reachability)
    )
    servicer = AuthServicer(service)
    return [lambda server: pb_grpc.add_AuthServiceServicer_to_server(servicer, server)]


SPEC = ServiceSpec(
    name="auth",
    service_names=[SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).resolve().parent / "migrations",
    # Called before the user has a token (login) or carrying the token in the request
    # itself (ValidateToken): none of them can require a bearer token.
    public_methods=[
        f"/{SERVICE_NAME}/{method}"
        for method in ("ValidateToken", "BeginLogin", "ExchangeCode", "RefreshTokens", "Logout")
    ],
)

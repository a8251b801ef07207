"""AuthService messages -> the gateway's own types (Principal, Tokens)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

import grpc

from services.common.context import Principal
from services.common.grpc_errors import ErrorDetails
from services.common.timefmt import from_timestamp
from services.gateway.web.sessions import PscUnreachable, SessionEnded, Tokens
from vaxorders.auth.v1 import auth_service_pb2 as auth_pb

# Refusals of a refresh token that mean "log in again" rather than "try later".
_ENDED = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED}


def principal_from_proto(message: auth_pb.Principal) -> Principal:
    return Principal(
        national_id=message.national_id,
        given_name=message.given_name,
        family_name=message.family_name,
        profession_code=message.profession_code,
        roles=frozenset(auth_pb.Role.Name(r).removeprefix("ROLE_") for r in message.roles if r),
        acts_for=tuple(message.acts_for),
        explanation=message.explanation,
    )


def tokens_from_proto(message: auth_pb.Tokens) -> Tokens:
    return Tokens(
        access_token=message.access_token,
        refresh_token=message.refresh_token,
        id_token=message.id_token,
        access_expire_at=from_timestamp(message.access_expire_time),
        refresh_expire_at=from_timestamp(message.refresh_expire_time),
    )


# AuthService's reason when PSC did not answer (connection error, timeout, 5xx); our client
# credentials refused (PSC_CLIENT_REJECTED) is an operator problem and gives no grace.
_PSC_UNAVAILABLE = "PSC_UNAVAILABLE"


def _psc_unreachable(error: grpc.aio.AioRpcError) -> bool:
    """PSC did not answer: AuthService says so, or the refresh outlived its deadline (a PSC that
    hangs rather than refuses). Only the session's banner depends on it: the backends accept the
    expired token only if their own probe finds PSC unreachable."""
    details = ErrorDetails.from_rpc_error(error)
    if details.code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return True
    return details.code == grpc.StatusCode.UNAVAILABLE and details.reason == _PSC_UNAVAILABLE


class RefreshesTokens(Protocol):
    """The one RPC of the AuthService stub the refresher calls."""

    @property
    def RefreshTokens(self) -> Callable[[auth_pb.RefreshTokensRequest], Awaitable[auth_pb.RefreshTokensResponse]]: ...


class AuthServiceRefresher:
    """web.sessions.Refresher over AuthService.RefreshTokens."""

    def __init__(self, auth_stub: RefreshesTokens) -> None:
        self._auth = auth_stub

    async def refresh(self, refresh_token: str) -> tuple[Tokens, Principal]:
        try:
            reply = await self._auth.RefreshTokens(auth_pb.RefreshTokensRequest(refresh_token=refresh_token))
        except grpc.aio.AioRpcError as error:
            if error.code() in _ENDED:
                raise SessionEnded from error
            if _psc_unreachable(error):
                raise PscUnreachable from error
            raise
        return tokens_from_proto(reply.tokens), principal_from_proto(reply.principal)

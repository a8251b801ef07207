"""AuthService over gRPC: protobuf <-> domain, nothing else."""

from __future__ import annotations

from services.auth.service import AuthService, Login, TokenSet
from services.common.context import Principal, ServicerContext
from services.common.psc_claims import ROLE_EFFECTEUR, ROLE_OFFICINE, ROLE_OPERATOR, ROLE_SUPPORT
from services.common.timefmt import to_timestamp
from vaxorders.auth.v1 import auth_service_pb2 as pb
from vaxorders.auth.v1 import auth_service_pb2_grpc as pb_grpc

_ROLES = {
    ROLE_OFFICINE: pb.ROLE_OFFICINE,
    ROLE_EFFECTEUR: pb.ROLE_EFFECTEUR,
    ROLE_OPERATOR: pb.ROLE_OPERATOR,
    ROLE_SUPPORT: pb.ROLE_SUPPORT,
}


def principal_pb(principal: Principal) -> pb.Principal:
    return pb.Principal(
        national_id=principal.national_id,
        given_name=principal.given_name,
        family_name=principal.family_name,
        profession_code=principal.profession_code,
        roles=sorted(_ROLES[role] for role in principal.roles if role in _ROLES),
        acts_for=list(principal.acts_for),
        explanation=principal.explanation,
    )


def tokens_pb(tokens: TokenSet) -> pb.Tokens:
    return pb.Tokens(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        id_token=tokens.id_token,
        access_expire_time=to_timestamp(tokens.access_expire_time),
        refresh_expire_time=to_timestamp(tokens.refresh_expire_time),
    )


def _login_parts(login: Login) -> tuple[pb.Tokens, pb.Principal]:
    return tokens_pb(login.tokens), principal_pb(login.principal)


class AuthServicer(pb_grpc.AuthServiceServicer):
    def __init__(self, service: AuthService) -> None:
        self._service = service

    async def ValidateToken(
        self, request: pb.ValidateTokenRequest, context: ServicerContext
    ) -> pb.ValidateTokenResponse:
        validated = await self._service.validate_token(request.token)
        return pb.ValidateTokenResponse(
            principal=principal_pb(validated.principal), expire_time=to_timestamp(validated.expire_time)
        )

    async def BeginLogin(self, request: pb.BeginLoginRequest, context: ServicerContext) -> pb.BeginLoginResponse:
        start = await self._service.begin_login(request.redirect_uri, request.login_hint)
        return pb.BeginLoginResponse(authorization_url=start.authorization_url, state=start.state)

    async def ExchangeCode(self, request: pb.ExchangeCodeRequest, context: ServicerContext) -> pb.ExchangeCodeResponse:
        login = await self._service.exchange_code(request.code, request.state, request.redirect_uri)
        tokens, principal = _login_parts(login)
        return pb.ExchangeCodeResponse(tokens=tokens, principal=principal)

    async def RefreshTokens(
        self, request: pb.RefreshTokensRequest, context: ServicerContext
    ) -> pb.RefreshTokensResponse:
        login = await self._service.refresh_tokens(request.refresh_token)
        tokens, principal = _login_parts(login)
        return pb.RefreshTokensResponse(tokens=tokens, principal=principal)

    async def Logout(self, request: pb.LogoutRequest, context: ServicerContext) -> pb.LogoutResponse:
        url = await self._service.logout(request.id_token, request.refresh_token, request.post_logout_redirect_uri)
        return pb.LogoutResponse(end_session_url=url)

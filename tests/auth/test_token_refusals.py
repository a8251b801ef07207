"""Every kind of bad token is UNAUTHENTICATED through a real gRPC call, and no
log line ever contains a token."""

from __future__ import annotations

import time
from collections.abc import Callable

import grpc
import pytest

from services.common.grpc_errors import ErrorDetails
from services.common.psc_tokens import MAX_TOKEN_BYTES
from tests.auth.conftest import login
from tests.conftest import log_events
from tests.support.polling import eventually
from vaxorders.auth.v1 import auth_service_pb2 as pb

CLAIRE = "899700000013"
REAL_PSC = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet"

BAD_TOKENS: dict[str, tuple[Callable[..., str], str]] = {
    "alg_none": (lambda psc: psc.unsigned(CLAIRE), "UNSUPPORTED_ALGORITHM"),
    "hs256_signed_with_public_key": (lambda psc: psc.hs256_with_public_key(CLAIRE), "UNSUPPORTED_ALGORITHM"),
    "bad_signature": (lambda psc: psc.signed_by_foreign_key(CLAIRE), "BAD_SIGNATURE"),
    "tampered_claims": (
        lambda psc: _swap_payload(psc.token_for(CLAIRE), psc.token_for("899700000906")),
        "BAD_SIGNATURE",
    ),
    "unknown_kid": (lambda psc: psc.token_for(CLAIRE, key=psc.foreign_key()), "UNKNOWN_KID"),
    "expired_beyond_leeway": (
        lambda psc: psc.token_for(CLAIRE, now=time.time() - 120 - 61 - 5, lifetime=120),
        "TOKEN_EXPIRED",
    ),
    "nbf_in_the_future": (lambda psc: psc.token_for(CLAIRE, nbf=int(time.time()) + 3600), "TOKEN_NOT_YET_VALID"),
    "wrong_iss": (lambda psc: psc.token_for(CLAIRE, iss=REAL_PSC), "WRONG_ISSUER"),
    "wrong_aud": (lambda psc: psc.token_for(CLAIRE, aud="another-client", azp="another-client"), "WRONG_AUDIENCE"),
    "missing_exp": (lambda psc: psc.token_for(CLAIRE, exp=psc.REMOVE), "MISSING_EXPIRY"),
    "missing_acr": (lambda psc: psc.token_for(CLAIRE, acr=psc.REMOVE), "INSUFFICIENT_ACR"),
    "insufficient_acr": (lambda psc: psc.token_for(CLAIRE, acr="eidas0"), "INSUFFICIENT_ACR"),
    "numeric_acr": (lambda psc: psc.token_for(CLAIRE, acr="1"), "INSUFFICIENT_ACR"),
    "over_16_kib": (lambda psc: psc.token_for(CLAIRE, padding="x" * MAX_TOKEN_BYTES), "TOKEN_TOO_LARGE"),
    "garbage": (lambda psc: "garbage", "MALFORMED_TOKEN"),
    "garbage_with_dots": (lambda psc: "abc.def.ghi", "MALFORMED_TOKEN"),
    "rs256_header_without_kid": (lambda psc: "eyJhbGciOiJSUzI1NiJ9.bm9wZQ.c2ln", "MISSING_KID"),
}


def _swap_payload(token: str, other: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{other.split('.')[1]}.{signature}"


def _refused(caught: pytest.ExceptionInfo[grpc.aio.AioRpcError]) -> ErrorDetails:
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.UNAUTHENTICATED
    assert "Pro Santé Connect" in details.message  # French, for the user
    return details


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
async def test_bad_token_is_unauthenticated_in_the_request_and_as_bearer(auth, psc, kind) -> None:
    make, reason = BAD_TOKENS[kind]
    token = make(psc)
    # In the request: ValidateToken.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=token), timeout=10)
    assert _refused(caught).reason == reason
    # As the bearer token of any call: the interceptor. (A token over 16 KiB cannot even
    # travel as gRPC metadata: the transport's 8 KiB limit stops it first.)
    if kind != "over_16_kib":
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await auth.stub.BeginLogin(
                pb.BeginLoginRequest(redirect_uri=psc.redirect_uri),
                metadata=[("authorization", f"Bearer {token}")],
                timeout=10,
            )
        assert _refused(caught).reason == reason


async def test_token_just_inside_the_leeway_is_still_accepted(auth, psc) -> None:
    token = psc.token_for(CLAIRE, now=time.time() - 120 - 50, lifetime=120)
    answer = await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=token), timeout=10)
    assert list(answer.principal.acts_for) == ["officines/759900111"]


async def test_empty_token_is_invalid_argument_on_the_token_field(auth) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=""), timeout=10)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["token"]


async def test_no_log_line_contains_a_token(auth, psc, json_logs) -> None:
    secrets: list[str] = []
    result = await login(auth, psc, CLAIRE)
    secrets += [result.tokens.access_token, result.tokens.refresh_token, result.tokens.id_token]
    good = psc.token_for("899700000104")
    secrets.append(good)
    await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=good), timeout=10)
    await auth.stub.BeginLogin(
        pb.BeginLoginRequest(redirect_uri=psc.redirect_uri), metadata=[("authorization", f"Bearer {good}")], timeout=10
    )
    for kind, (make, _) in BAD_TOKENS.items():
        token = make(psc)
        secrets.append(token)
        with pytest.raises(grpc.aio.AioRpcError):
            await auth.stub.ValidateToken(pb.ValidateTokenRequest(token=token), timeout=10)
        if kind != "over_16_kib":
            with pytest.raises(grpc.aio.AioRpcError):
                await auth.stub.BeginLogin(
                    pb.BeginLoginRequest(redirect_uri=psc.redirect_uri),
                    metadata=[("authorization", f"Bearer {token}")],
                    timeout=10,
                )
    refreshed = await auth.stub.RefreshTokens(
        pb.RefreshTokensRequest(refresh_token=result.tokens.refresh_token), timeout=10
    )
    secrets += [refreshed.tokens.access_token, refreshed.tokens.refresh_token, refreshed.tokens.id_token]
    await auth.stub.Logout(
        pb.LogoutRequest(id_token=refreshed.tokens.id_token, refresh_token=refreshed.tokens.refresh_token), timeout=10
    )

    # Every RPC above has logged its line (the interceptor logs after answering).
    await eventually(lambda: sum(e["event"] == "rpc" for e in log_events(json_logs)) >= 5 + 2 * len(BAD_TOKENS))
    text = json_logs.getvalue()
    assert "psc.token_refused" in text and "auth.login_completed" in text  # the run was really logged
    # A JWT's signature (or its payload, for hand-made ones) never appears, nor the whole token.
    for token in secrets:
        for part in {token, *[p for p in token.split(".") if len(p) >= 16]}:
            assert part not in text

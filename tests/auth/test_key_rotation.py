"""`python -m services.auth rotate-keys` while everything runs: the issuer signs with the
new key at once, services accept both keys' tokens, nothing restarts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import grpc
import httpx
import pytest
from jose import jws

from services.auth.dev_issuer.keys import KeyStore
from services.auth.spec import SPEC
from services.common.bootstrap import start_service
from services.common.clock import ManualClock, SystemClock
from services.common.grpc_errors import ErrorDetails
from tests.auth.conftest import AuthClient, auth_settings, login
from tests.support.psc import start_psc
from vaxorders.auth.v1 import auth_service_pb2 as pb
from vaxorders.auth.v1 import auth_service_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parent.parent.parent
CLAIRE = "899700000013"


def rotate_keys(data_dir: Path) -> str:
    env = {**os.environ, "VAXORDERS_DATA_DIR": str(data_dir), "VAXORDERS_ENVIRONMENT": "dev"}
    done = subprocess.run(
        [sys.executable, "-m", "services.auth", "rotate-keys"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split("new signing key ", 1)[1].split()[0]


def published_kids(issuer: str) -> list[str]:
    return [key["kid"] for key in httpx.get(f"{issuer}/protocol/openid-connect/certs", timeout=5).json()["keys"]]


def kid_of(token: str) -> str:
    return jws.get_unverified_header(token)["kid"]


async def validate(stub: pb_grpc.AuthServiceStub, token: str) -> pb.ValidateTokenResponse:
    return await stub.ValidateToken(pb.ValidateTokenRequest(token=token), timeout=10)


async def test_rotated_key_is_picked_up_without_restarting_anything(tmp_path, database_url_for) -> None:
    clock = ManualClock(SystemClock().now())
    with start_psc(tmp_path, clock) as own:
        settings = auth_settings(own, database_url_for(SPEC))
        running, runtime = await start_service(SPEC, settings, address="127.0.0.1:0", clock=clock)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
        auth = AuthClient(pb_grpc.AuthServiceStub(channel), settings, runtime)
        try:
            first_kid = published_kids(own.issuer)[0]
            old_seen = own.token_for(CLAIRE)
            old_unseen = own.token_for("899700000104")  # signed before rotation, first shown after
            await validate(auth.stub, old_seen)
            clock.advance(timedelta(minutes=5))  # the service has been up a while when keys rotate

            new_kid = rotate_keys(tmp_path)

            assert published_kids(own.issuer) == [new_kid, first_kid]
            # The running issuer signs with the new key: a whole login through its token endpoint.
            result = await login(auth, own, CLAIRE)
            assert kid_of(result.tokens.access_token) == new_kid
            assert kid_of(result.tokens.id_token) == new_kid
            assert list(result.principal.acts_for) == ["officines/759900111"]
            # The service, never restarted, accepts both keys' tokens.
            assert (await validate(auth.stub, own.token_for(CLAIRE))).principal.national_id == CLAIRE
            assert (await validate(auth.stub, old_seen)).principal.national_id == CLAIRE
            assert (await validate(auth.stub, old_unseen)).principal.national_id == "899700000104"
            # The refresh token signed by the old key still works at the issuer.
            refreshed = await auth.stub.RefreshTokens(
                pb.RefreshTokensRequest(refresh_token=result.tokens.refresh_token), timeout=10
            )
            assert kid_of(refreshed.tokens.access_token) == new_kid
        finally:
            await channel.close()
            await running.stop(0)


async def test_a_second_rotation_retires_the_oldest_key(tmp_path, database_url_for) -> None:
    clock = ManualClock(SystemClock().now())
    with start_psc(tmp_path, clock) as own:
        settings = auth_settings(own, database_url_for(SPEC))
        running, _ = await start_service(SPEC, settings, address="127.0.0.1:0", clock=clock)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
        stub = pb_grpc.AuthServiceStub(channel)
        try:
            oldest = own.token_for(CLAIRE)
            # What `rotate-keys` does (run for real above), here in-process: another KeyStore on the folder.
            KeyStore(tmp_path / "psc-dev-issuer").rotate()
            middle = own.token_for(CLAIRE)
            newest_kid = KeyStore(tmp_path / "psc-dev-issuer").rotate().kid
            assert published_kids(own.issuer) == [newest_kid, kid_of(middle)]
            newest = own.token_for(CLAIRE)
            clock.advance(timedelta(minutes=5))
            await validate(stub, newest)
            await validate(stub, middle)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await validate(stub, oldest)
            assert ErrorDetails.from_rpc_error(caught.value).reason == "UNKNOWN_KID"
            assert not (tmp_path / "psc-dev-issuer" / f"{kid_of(oldest)}.pem").exists()
        finally:
            await channel.close()
            await running.stop(0)


def test_private_keys_are_readable_by_their_owner_only(tmp_path) -> None:
    folder = tmp_path / "psc-dev-issuer"
    KeyStore(folder).ensure()
    KeyStore(folder).rotate()
    pems = list(folder.glob("*.pem"))
    assert len(pems) == 2
    assert all(p.stat().st_mode & 0o077 == 0 for p in pems)
    assert folder.stat().st_mode & 0o077 == 0


def test_issuer_command_never_starts_under_production_settings(tmp_path) -> None:
    env = {
        **os.environ,
        "VAXORDERS_DATA_DIR": str(tmp_path),
        "VAXORDERS_ENVIRONMENT": "production",
        "VAXORDERS_CLIENT_SECRET": "a-real-secret",
        "VAXORDERS_PAGE_TOKEN_SECRET": "a-production-page-token-secret-of-32-chars",
        "VAXORDERS_ISSUER_PORT": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.auth", "issuer"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "never runs with VAXORDERS_ENVIRONMENT=production" in done.stderr
    assert not (tmp_path / "psc-dev-issuer").exists()

"""The Friday CronJob command (`python -m services.mailer send-confirmations`) as a client:
it presents its own `friday-confirmations` token, finds today's session, asks for the
run with a request_id that is the same on every retry, and exits 0/1/2.

MailerService and SessionService are stood in by recording servicers behind the real
interceptor (the real mailer run is tested in tests/mailer): here what matters is what
the job sends and how it ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.common import context as ctx
from services.common.bootstrap import Runtime, ServiceSpec, start_service
from services.common.clock import ManualClock
from services.common.errors import FailedPrecondition
from services.common.server import RunningServer
from services.common.settings import ServiceSettings
from services.mailer.cli import request_id_for, send_confirmations
from services.mailer.settings import MailerSettings
from vaxorders.mailer.v1 import mailer_service_pb2 as mailer_pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as mailer_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as sessions_grpc

PARIS = ZoneInfo("Europe/Paris")
FRIDAY_10H = datetime(2022, 3, 11, 10, 0, tzinfo=PARIS)  # confirmation day of session 2022-03-07
THURSDAY = datetime(2022, 3, 10, 10, 0, tzinfo=PARIS)
SESSION = "sessions/2022-03-07"


class Sessions(sessions_grpc.SessionServiceServicer):
    async def ListSessions(self, request, context):  # type: ignore[no-untyped-def]
        return sessions_pb.ListSessionsResponse(
            sessions=[
                sessions_pb.Session(name="sessions/2022-02-28", confirmation_email_date="2022-03-04"),
                sessions_pb.Session(name=SESSION, confirmation_email_date="2022-03-11"),
            ]
        )


class Mailer(mailer_grpc.MailerServiceServicer):
    def __init__(self) -> None:
        self.calls: list[tuple[str, mailer_pb.SendDeliveryConfirmationsRequest, str]] = []
        self.refuse = False

    async def SendDeliveryConfirmations(self, request, context):  # type: ignore[no-untyped-def]
        principal = ctx.current_principal()
        self.calls.append((principal.national_id if principal else "", request, ctx.request_id_var.get()))
        if self.refuse:
            raise FailedPrecondition(
                "L'allocation de cette session n'est pas publiée.", reason="ALLOCATION_NOT_PUBLISHED"
            )
        queued = 0 if request.dry_run or len(self.calls) > 1 else 12
        return mailer_pb.SendDeliveryConfirmationsResponse(
            queued=queued, run=mailer_pb.ConfirmationRun(name=f"{request.session}/confirmationRuns/1", recipients=12)
        )


@pytest.fixture
def clock() -> ManualClock:
    """One clock for the job and the services, as in a cluster."""
    return ManualClock(FRIDAY_10H)


@pytest.fixture
async def services(psc, clock) -> AsyncIterator[tuple[RunningServer, Mailer]]:  # type: ignore[no-untyped-def]
    mailer = Mailer()

    async def build(runtime: Runtime) -> list[Any]:
        return [
            lambda s: sessions_grpc.add_SessionServiceServicer_to_server(Sessions(), s),
            lambda s: mailer_grpc.add_MailerServiceServicer_to_server(mailer, s),
        ]

    spec = ServiceSpec(
        name="mailer",
        service_names=["vaxorders.sessions.v1.SessionService", "vaxorders.mailer.v1.MailerService"],
        build=build,
    )
    settings = ServiceSettings(service="mailer", environment="test", **psc.settings_overrides())
    running, _ = await start_service(
        spec, settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
    )
    yield running, mailer
    await running.stop(0)


def job_settings(running: RunningServer, service_identity, **overrides: Any) -> MailerSettings:  # type: ignore[no-untyped-def]
    address = f"127.0.0.1:{running.port}"
    return MailerSettings(
        service="mailer",
        environment="test",
        sessions_address=address,
        mailer_address=address,
        **{**service_identity.minting_overrides(), **overrides},
    )


async def test_on_friday_the_job_asks_for_todays_session_as_friday_confirmations(
    services, clock, service_identity
) -> None:  # type: ignore[no-untyped-def]
    running, mailer = services
    settings = job_settings(running, service_identity)

    assert await send_confirmations(settings, "current", clock=clock) == 0
    assert await send_confirmations(settings, "current", clock=clock) == 0  # a retry

    assert [(who, r.session, r.dry_run) for who, r, _ in mailer.calls] == [
        ("service:friday-confirmations", SESSION, False),
        ("service:friday-confirmations", SESSION, False),
    ]
    # The same request_id on every attempt, which the mailer uses to run once; it is also the call's x-request-id.
    assert {r.request_id for _, r, _ in mailer.calls} == {request_id_for(SESSION)}
    assert {rid for _, _, rid in mailer.calls} == {request_id_for(SESSION)}


async def test_a_day_without_confirmations_does_nothing_and_succeeds(services, clock, service_identity) -> None:  # type: ignore[no-untyped-def]
    running, mailer = services
    clock.set(THURSDAY)
    assert await send_confirmations(job_settings(running, service_identity), "current", clock=clock) == 0
    assert mailer.calls == []


async def test_a_dry_run_never_takes_the_request_id_of_the_real_run(services, clock, service_identity) -> None:  # type: ignore[no-untyped-def]
    running, mailer = services
    settings = job_settings(running, service_identity)
    assert await send_confirmations(settings, SESSION, dry_run=True, clock=clock) == 0
    assert await send_confirmations(settings, SESSION, dry_run=True, clock=clock) == 0
    ids = [r.request_id for _, r, _ in mailer.calls]
    assert all(r.dry_run for _, r, _ in mailer.calls)
    assert len(set(ids)) == 2 and request_id_for(SESSION) not in ids


async def test_a_refused_run_exits_1(services, clock, service_identity) -> None:  # type: ignore[no-untyped-def]
    running, mailer = services
    mailer.refuse = True
    assert await send_confirmations(job_settings(running, service_identity), SESSION, clock=clock) == 1


async def test_a_token_the_services_do_not_trust_exits_1(services, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.service_identity import make_keys  # noqa: PLC0415

    running, mailer = services
    stranger = make_keys(tmp_path / "stranger")
    assert await send_confirmations(job_settings(running, stranger), SESSION, clock=clock) == 1
    assert mailer.calls == []


async def test_without_the_private_key_the_job_exits_2_and_calls_nobody(services, clock, service_identity) -> None:  # type: ignore[no-untyped-def]
    running, mailer = services
    settings = job_settings(running, service_identity, service_key_file="")
    assert await send_confirmations(settings, "current", clock=clock) == 2
    assert mailer.calls == []


def test_the_command_line_has_a_dry_run_and_no_token_file() -> None:
    from services.mailer.__main__ import main  # noqa: PLC0415

    with pytest.raises(SystemExit):
        main(["send-confirmations", "--token-file", "x"])

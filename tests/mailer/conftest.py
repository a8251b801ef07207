"""A real mailer (gRPC on port 0, its dispatcher running) and a real aiosmtpd
relay on port 0 whose answers the test controls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import grpc
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.common.bootstrap import Runtime, start_service
from services.common.clock import ManualClock
from services.common.server import RunningServer
from services.mailer.settings import MailerSettings
from services.mailer.sink import MailSink, start_smtp
from services.mailer.spec import SPEC
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc

PARIS = ZoneInfo("Europe/Paris")
OPERATOR = "899700000906"
TITULAIRE_LILAS = "899700000013"  # officines/759900111
TITULAIRE_OTHER = "899700000021"  # officines/699900122
SUPPORT_ADDRESS = "support@vaxorders.test"


class ControlledSink(MailSink):
    """The dev sink, plus what a misbehaving relay does: refuse, or hang."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.refuse_with: str | None = None
        self.refusals = 0
        self.hold: asyncio.Event | None = None
        self.holding = asyncio.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hold is not None:
            self.holding.set()
            await self.hold.wait()
        if self.refuse_with:
            self.refusals += 1
            return self.refuse_with
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Relay:
    handler: ControlledSink
    port: int

    def mails(self) -> list[EmailMessage]:
        return [
            BytesParser(policy=policy.default).parsebytes(path.read_bytes())  # type: ignore[misc]
            for path in sorted(self.handler.directory.glob("*.eml"))
        ]


@pytest.fixture
async def relay(tmp_path: Path) -> AsyncIterator[Relay]:
    handler = ControlledSink(tmp_path / "mail-sink")
    server = await start_smtp(handler, "127.0.0.1", 0)
    yield Relay(handler, server.sockets[0].getsockname()[1])
    if handler.hold is not None:
        handler.hold.set()
    server.close()
    await server.wait_closed()


@dataclass
class Mailer:
    running: RunningServer
    runtime: Runtime
    stub: pb_grpc.MailerServiceStub
    clock: ManualClock
    settings: MailerSettings
    channel: grpc.aio.Channel
    stopped: bool = False

    async def stop(self) -> None:
        """Stop like a killed process would leave things: the dispatcher is cut off mid-work."""
        if not self.stopped:
            self.stopped = True
            await self.channel.close()
            await self.running.stop(0)


MailerFactory = Callable[..., Any]


@pytest.fixture
async def start_mailer(database_url_for, psc, relay: Relay) -> AsyncIterator[MailerFactory]:  # type: ignore[no-untyped-def]
    """Starts mailers on one database (a second start stands for a restart)."""
    url = database_url_for(SPEC)
    started: list[Mailer] = []

    async def start(clock: ManualClock | None = None, **overrides: Any) -> Mailer:
        clock = clock or ManualClock(datetime(2022, 3, 11, 9, 0, tzinfo=PARIS))
        settings = MailerSettings(
            service="mailer",
            database_url=url,
            environment="test",
            smtp_host="127.0.0.1",
            smtp_port=relay.port,
            smtp_timeout_seconds=5,
            mail_claim_seconds=60,
            mail_poll_seconds=0.02,
            mail_max_attempts=3,
            mail_retry_base_seconds=60,
            support_address=SUPPORT_ADDRESS,
            **{**psc.settings_overrides(), **overrides},
        )
        running, runtime = await start_service(
            SPEC, settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
        )
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
        mailer = Mailer(running, runtime, pb_grpc.MailerServiceStub(channel), clock, settings, channel)
        started.append(mailer)
        return mailer

    yield start
    for mailer in reversed(started):
        await mailer.stop()


@pytest.fixture
async def mailer(start_mailer: MailerFactory) -> Mailer:
    return await start_mailer()

"""The chaos harness's own pieces: a client resends the same request while the
service is away and stops at a final answer; the checks do find a lost and a
twice-delivered mail, and such a scenario fails the run. (The scenarios
themselves run the real processes: `make chaos`.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest

from bench.procs import free_port
from chaos.calls import CHANNEL_OPTIONS, Refused, Tally, call
from chaos.checks import Findings, check_mail
from chaos.report import table
from chaos.scenarios import Row
from chaos.writers import MailWriter
from services.common.server import create_server
from services.mailer.smtp import Outgoing, build_email
from tests.common.plumbing import PlumbingServicer
from tests.support.polling import eventually
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc


async def test_a_call_is_resent_while_the_service_is_away_then_answered() -> None:
    port = free_port()
    tally = Tally()
    servicer = PlumbingServicer()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=CHANNEL_OPTIONS) as channel:
        stub = pb_grpc.SessionServiceStub(channel)
        pending = asyncio.create_task(call(tally, stub.GetServiceState, pb.GetServiceStateRequest(), ()))
        await eventually(lambda: tally.retried["UNAVAILABLE"] >= 2, timeout=30)  # nothing listens yet
        running = await create_server(
            f"127.0.0.1:{port}",
            domain="sessions.test",
            service_names=["vaxorders.sessions.v1.SessionService"],
            registrations=[lambda s: pb_grpc.add_SessionServiceServicer_to_server(servicer, s)],
            authenticator=None,
        )
        try:
            reply = await asyncio.wait_for(pending, 60)
            assert reply.message
            assert tally.ok == 1 and len(servicer.seen) == 1

            # A final answer is not resent.
            with pytest.raises(Refused) as refused:
                await call(tally, stub.GetProduct, pb.GetProductRequest(name="products/invalid"), ())
            assert refused.value.details.code == grpc.StatusCode.INVALID_ARGUMENT
            assert refused.value.method == "GetProduct"
        finally:
            await running.stop(0)


def _deliver(sink: Path, message_id: str, copy: int) -> None:
    """What the dev sink stores for one delivery of outbox message `message_id`."""
    mail = build_email(
        Outgoing(message_id, ["x@chaos.example.test"], "Essai", "Texte", None, "", datetime(2022, 3, 7, tzinfo=UTC)),
        "Commande de vaccins <ne-pas-repondre@chaos.example.test>",
    )
    (sink / f"20220307T080000{copy:06d}{message_id[:6]}-0000000{copy}.eml").write_bytes(bytes(mail))


async def test_a_lost_and_a_twice_delivered_mail_fail_the_scenario(tmp_path: Path) -> None:
    writer = MailWriter(Tally(), grpc.aio.insecure_channel("127.0.0.1:9"), "token", "t")
    for request_id, message_id in (("r1", "once"), ("r2", "twice"), ("r3", "never")):
        writer.acked(request_id, f"messages/{message_id}")
    _deliver(tmp_path, "once", 1)
    _deliver(tmp_path, "twice", 2)
    _deliver(tmp_path, "twice", 3)

    findings = await check_mail([writer], tmp_path, drain_seconds=0)

    assert (findings.acknowledged, findings.found, findings.lost, findings.duplicated) == (3, 2, 1, 1)
    row = Row("SMTP relay down", findings, Tally(), acked_after_fault=0, seconds=1.0, serve_after=False)
    assert not row.passed
    assert "| SMTP relay down | 3 | 2 | 1 | 1 |" in table([row]) and "FAIL" in table([row])


def test_a_scenario_with_a_non_retryable_error_fails() -> None:
    tally = Tally()
    tally.error("CANCELLED", "CreateOrderLine")
    row = Row("rolling restart", Findings(), tally, 10, 1.0)
    assert not row.passed
    assert "1 CANCELLED" in table([row])

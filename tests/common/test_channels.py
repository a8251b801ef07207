"""The deadline arithmetic of outgoing calls (services/common/channels.py): a
call never gets more time than the current RPC has left, minus a margin to
answer; without an incoming deadline it gets the default (or its own timeout);
at or past the deadline the call still goes out, with a 1 ms timeout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic

import grpc
import pytest

from services.common import context as ctx
from services.common.channels import _Forwarding

DEFAULT = 5.0
MARGIN = 0.05  # what the current RPC keeps to turn the answer into its own


def details(timeout: float | None = None) -> grpc.aio.ClientCallDetails:
    return grpc.aio.ClientCallDetails(
        method="/vaxorders.sessions.v1.SessionService/GetSession",
        timeout=timeout,
        metadata=None,
        credentials=None,
        wait_for_ready=None,
    )


@contextmanager
def time_left(seconds: float | None) -> Iterator[None]:
    token = ctx.deadline_var.set(None if seconds is None else monotonic() + seconds)
    try:
        yield
    finally:
        ctx.deadline_var.reset(token)


def outgoing_timeout(timeout: float | None = None) -> float:
    sent = _Forwarding(DEFAULT).details(details(timeout))
    assert sent.timeout is not None
    return sent.timeout


def test_without_an_incoming_deadline_a_call_gets_the_default_timeout() -> None:
    with time_left(None):
        assert outgoing_timeout() == DEFAULT


def test_without_an_incoming_deadline_an_explicit_timeout_is_kept() -> None:
    with time_left(None):
        assert outgoing_timeout(1.5) == 1.5
        assert outgoing_timeout(30.0) == 30.0


def test_the_time_left_minus_the_margin_clamps_a_longer_timeout() -> None:
    with time_left(1.0):
        sent = outgoing_timeout()
    assert 1.0 - MARGIN - 0.5 < sent <= 1.0 - MARGIN


def test_the_time_left_clamps_an_explicit_timeout_too() -> None:
    with time_left(2.0):
        sent = outgoing_timeout(10.0)
    assert 2.0 - MARGIN - 0.5 < sent <= 2.0 - MARGIN


def test_a_timeout_shorter_than_the_time_left_is_kept() -> None:
    with time_left(60.0):
        assert outgoing_timeout() == DEFAULT
        assert outgoing_timeout(0.2) == 0.2


@pytest.mark.parametrize("left", [MARGIN / 2, 0.0, -3.0])
def test_an_expired_or_almost_expired_deadline_is_not_sent(left: float) -> None:
    with time_left(left), pytest.raises(grpc.aio.AioRpcError) as caught:
        outgoing_timeout()
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_the_request_id_of_the_current_rpc_travels_with_the_call() -> None:
    token = ctx.request_id_var.set("5f0c9d2e-1111-4aaa-8bbb-123456789abc")
    try:
        sent = _Forwarding(DEFAULT).details(details())
    finally:
        ctx.request_id_var.reset(token)
    assert sent.metadata is not None
    assert sent.metadata.get(ctx.REQUEST_ID_KEY) == "5f0c9d2e-1111-4aaa-8bbb-123456789abc"

"""Domain errors reach clients as the right code with details; crashes don't leak."""

from __future__ import annotations

import grpc
import pytest

from services.common.grpc_errors import INTERNAL_MESSAGE, ErrorDetails
from tests.common.plumbing import PlumbingServicer, start_plumbing_server
from tests.conftest import log_events
from tests.support.polling import eventually
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc


@pytest.fixture
async def stub():
    servicer = PlumbingServicer()
    running = await start_plumbing_server(servicer)
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    yield pb_grpc.SessionServiceStub(channel)
    await channel.close()
    await running.stop(0)


async def test_domain_error_arrives_with_code_reason_french_message_and_field(stub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProduct(pb.GetProductRequest(name="products/invalid"), timeout=5)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.reason == "BAD_PRODUCT_NAME"
    assert details.domain == "sessions.test"
    assert details.message == "Le nom du produit est invalide."
    assert [(v.field, v.description) for v in details.violations] == [("name", "Le nom du produit est invalide.")]


async def test_unexpected_exception_is_internal_without_its_text(stub, json_logs) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProduct(pb.GetProductRequest(name="products/boom"), timeout=5)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INTERNAL
    assert details.message == INTERNAL_MESSAGE
    assert "hunter2" not in caught.value.details()
    assert all("hunter2" not in str(value) for _, value in caught.value.trailing_metadata() or ())
    # The traceback is for the operators, in the log.
    events = await eventually(
        lambda: (events := log_events(json_logs)) and any(e["event"] == "rpc" for e in events) and events
    )
    assert any(e["event"] == "rpc.unexpected_error" and "hunter2" in e.get("exception", "") for e in events)
    assert [e["code"] for e in events if e["event"] == "rpc"] == ["INTERNAL"]

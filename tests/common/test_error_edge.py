"""Domain errors reach clients as the right code with details; crashes don't leak."""

from __future__ import annotations

import grpc
import pytest

from services.common.grpc_errors import INTERNAL_MESSAGE, MAX_ECHO_CHARS, ErrorDetails, bounded
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


@pytest.mark.parametrize("filler", ["x", "€", "😀"])  # 1, 3 and 4 UTF-8 bytes a character
async def test_a_very_long_echoed_value_gives_a_clean_invalid_argument_with_bounded_texts(stub, filler: str) -> None:
    name = "products/echo/" + filler * 100_000
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProduct(pb.GetProductRequest(name=name), timeout=5)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT  # not RESOURCE_EXHAUSTED "Stream removed"
    assert len(details.message) <= MAX_ECHO_CHARS and details.message.endswith("…")
    assert details.message.startswith("Nom de produit invalide : « products/echo/")
    assert [v.field for v in details.violations] == ["rules[0].name"]
    assert all(len(v.description) <= MAX_ECHO_CHARS for v in details.violations)
    assert all(len(value) <= MAX_ECHO_CHARS for value in details.metadata.values())


@pytest.mark.parametrize("filler", ["x", "😀"])
async def test_a_thousand_echoing_violations_are_cut_to_what_fits_and_counted(stub, filler: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetProduct(pb.GetProductRequest(name="products/echo/many/" + filler * 10_000), timeout=5)
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    shown, summary = details.violations[:-1], details.violations[-1]
    assert shown and all(len(v.description) <= MAX_ECHO_CHARS for v in shown)
    assert summary.description == f"… et {1000 - len(shown)} autres erreurs."


def test_short_texts_are_echoed_whole_and_long_ones_cut_with_an_ellipsis() -> None:
    assert bounded("Nom invalide.") == "Nom invalide."
    assert bounded("a" * MAX_ECHO_CHARS) == "a" * MAX_ECHO_CHARS
    assert bounded("a" * (MAX_ECHO_CHARS + 1)) == "a" * (MAX_ECHO_CHARS - 1) + "…"

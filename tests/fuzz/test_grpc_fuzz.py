"""Every gRPC method of the suite, fuzzed with messages hypothesis builds from its request
descriptor (tests/fuzz/protobuf_strategies.py), as an officine, an operator and a visitor,
against the real running services: no answer is a server fault (INTERNAL, UNKNOWN,
DATA_LOSS, gRPC's own RESOURCE_EXHAUSTED), and every service still serves afterwards.

The methods come from the generated descriptors: an RPC added later is fuzzed with no change
here. `make fuzz` runs the same tests longer (VAXORDERS_FUZZ=long)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import pytest
from google.protobuf.descriptor import MethodDescriptor
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import GRPC_EXAMPLES, Caller, fuzz_settings
from tests.fuzz.protobuf_strategies import message_bytes
from tests.fuzz.rpcs import all_methods, all_services, call, method_id
from tests.fuzz.running import BackgroundStack
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1.sessions_service_pb2_grpc import SessionServiceStub

METHODS = all_methods()


@pytest.fixture(scope="module")
def channels(suite: BackgroundStack) -> Iterator[dict[str, grpc.Channel]]:
    """A synchronous channel per gRPC service, to the process that serves it."""
    opened = {address: grpc.insecure_channel(address) for address in set(suite.addresses().values())}
    yield {name: opened[address] for name, address in suite.addresses().items()}
    for channel in opened.values():
        channel.close()


def test_every_service_in_the_descriptors_is_served_by_a_process(suite: BackgroundStack) -> None:
    """Otherwise a service would escape the fuzzers (and the suite would not serve it)."""
    assert {s.full_name for s in all_services()} <= set(suite.addresses())
    assert len(METHODS) >= 70


@pytest.mark.parametrize("method", METHODS, ids=method_id)
def test_no_generated_request_gets_a_server_fault(
    method: MethodDescriptor, channels: dict[str, grpc.Channel], callers: list[Caller]
) -> None:
    channel = channels[method.containing_service.full_name]
    requests = st.lists(message_bytes(method.input_type), min_size=1, max_size=3 if method.client_streaming else 1)

    @fuzz_settings(GRPC_EXAMPLES)
    @given(requests=requests, caller=st.sampled_from(callers))
    def fuzz(requests: list[bytes], caller: Caller) -> None:
        reply = call(channel, method, requests, caller.metadata())
        assert not reply.is_server_fault, f"{caller.name}: {reply.code.name} {reply.details[:300]!r}"

    fuzz()


def test_every_service_still_serves_after_the_fuzzing(
    suite: BackgroundStack, channels: dict[str, grpc.Channel]
) -> None:
    for name, channel in channels.items():
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING, name
    state = SessionServiceStub(channels["vaxorders.sessions.v1.SessionService"]).GetServiceState(
        sessions_pb.GetServiceStateRequest(), timeout=10
    )
    assert state.message
    assert httpx.get(f"{suite.stack.base_url}/", timeout=30).status_code == 200

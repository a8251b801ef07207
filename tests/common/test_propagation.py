"""The request id and the caller travel across two hops and appear in the logs;
every outgoing call is bounded by what the incoming one has left."""

from __future__ import annotations

import grpc
import pytest

from services.common.channels import Channels
from services.common.clock import SystemClock
from tests.common.plumbing import PlumbingServicer, start_plumbing_server
from tests.conftest import log_events
from tests.support.polling import eventually
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

CLAIRE = "899700000013"  # titulaire of Pharmacie des Lilas


async def _start(servicer: PlumbingServicer, psc):  # type: ignore[no-untyped-def]
    return await start_plumbing_server(servicer, psc.authenticator(SystemClock()))


@pytest.fixture
async def two_hops(psc):  # type: ignore[no-untyped-def]
    last = PlumbingServicer()
    last_server = await _start(last, psc)
    channels = Channels(default_timeout=5)
    first = PlumbingServicer(downstream=f"127.0.0.1:{last_server.port}", channels=channels)
    first_server = await _start(first, psc)
    client = grpc.aio.insecure_channel(f"127.0.0.1:{first_server.port}")
    yield pb_grpc.SessionServiceStub(client), first, last
    await client.close()
    await channels.close()
    await first_server.stop(0)
    await last_server.stop(0)


async def test_request_id_and_caller_reach_the_second_hop_and_its_logs(two_hops, psc, json_logs) -> None:
    stub, first, last = two_hops
    request_id = "3f1c9a52-6f0e-4d0b-9a5e-2d7c1b8e4a10"
    metadata = [("x-request-id", request_id), *psc.metadata_for(CLAIRE)]

    answer = await stub.GetServiceState(pb.GetServiceStateRequest(), metadata=metadata, timeout=5)

    assert answer.message == f"{request_id}|{CLAIRE}"
    assert first.seen == [(request_id, CLAIRE)]
    assert last.seen == [(request_id, CLAIRE)]
    events = await eventually(
        lambda: len(evs := [e for e in log_events(json_logs) if e["event"] == "rpc"]) == 2 and evs
    )
    assert all(e["request_id"] == request_id and e["caller"] == CLAIRE and e["code"] == "OK" for e in events)


async def test_a_call_without_token_is_unauthenticated_and_reaches_nobody(two_hops) -> None:
    stub, first, last = two_hops
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetServiceState(pb.GetServiceStateRequest(), timeout=5)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert first.seen == [] and last.seen == []


async def test_a_request_without_id_gets_one_that_both_hops_share(two_hops, psc) -> None:
    stub, first, last = two_hops
    await stub.GetServiceState(pb.GetServiceStateRequest(), metadata=psc.metadata_for(CLAIRE), timeout=5)
    assert first.seen[0][0] and first.seen == last.seen

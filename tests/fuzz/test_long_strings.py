"""Every RPC, every string field in turn (nested ones too) set to 100,000 characters, as an
operator and as an officine: the answer is a clean status — never INTERNAL nor gRPC's own
RESOURCE_EXHAUSTED "Stream removed" (an error echoing the input past the trailers' limit) — and
the error it carries stays small. Fields come from the generated descriptors, so a field or
an RPC added later is walked too."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from tests.fuzz.conftest import Caller
from tests.fuzz.rpcs import all_methods, call, method_id
from tests.fuzz.running import BackgroundStack

LONG_TEXT = "x" * 100_000
MAX_DEPTH = 3
# What an error may weigh: its message is bounded to a few hundred characters and its
# details (violations...) to about 2 KB by the error edge (services/common/grpc_errors.py).
MAX_DETAILS_CHARS = 1_000
MAX_STATUS_BYTES = 4_096


def string_paths(descriptor: Descriptor, depth: int = 0) -> Iterator[tuple[FieldDescriptor, ...]]:
    """Every string field reachable from `descriptor`, as the chain of fields leading to it."""
    if depth >= MAX_DEPTH or descriptor.full_name.startswith("google.protobuf."):
        return
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_STRING:
            yield (field,)
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            for rest in string_paths(field.message_type, depth + 1):
                yield (field, *rest)


def with_long_string(descriptor: Descriptor, chain: tuple[FieldDescriptor, ...]) -> bytes:
    message: Message = GetMessageClass(descriptor)()
    root = message
    for field in chain[:-1]:
        message = getattr(message, field.name).add() if field.is_repeated else getattr(message, field.name)
        if not field.is_repeated:
            message.SetInParent()
    last = chain[-1]
    if last.is_repeated:
        getattr(message, last.name).append(LONG_TEXT)
    else:
        setattr(message, last.name, LONG_TEXT)
    return root.SerializeToString()


CASES = [(m, chain) for m in all_methods() for chain in string_paths(m.input_type)]


@pytest.fixture(scope="module")
def channels(suite: BackgroundStack) -> Iterator[dict[str, grpc.Channel]]:
    opened = {address: grpc.insecure_channel(address) for address in set(suite.addresses().values())}
    yield {name: opened[address] for name, address in suite.addresses().items()}
    for channel in opened.values():
        channel.close()


@pytest.mark.parametrize(
    ("method", "chain"), CASES, ids=[f"{method_id(m)}.{'.'.join(f.name for f in c)}" for m, c in CASES]
)
def test_a_very_long_string_gets_a_clean_small_refusal(
    method: MethodDescriptor,
    chain: tuple[FieldDescriptor, ...],
    channels: dict[str, grpc.Channel],
    callers: list[Caller],
) -> None:
    request = with_long_string(method.input_type, chain)
    for caller in callers[:2]:  # the officine and the operator: a visitor stops at authentication
        reply = call(channels[method.containing_service.full_name], method, [request], caller.metadata())
        assert not reply.is_server_fault, f"{caller.name}: {reply.code.name} {reply.details[:300]!r}"
        assert len(reply.details) <= MAX_DETAILS_CHARS, f"{caller.name}: {len(reply.details)} characters"
        assert reply.status_bytes <= MAX_STATUS_BYTES, f"{caller.name}: {reply.status_bytes} bytes of details"

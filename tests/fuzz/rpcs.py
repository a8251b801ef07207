"""Every RPC of the suite, found in the generated descriptors (gen/vaxorders), and a raw
call to it: the request goes as bytes, so the fuzzers can send what no generated class would
build. A method added to a .proto is fuzzed by the next run without any change here."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.rpc import error_details_pb2
from grpc_status import rpc_status

import vaxorders

TIMEOUT = 20.0
# Codes a server must never answer, whatever it was sent: they mean a bug, not bad input.
SERVER_FAULTS = frozenset({grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.DATA_LOSS})


def all_services() -> list[ServiceDescriptor]:
    services = []
    for module in pkgutil.walk_packages(vaxorders.__path__, "vaxorders."):
        if module.name.endswith("_pb2"):
            services.extend(importlib.import_module(module.name).DESCRIPTOR.services_by_name.values())
    return sorted(services, key=lambda s: s.full_name)


def all_methods() -> list[MethodDescriptor]:
    return [m for s in all_services() for m in s.methods]


def method_id(method: MethodDescriptor) -> str:
    return f"{method.containing_service.name}.{method.name}"


def path(method: MethodDescriptor) -> str:
    return f"/{method.containing_service.full_name}/{method.name}"


@dataclass(frozen=True)
class Reply:
    code: grpc.StatusCode
    details: str
    status_bytes: int  # size of grpc-status-details-bin (the rich error), 0 when none
    has_error_info: bool

    @property
    def is_server_fault(self) -> bool:
        # RESOURCE_EXHAUSTED is ours only with an ErrorInfo (a quota); without one it is gRPC's
        # own (e.g. trailers over the metadata limit: "Stream removed").
        return self.code in SERVER_FAULTS or (
            self.code == grpc.StatusCode.RESOURCE_EXHAUSTED and not self.has_error_info
        )


def _reply_of(error: grpc.RpcError) -> Reply:
    assert isinstance(error, grpc.Call)
    trailers = dict(error.trailing_metadata() or ())
    raw = trailers.get("grpc-status-details-bin", b"")
    has_info = False
    status = rpc_status.from_call(error) if raw else None
    if status is not None:
        for detail in status.details:
            has_info = has_info or detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)
    return Reply(error.code(), error.details() or "", len(raw) if isinstance(raw, bytes) else 0, has_info)


def call(
    channel: grpc.Channel, method: MethodDescriptor, requests: list[bytes], metadata: list[tuple[str, str]]
) -> Reply:
    """Sends `requests` (one unless the method streams them) and reads the whole answer."""
    try:
        if method.client_streaming:
            channel.stream_unary(path(method))(iter(requests), metadata=metadata, timeout=TIMEOUT)
        elif method.server_streaming:
            for _ in channel.unary_stream(path(method))(requests[0], metadata=metadata, timeout=TIMEOUT):
                pass
        else:
            channel.unary_unary(path(method))(requests[0], metadata=metadata, timeout=TIMEOUT)
    except grpc.RpcError as error:
        return _reply_of(error)
    return Reply(grpc.StatusCode.OK, "", 0, False)

"""The error edge: domain errors <-> gRPC status with google.rpc details.

Server side, `status_for` is the only place mapping exceptions to codes.
Client side, `ErrorDetails.from_rpc_error` reads them back (gateway, services
calling services).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common.errors import (
    Aborted,
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    Unauthenticated,
    Unavailable,
)

_CODES: list[tuple[type[DomainError], int]] = [
    (InvalidArgument, code_pb2.INVALID_ARGUMENT),
    (NotFound, code_pb2.NOT_FOUND),
    (AlreadyExists, code_pb2.ALREADY_EXISTS),
    (Aborted, code_pb2.ABORTED),
    (QuotaExceeded, code_pb2.RESOURCE_EXHAUSTED),
    (FailedPrecondition, code_pb2.FAILED_PRECONDITION),
    (Unauthenticated, code_pb2.UNAUTHENTICATED),
    (PermissionDenied, code_pb2.PERMISSION_DENIED),
    (Unavailable, code_pb2.UNAVAILABLE),
]

INTERNAL_MESSAGE = (
    "Une erreur inattendue est survenue. Réessayez dans un instant ; si elle persiste, contactez le support."
)


def _pack(message: Message) -> any_pb2.Any:
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail


# Errors often echo what the user typed; the whole status travels in the trailers, which
# gRPC caps (8 KiB by default): a longer one reaches the client as RESOURCE_EXHAUSTED
# "Stream removed". So every text an error carries is bounded here, the one place.
MAX_ECHO_CHARS = 300
ELLIPSIS = "…"
# UTF-8 bytes of all field violations together; the rest are summed up in one last violation.
MAX_VIOLATION_BYTES = 2000
_MAX_METADATA = 16


def bounded(text: str, limit: int = MAX_ECHO_CHARS) -> str:
    """`text` cut to `limit` characters, ending with "…" when it was cut."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def bounded_violations(violations: list[FieldViolation]) -> list[FieldViolation]:
    """Each violation bounded; as many as fit in MAX_VIOLATION_BYTES, then "… et N autres"."""
    kept: list[FieldViolation] = []
    used = 0
    for index, violation in enumerate(violations):
        item = FieldViolation(bounded(violation.field, 120), bounded(violation.description))
        used += len(item.field.encode()) + len(item.description.encode())
        if used > MAX_VIOLATION_BYTES and kept:
            rest = len(violations) - index
            kept.append(
                FieldViolation("", f"… et {rest} autre{'s' if rest > 1 else ''} erreur{'s' if rest > 1 else ''}.")
            )
            break
        kept.append(item)
    return kept


def status_for(error: DomainError, domain: str) -> grpc.Status:
    code = next((c for cls, c in _CODES if isinstance(error, cls)), code_pb2.UNKNOWN)
    message = bounded(error.message)
    metadata = {bounded(k, 64): bounded(v) for k, v in list(error.metadata.items())[:_MAX_METADATA]}
    details = [
        _pack(error_details_pb2.ErrorInfo(reason=bounded(error.reason, 64), domain=domain, metadata=metadata)),
        _pack(error_details_pb2.LocalizedMessage(locale="fr-FR", message=message)),
    ]
    if error.violations:
        details.append(
            _pack(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                        for v in bounded_violations(error.violations)
                    ]
                )
            )
        )
    return rpc_status.to_status(status_pb2.Status(code=code, message=message, details=details))


def internal_status(domain: str) -> grpc.Status:
    """What a client sees of an unexpected exception: nothing of its text."""
    return rpc_status.to_status(
        status_pb2.Status(
            code=code_pb2.INTERNAL,
            message=INTERNAL_MESSAGE,
            details=[
                _pack(error_details_pb2.ErrorInfo(reason="INTERNAL", domain=domain)),
                _pack(error_details_pb2.LocalizedMessage(locale="fr-FR", message=INTERNAL_MESSAGE)),
            ],
        )
    )


@dataclass
class ErrorDetails:
    """A gRPC error as a caller reads it."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    violations: list[FieldViolation] = field(default_factory=list)

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> ErrorDetails:
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        text = error.details() if hasattr(error, "details") else ""
        result = cls(code=code, message=text or "")
        # An aio call's error is no grpc.Call, but has what from_call reads (code, details, trailers).
        status = rpc_status.from_call(cast(grpc.Call, error)) if hasattr(error, "trailing_metadata") else None
        if status is None:
            return result
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                result.reason, result.domain, result.metadata = info.reason, info.domain, dict(info.metadata)
            elif detail.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
                localized = error_details_pb2.LocalizedMessage()
                detail.Unpack(localized)
                result.message = localized.message
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                result.violations = [FieldViolation(v.field, v.description) for v in bad.field_violations]
        return result


# A dependency refusing what the caller sent (a malformed or unknown name passed on) is the
# caller's error, not an outage: it keeps its kind and its French text instead of becoming a
# retryable UNAVAILABLE (503 at the gateway) that retrying can never cure.
_PASSED_ON: dict[grpc.StatusCode, type[DomainError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
}


def passed_on(error: grpc.RpcError) -> DomainError | None:
    """The dependency's refusal of the caller's input as the same domain error, or None."""
    details = ErrorDetails.from_rpc_error(error)
    kind = _PASSED_ON.get(details.code)
    if kind is None:
        return None
    return kind(details.message, reason=details.reason or None, violations=details.violations)

from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SendStockNoticesRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class SendStockNoticesResponse(_message.Message):
    __slots__ = ("expiry_alerts_queued", "uncollected_notices_queued", "certificates_queued", "already_queued", "missing_address")
    EXPIRY_ALERTS_QUEUED_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_NOTICES_QUEUED_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_QUEUED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_QUEUED_FIELD_NUMBER: _ClassVar[int]
    MISSING_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    expiry_alerts_queued: int
    uncollected_notices_queued: int
    certificates_queued: int
    already_queued: int
    missing_address: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, expiry_alerts_queued: _Optional[int] = ..., uncollected_notices_queued: _Optional[int] = ..., certificates_queued: _Optional[int] = ..., already_queued: _Optional[int] = ..., missing_address: _Optional[_Iterable[str]] = ...) -> None: ...

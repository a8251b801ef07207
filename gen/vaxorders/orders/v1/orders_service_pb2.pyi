import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxorders.type.v1 import effecteur_type_pb2 as _effecteur_type_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderLine(_message.Message):
    __slots__ = ("name", "effecteur", "product", "vials", "effecteur_type", "vials_from_requests", "etag", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    VIALS_FROM_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    product: str
    vials: int
    effecteur_type: _effecteur_type_pb2.EffecteurType
    vials_from_requests: int
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., vials_from_requests: _Optional[int] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Warning(_message.Message):
    __slots__ = ("reason", "message")
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    reason: str
    message: str
    def __init__(self, reason: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class GetOrderLineRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetOrderLineResponse(_message.Message):
    __slots__ = ("line",)
    LINE_FIELD_NUMBER: _ClassVar[int]
    line: OrderLine
    def __init__(self, line: _Optional[_Union[OrderLine, _Mapping]] = ...) -> None: ...

class ListOrderLinesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "effecteur", "product")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    effecteur: str
    product: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ...) -> None: ...

class ListOrderLinesResponse(_message.Message):
    __slots__ = ("lines", "next_page_token")
    LINES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[OrderLine]
    next_page_token: str
    def __init__(self, lines: _Optional[_Iterable[_Union[OrderLine, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateOrderLineRequest(_message.Message):
    __slots__ = ("parent", "line", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    line: OrderLine
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., line: _Optional[_Union[OrderLine, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateOrderLineResponse(_message.Message):
    __slots__ = ("line", "warnings")
    LINE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    line: OrderLine
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, line: _Optional[_Union[OrderLine, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class UpdateOrderLineRequest(_message.Message):
    __slots__ = ("line", "request_id")
    LINE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    line: OrderLine
    request_id: str
    def __init__(self, line: _Optional[_Union[OrderLine, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateOrderLineResponse(_message.Message):
    __slots__ = ("line", "warnings")
    LINE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    line: OrderLine
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, line: _Optional[_Union[OrderLine, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class DeleteOrderLineRequest(_message.Message):
    __slots__ = ("name", "etag", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteOrderLineResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Change(_message.Message):
    __slots__ = ("actor", "change_time", "action", "vials_before", "vials_after", "request_id", "note")
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    VIALS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    VIALS_AFTER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    actor: str
    change_time: _timestamp_pb2.Timestamp
    action: str
    vials_before: int
    vials_after: int
    request_id: str
    note: str
    def __init__(self, actor: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., action: _Optional[str] = ..., vials_before: _Optional[int] = ..., vials_after: _Optional[int] = ..., request_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ListOrderLineChangesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOrderLineChangesResponse(_message.Message):
    __slots__ = ("changes", "next_page_token")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[Change]
    next_page_token: str
    def __init__(self, changes: _Optional[_Iterable[_Union[Change, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ProductTotal(_message.Message):
    __slots__ = ("product", "vials", "doses")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    DOSES_FIELD_NUMBER: _ClassVar[int]
    product: str
    vials: int
    doses: int
    def __init__(self, product: _Optional[str] = ..., vials: _Optional[int] = ..., doses: _Optional[int] = ...) -> None: ...

class EffecteurTotal(_message.Message):
    __slots__ = ("effecteur", "products")
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    effecteur: str
    products: _containers.RepeatedCompositeFieldContainer[ProductTotal]
    def __init__(self, effecteur: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductTotal, _Mapping]]] = ...) -> None: ...

class GetOfficineSummaryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetOfficineSummaryResponse(_message.Message):
    __slots__ = ("products", "effecteurs", "pending_requests")
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    EFFECTEURS_FIELD_NUMBER: _ClassVar[int]
    PENDING_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[ProductTotal]
    effecteurs: _containers.RepeatedCompositeFieldContainer[EffecteurTotal]
    pending_requests: int
    def __init__(self, products: _Optional[_Iterable[_Union[ProductTotal, _Mapping]]] = ..., effecteurs: _Optional[_Iterable[_Union[EffecteurTotal, _Mapping]]] = ..., pending_requests: _Optional[int] = ...) -> None: ...

class VialRequest(_message.Message):
    __slots__ = ("name", "effecteur", "product", "vials", "comment", "state", "confirmed_vials", "decision_reason", "decided_by", "decide_time", "order_line", "create_time", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[VialRequest.State]
        STATE_PENDING: _ClassVar[VialRequest.State]
        STATE_CONFIRMED: _ClassVar[VialRequest.State]
        STATE_DECLINED: _ClassVar[VialRequest.State]
        STATE_EXPIRED: _ClassVar[VialRequest.State]
        STATE_CANCELLED: _ClassVar[VialRequest.State]
    STATE_UNSPECIFIED: VialRequest.State
    STATE_PENDING: VialRequest.State
    STATE_CONFIRMED: VialRequest.State
    STATE_DECLINED: VialRequest.State
    STATE_EXPIRED: VialRequest.State
    STATE_CANCELLED: VialRequest.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    DECISION_REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    ORDER_LINE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    product: str
    vials: int
    comment: str
    state: VialRequest.State
    confirmed_vials: int
    decision_reason: str
    decided_by: str
    decide_time: _timestamp_pb2.Timestamp
    order_line: str
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., comment: _Optional[str] = ..., state: _Optional[_Union[VialRequest.State, str]] = ..., confirmed_vials: _Optional[int] = ..., decision_reason: _Optional[str] = ..., decided_by: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_line: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class CreateVialRequestRequest(_message.Message):
    __slots__ = ("parent", "vial_request", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    vial_request: VialRequest
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., vial_request: _Optional[_Union[VialRequest, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateVialRequestResponse(_message.Message):
    __slots__ = ("vial_request",)
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    vial_request: VialRequest
    def __init__(self, vial_request: _Optional[_Union[VialRequest, _Mapping]] = ...) -> None: ...

class GetVialRequestRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetVialRequestResponse(_message.Message):
    __slots__ = ("vial_request",)
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    vial_request: VialRequest
    def __init__(self, vial_request: _Optional[_Union[VialRequest, _Mapping]] = ...) -> None: ...

class ListVialRequestsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "state", "effecteur")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    state: VialRequest.State
    effecteur: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[VialRequest.State, str]] = ..., effecteur: _Optional[str] = ...) -> None: ...

class ListVialRequestsResponse(_message.Message):
    __slots__ = ("vial_requests", "next_page_token")
    VIAL_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    vial_requests: _containers.RepeatedCompositeFieldContainer[VialRequest]
    next_page_token: str
    def __init__(self, vial_requests: _Optional[_Iterable[_Union[VialRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConfirmVialRequestRequest(_message.Message):
    __slots__ = ("name", "vials", "reason", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    vials: int
    reason: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., vials: _Optional[int] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ConfirmVialRequestResponse(_message.Message):
    __slots__ = ("vial_request", "line", "warnings")
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    vial_request: VialRequest
    line: OrderLine
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    def __init__(self, vial_request: _Optional[_Union[VialRequest, _Mapping]] = ..., line: _Optional[_Union[OrderLine, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ...) -> None: ...

class DeclineVialRequestRequest(_message.Message):
    __slots__ = ("name", "reason", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeclineVialRequestResponse(_message.Message):
    __slots__ = ("vial_request",)
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    vial_request: VialRequest
    def __init__(self, vial_request: _Optional[_Union[VialRequest, _Mapping]] = ...) -> None: ...

class CancelVialRequestRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelVialRequestResponse(_message.Message):
    __slots__ = ("vial_request",)
    VIAL_REQUEST_FIELD_NUMBER: _ClassVar[int]
    vial_request: VialRequest
    def __init__(self, vial_request: _Optional[_Union[VialRequest, _Mapping]] = ...) -> None: ...

class ExportSessionOrdersRequest(_message.Message):
    __slots__ = ("session", "layout")
    class Layout(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LAYOUT_UNSPECIFIED: _ClassVar[ExportSessionOrdersRequest.Layout]
        LAYOUT_CONSOLIDATED: _ClassVar[ExportSessionOrdersRequest.Layout]
        LAYOUT_DETAIL: _ClassVar[ExportSessionOrdersRequest.Layout]
    LAYOUT_UNSPECIFIED: ExportSessionOrdersRequest.Layout
    LAYOUT_CONSOLIDATED: ExportSessionOrdersRequest.Layout
    LAYOUT_DETAIL: ExportSessionOrdersRequest.Layout
    SESSION_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    session: str
    layout: ExportSessionOrdersRequest.Layout
    def __init__(self, session: _Optional[str] = ..., layout: _Optional[_Union[ExportSessionOrdersRequest.Layout, str]] = ...) -> None: ...

class ExportSessionOrdersResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class DepartmentTotal(_message.Message):
    __slots__ = ("department", "products")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    department: str
    products: _containers.RepeatedCompositeFieldContainer[ProductTotal]
    def __init__(self, department: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductTotal, _Mapping]]] = ...) -> None: ...

class GetSessionTotalsRequest(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: str
    def __init__(self, session: _Optional[str] = ...) -> None: ...

class GetSessionTotalsResponse(_message.Message):
    __slots__ = ("products", "departments", "ordering_officines", "compute_time")
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    ORDERING_OFFICINES_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[ProductTotal]
    departments: _containers.RepeatedCompositeFieldContainer[DepartmentTotal]
    ordering_officines: int
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, products: _Optional[_Iterable[_Union[ProductTotal, _Mapping]]] = ..., departments: _Optional[_Iterable[_Union[DepartmentTotal, _Mapping]]] = ..., ordering_officines: _Optional[int] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

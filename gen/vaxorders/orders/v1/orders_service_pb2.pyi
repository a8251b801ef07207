import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
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
    __slots__ = ("name", "effecteur", "product", "vials", "effecteur_type", "vials_from_requests", "etag", "create_time", "update_time", "confirmed_vials")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    VIALS_FROM_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    product: str
    vials: int
    effecteur_type: _effecteur_type_pb2.EffecteurType
    vials_from_requests: int
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    confirmed_vials: int
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., vials_from_requests: _Optional[int] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirmed_vials: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("line", "request_id", "update_mask")
    LINE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    line: OrderLine
    request_id: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, line: _Optional[_Union[OrderLine, _Mapping]] = ..., request_id: _Optional[str] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

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

class BatchWriteOrderLinesRequest(_message.Message):
    __slots__ = ("parent", "writes", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    WRITES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    writes: _containers.RepeatedCompositeFieldContainer[OrderLineWrite]
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., writes: _Optional[_Iterable[_Union[OrderLineWrite, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class OrderLineWrite(_message.Message):
    __slots__ = ("create", "update", "delete")
    CREATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    DELETE_FIELD_NUMBER: _ClassVar[int]
    create: OrderLine
    update: OrderLine
    delete: OrderLine
    def __init__(self, create: _Optional[_Union[OrderLine, _Mapping]] = ..., update: _Optional[_Union[OrderLine, _Mapping]] = ..., delete: _Optional[_Union[OrderLine, _Mapping]] = ...) -> None: ...

class BatchWriteOrderLinesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[OrderLineWriteResult]
    def __init__(self, results: _Optional[_Iterable[_Union[OrderLineWriteResult, _Mapping]]] = ...) -> None: ...

class OrderLineWriteResult(_message.Message):
    __slots__ = ("saved", "line", "warnings", "reason", "message")
    SAVED_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    saved: bool
    line: OrderLine
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    reason: str
    message: str
    def __init__(self, saved: _Optional[bool] = ..., line: _Optional[_Union[OrderLine, _Mapping]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class Change(_message.Message):
    __slots__ = ("actor", "change_time", "action", "vials_before", "vials_after", "request_id", "note", "under_psc_grace")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTION_UNSPECIFIED: _ClassVar[Change.Action]
        ACTION_CREATE: _ClassVar[Change.Action]
        ACTION_UPDATE: _ClassVar[Change.Action]
        ACTION_DELETE: _ClassVar[Change.Action]
        ACTION_CREATE_REQUEST: _ClassVar[Change.Action]
        ACTION_CONFIRM_REQUEST: _ClassVar[Change.Action]
        ACTION_DECLINE_REQUEST: _ClassVar[Change.Action]
        ACTION_CANCEL_REQUEST: _ClassVar[Change.Action]
        ACTION_UPDATE_SUPPLY: _ClassVar[Change.Action]
        ACTION_PUBLISH_ALLOCATION: _ClassVar[Change.Action]
        ACTION_SET_DELIVERY_DATE: _ClassVar[Change.Action]
        ACTION_CLEAR_DELIVERY_DATE: _ClassVar[Change.Action]
        ACTION_IMPORT_DELIVERY_PLAN: _ClassVar[Change.Action]
        ACTION_RECORD_CONFIRMATIONS: _ClassVar[Change.Action]
    ACTION_UNSPECIFIED: Change.Action
    ACTION_CREATE: Change.Action
    ACTION_UPDATE: Change.Action
    ACTION_DELETE: Change.Action
    ACTION_CREATE_REQUEST: Change.Action
    ACTION_CONFIRM_REQUEST: Change.Action
    ACTION_DECLINE_REQUEST: Change.Action
    ACTION_CANCEL_REQUEST: Change.Action
    ACTION_UPDATE_SUPPLY: Change.Action
    ACTION_PUBLISH_ALLOCATION: Change.Action
    ACTION_SET_DELIVERY_DATE: Change.Action
    ACTION_CLEAR_DELIVERY_DATE: Change.Action
    ACTION_IMPORT_DELIVERY_PLAN: Change.Action
    ACTION_RECORD_CONFIRMATIONS: Change.Action
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    VIALS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    VIALS_AFTER_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    UNDER_PSC_GRACE_FIELD_NUMBER: _ClassVar[int]
    actor: str
    change_time: _timestamp_pb2.Timestamp
    action: Change.Action
    vials_before: int
    vials_after: int
    request_id: str
    note: str
    under_psc_grace: bool
    def __init__(self, actor: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., action: _Optional[_Union[Change.Action, str]] = ..., vials_before: _Optional[int] = ..., vials_after: _Optional[int] = ..., request_id: _Optional[str] = ..., note: _Optional[str] = ..., under_psc_grace: _Optional[bool] = ...) -> None: ...

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

class GetSessionActivityRequest(_message.Message):
    __slots__ = ("session", "include_ordering_officines")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ORDERING_OFFICINES_FIELD_NUMBER: _ClassVar[int]
    session: str
    include_ordering_officines: bool
    def __init__(self, session: _Optional[str] = ..., include_ordering_officines: _Optional[bool] = ...) -> None: ...

class MinuteActivity(_message.Message):
    __slots__ = ("start_time", "line_writes", "officines")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    LINE_WRITES_FIELD_NUMBER: _ClassVar[int]
    OFFICINES_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    line_writes: int
    officines: int
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., line_writes: _Optional[int] = ..., officines: _Optional[int] = ...) -> None: ...

class DepartmentActivity(_message.Message):
    __slots__ = ("department", "ordering_officines")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    ORDERING_OFFICINES_FIELD_NUMBER: _ClassVar[int]
    department: str
    ordering_officines: int
    def __init__(self, department: _Optional[str] = ..., ordering_officines: _Optional[int] = ...) -> None: ...

class GetSessionActivityResponse(_message.Message):
    __slots__ = ("minutes", "active_officines", "active_minutes", "ordering_officines", "departments", "ordering_officine_names", "compute_time")
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_OFFICINES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_MINUTES_FIELD_NUMBER: _ClassVar[int]
    ORDERING_OFFICINES_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    ORDERING_OFFICINE_NAMES_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    minutes: _containers.RepeatedCompositeFieldContainer[MinuteActivity]
    active_officines: int
    active_minutes: int
    ordering_officines: int
    departments: _containers.RepeatedCompositeFieldContainer[DepartmentActivity]
    ordering_officine_names: _containers.RepeatedScalarFieldContainer[str]
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, minutes: _Optional[_Iterable[_Union[MinuteActivity, _Mapping]]] = ..., active_officines: _Optional[int] = ..., active_minutes: _Optional[int] = ..., ordering_officines: _Optional[int] = ..., departments: _Optional[_Iterable[_Union[DepartmentActivity, _Mapping]]] = ..., ordering_officine_names: _Optional[_Iterable[str]] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ProductSupply(_message.Message):
    __slots__ = ("product", "vials")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    product: str
    vials: int
    def __init__(self, product: _Optional[str] = ..., vials: _Optional[int] = ...) -> None: ...

class Supply(_message.Message):
    __slots__ = ("name", "products", "update_by", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    products: _containers.RepeatedCompositeFieldContainer[ProductSupply]
    update_by: str
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductSupply, _Mapping]]] = ..., update_by: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class GetSupplyRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSupplyResponse(_message.Message):
    __slots__ = ("supply",)
    SUPPLY_FIELD_NUMBER: _ClassVar[int]
    supply: Supply
    def __init__(self, supply: _Optional[_Union[Supply, _Mapping]] = ...) -> None: ...

class UpdateSupplyRequest(_message.Message):
    __slots__ = ("supply", "request_id")
    SUPPLY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    supply: Supply
    request_id: str
    def __init__(self, supply: _Optional[_Union[Supply, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateSupplyResponse(_message.Message):
    __slots__ = ("supply",)
    SUPPLY_FIELD_NUMBER: _ClassVar[int]
    supply: Supply
    def __init__(self, supply: _Optional[_Union[Supply, _Mapping]] = ...) -> None: ...

class ProductAllocation(_message.Message):
    __slots__ = ("product", "supply", "ordered_vials", "confirmed_vials", "lines", "lines_reduced", "supply_missing")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_FIELD_NUMBER: _ClassVar[int]
    ORDERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    LINES_REDUCED_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_MISSING_FIELD_NUMBER: _ClassVar[int]
    product: str
    supply: int
    ordered_vials: int
    confirmed_vials: int
    lines: int
    lines_reduced: int
    supply_missing: bool
    def __init__(self, product: _Optional[str] = ..., supply: _Optional[int] = ..., ordered_vials: _Optional[int] = ..., confirmed_vials: _Optional[int] = ..., lines: _Optional[int] = ..., lines_reduced: _Optional[int] = ..., supply_missing: _Optional[bool] = ...) -> None: ...

class DepartmentAllocation(_message.Message):
    __slots__ = ("department", "products")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    department: str
    products: _containers.RepeatedCompositeFieldContainer[ProductAllocation]
    def __init__(self, department: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductAllocation, _Mapping]]] = ...) -> None: ...

class Allocation(_message.Message):
    __slots__ = ("name", "products", "departments", "publish_by", "publish_time", "confirmations_sent_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_BY_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATIONS_SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    products: _containers.RepeatedCompositeFieldContainer[ProductAllocation]
    departments: _containers.RepeatedCompositeFieldContainer[DepartmentAllocation]
    publish_by: str
    publish_time: _timestamp_pb2.Timestamp
    confirmations_sent_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductAllocation, _Mapping]]] = ..., departments: _Optional[_Iterable[_Union[DepartmentAllocation, _Mapping]]] = ..., publish_by: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirmations_sent_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PreviewAllocationRequest(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: str
    def __init__(self, session: _Optional[str] = ...) -> None: ...

class PreviewAllocationResponse(_message.Message):
    __slots__ = ("allocation",)
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    allocation: Allocation
    def __init__(self, allocation: _Optional[_Union[Allocation, _Mapping]] = ...) -> None: ...

class PublishAllocationRequest(_message.Message):
    __slots__ = ("session", "supply_etag", "request_id")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    session: str
    supply_etag: str
    request_id: str
    def __init__(self, session: _Optional[str] = ..., supply_etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class PublishAllocationResponse(_message.Message):
    __slots__ = ("allocation",)
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    allocation: Allocation
    def __init__(self, allocation: _Optional[_Union[Allocation, _Mapping]] = ...) -> None: ...

class GetAllocationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAllocationResponse(_message.Message):
    __slots__ = ("allocation",)
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    allocation: Allocation
    def __init__(self, allocation: _Optional[_Union[Allocation, _Mapping]] = ...) -> None: ...

class DeliveryDateOverride(_message.Message):
    __slots__ = ("department", "finess", "date", "update_by", "update_time")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    department: str
    finess: str
    date: str
    update_by: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, department: _Optional[str] = ..., finess: _Optional[str] = ..., date: _Optional[str] = ..., update_by: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeliveryPlan(_message.Message):
    __slots__ = ("name", "delivery_from_date", "delivery_to_date", "default_date", "overrides")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_TO_DATE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_DATE_FIELD_NUMBER: _ClassVar[int]
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    name: str
    delivery_from_date: str
    delivery_to_date: str
    default_date: str
    overrides: _containers.RepeatedCompositeFieldContainer[DeliveryDateOverride]
    def __init__(self, name: _Optional[str] = ..., delivery_from_date: _Optional[str] = ..., delivery_to_date: _Optional[str] = ..., default_date: _Optional[str] = ..., overrides: _Optional[_Iterable[_Union[DeliveryDateOverride, _Mapping]]] = ...) -> None: ...

class GetDeliveryPlanRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetDeliveryPlanResponse(_message.Message):
    __slots__ = ("delivery_plan",)
    DELIVERY_PLAN_FIELD_NUMBER: _ClassVar[int]
    delivery_plan: DeliveryPlan
    def __init__(self, delivery_plan: _Optional[_Union[DeliveryPlan, _Mapping]] = ...) -> None: ...

class SetDeliveryDateRequest(_message.Message):
    __slots__ = ("plan", "override", "request_id")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plan: str
    override: DeliveryDateOverride
    request_id: str
    def __init__(self, plan: _Optional[str] = ..., override: _Optional[_Union[DeliveryDateOverride, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetDeliveryDateResponse(_message.Message):
    __slots__ = ("delivery_plan",)
    DELIVERY_PLAN_FIELD_NUMBER: _ClassVar[int]
    delivery_plan: DeliveryPlan
    def __init__(self, delivery_plan: _Optional[_Union[DeliveryPlan, _Mapping]] = ...) -> None: ...

class ClearDeliveryDateRequest(_message.Message):
    __slots__ = ("plan", "department", "finess", "request_id")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plan: str
    department: str
    finess: str
    request_id: str
    def __init__(self, plan: _Optional[str] = ..., department: _Optional[str] = ..., finess: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ClearDeliveryDateResponse(_message.Message):
    __slots__ = ("delivery_plan",)
    DELIVERY_PLAN_FIELD_NUMBER: _ClassVar[int]
    delivery_plan: DeliveryPlan
    def __init__(self, delivery_plan: _Optional[_Union[DeliveryPlan, _Mapping]] = ...) -> None: ...

class ImportDeliveryPlanCsvRequest(_message.Message):
    __slots__ = ("plan", "csv", "validate_only", "request_id")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plan: str
    csv: bytes
    validate_only: bool
    request_id: str
    def __init__(self, plan: _Optional[str] = ..., csv: _Optional[bytes] = ..., validate_only: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class ImportDeliveryPlanCsvResponse(_message.Message):
    __slots__ = ("delivery_plan",)
    DELIVERY_PLAN_FIELD_NUMBER: _ClassVar[int]
    delivery_plan: DeliveryPlan
    def __init__(self, delivery_plan: _Optional[_Union[DeliveryPlan, _Mapping]] = ...) -> None: ...

class DeliveryLine(_message.Message):
    __slots__ = ("effecteur", "effecteur_type", "product", "ordered_vials", "confirmed_vials", "doses_per_unit")
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    ORDERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    DOSES_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    effecteur: str
    effecteur_type: _effecteur_type_pb2.EffecteurType
    product: str
    ordered_vials: int
    confirmed_vials: int
    doses_per_unit: int
    def __init__(self, effecteur: _Optional[str] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., product: _Optional[str] = ..., ordered_vials: _Optional[int] = ..., confirmed_vials: _Optional[int] = ..., doses_per_unit: _Optional[int] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("name", "finess", "department", "delivery_date", "lines", "confirmation_sent_time", "announced_date")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_DATE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCED_DATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    finess: str
    department: str
    delivery_date: str
    lines: _containers.RepeatedCompositeFieldContainer[DeliveryLine]
    confirmation_sent_time: _timestamp_pb2.Timestamp
    announced_date: str
    def __init__(self, name: _Optional[str] = ..., finess: _Optional[str] = ..., department: _Optional[str] = ..., delivery_date: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[DeliveryLine, _Mapping]]] = ..., confirmation_sent_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., announced_date: _Optional[str] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("parent", "effecteur", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    effecteur: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., effecteur: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConfirmationSent(_message.Message):
    __slots__ = ("finess", "announced_date")
    FINESS_FIELD_NUMBER: _ClassVar[int]
    ANNOUNCED_DATE_FIELD_NUMBER: _ClassVar[int]
    finess: str
    announced_date: str
    def __init__(self, finess: _Optional[str] = ..., announced_date: _Optional[str] = ...) -> None: ...

class RecordConfirmationsSentRequest(_message.Message):
    __slots__ = ("session", "confirmations", "request_id")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATIONS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    session: str
    confirmations: _containers.RepeatedCompositeFieldContainer[ConfirmationSent]
    request_id: str
    def __init__(self, session: _Optional[str] = ..., confirmations: _Optional[_Iterable[_Union[ConfirmationSent, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordConfirmationsSentResponse(_message.Message):
    __slots__ = ("changed",)
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    changed: int
    def __init__(self, changed: _Optional[int] = ...) -> None: ...

class DeliveryDateChange(_message.Message):
    __slots__ = ("id", "session", "finess", "old_date", "new_date", "change_by", "change_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    OLD_DATE_FIELD_NUMBER: _ClassVar[int]
    NEW_DATE_FIELD_NUMBER: _ClassVar[int]
    CHANGE_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    session: str
    finess: str
    old_date: str
    new_date: str
    change_by: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., session: _Optional[str] = ..., finess: _Optional[str] = ..., old_date: _Optional[str] = ..., new_date: _Optional[str] = ..., change_by: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDeliveryDateChangesRequest(_message.Message):
    __slots__ = ("after_id", "page_size")
    AFTER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    after_id: int
    page_size: int
    def __init__(self, after_id: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListDeliveryDateChangesResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[DeliveryDateChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[DeliveryDateChange, _Mapping]]] = ...) -> None: ...

class VialRequestEvent(_message.Message):
    __slots__ = ("id", "kind", "request", "finess", "effecteur", "product", "vials", "confirmed_vials", "text", "actor", "event_time")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[VialRequestEvent.Kind]
        KIND_CREATED: _ClassVar[VialRequestEvent.Kind]
        KIND_CONFIRMED: _ClassVar[VialRequestEvent.Kind]
        KIND_DECLINED: _ClassVar[VialRequestEvent.Kind]
        KIND_CANCELLED: _ClassVar[VialRequestEvent.Kind]
    KIND_UNSPECIFIED: VialRequestEvent.Kind
    KIND_CREATED: VialRequestEvent.Kind
    KIND_CONFIRMED: VialRequestEvent.Kind
    KIND_DECLINED: VialRequestEvent.Kind
    KIND_CANCELLED: VialRequestEvent.Kind
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    kind: VialRequestEvent.Kind
    request: str
    finess: str
    effecteur: str
    product: str
    vials: int
    confirmed_vials: int
    text: str
    actor: str
    event_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., kind: _Optional[_Union[VialRequestEvent.Kind, str]] = ..., request: _Optional[str] = ..., finess: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., confirmed_vials: _Optional[int] = ..., text: _Optional[str] = ..., actor: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListVialRequestEventsRequest(_message.Message):
    __slots__ = ("after_id", "page_size")
    AFTER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    after_id: int
    page_size: int
    def __init__(self, after_id: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListVialRequestEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[VialRequestEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[VialRequestEvent, _Mapping]]] = ...) -> None: ...

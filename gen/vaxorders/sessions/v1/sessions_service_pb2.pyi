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

class ServiceState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SERVICE_STATE_UNSPECIFIED: _ClassVar[ServiceState]
    SERVICE_STATE_OPEN_FOR_ORDERS: _ClassVar[ServiceState]
    SERVICE_STATE_PREVIEW: _ClassVar[ServiceState]
    SERVICE_STATE_MAINTENANCE: _ClassVar[ServiceState]
    SERVICE_STATE_CLOSED: _ClassVar[ServiceState]

class QuotaKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUOTA_KIND_UNSPECIFIED: _ClassVar[QuotaKind]
    QUOTA_KIND_UNLIMITED: _ClassVar[QuotaKind]
    QUOTA_KIND_CAPPED: _ClassVar[QuotaKind]
    QUOTA_KIND_NOT_OPEN: _ClassVar[QuotaKind]
SERVICE_STATE_UNSPECIFIED: ServiceState
SERVICE_STATE_OPEN_FOR_ORDERS: ServiceState
SERVICE_STATE_PREVIEW: ServiceState
SERVICE_STATE_MAINTENANCE: ServiceState
SERVICE_STATE_CLOSED: ServiceState
QUOTA_KIND_UNSPECIFIED: QuotaKind
QUOTA_KIND_UNLIMITED: QuotaKind
QUOTA_KIND_CAPPED: QuotaKind
QUOTA_KIND_NOT_OPEN: QuotaKind

class GetServiceStateRequest(_message.Message):
    __slots__ = ("at",)
    AT_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetServiceStateResponse(_message.Message):
    __slots__ = ("state", "session", "next_change_time", "message")
    STATE_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    NEXT_CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    state: ServiceState
    session: str
    next_change_time: _timestamp_pb2.Timestamp
    message: str
    def __init__(self, state: _Optional[_Union[ServiceState, str]] = ..., session: _Optional[str] = ..., next_change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class Product(_message.Message):
    __slots__ = ("name", "display_name", "unit", "doses_per_unit", "shelf_life_days", "paediatric", "redistributable_to", "orderable_from", "orderable_until", "active", "display_order", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    DOSES_PER_UNIT_FIELD_NUMBER: _ClassVar[int]
    SHELF_LIFE_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAEDIATRIC_FIELD_NUMBER: _ClassVar[int]
    REDISTRIBUTABLE_TO_FIELD_NUMBER: _ClassVar[int]
    ORDERABLE_FROM_FIELD_NUMBER: _ClassVar[int]
    ORDERABLE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_ORDER_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    unit: str
    doses_per_unit: int
    shelf_life_days: int
    paediatric: bool
    redistributable_to: _containers.RepeatedScalarFieldContainer[_effecteur_type_pb2.EffecteurType]
    orderable_from: _timestamp_pb2.Timestamp
    orderable_until: _timestamp_pb2.Timestamp
    active: bool
    display_order: int
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., unit: _Optional[str] = ..., doses_per_unit: _Optional[int] = ..., shelf_life_days: _Optional[int] = ..., paediatric: _Optional[bool] = ..., redistributable_to: _Optional[_Iterable[_Union[_effecteur_type_pb2.EffecteurType, str]]] = ..., orderable_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., orderable_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., active: _Optional[bool] = ..., display_order: _Optional[int] = ..., etag: _Optional[str] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "include_inactive")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    include_inactive: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_inactive: _Optional[bool] = ...) -> None: ...

class ListProductsResponse(_message.Message):
    __slots__ = ("products", "next_page_token")
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[Product]
    next_page_token: str
    def __init__(self, products: _Optional[_Iterable[_Union[Product, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetProductRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetProductResponse(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class CreateProductRequest(_message.Message):
    __slots__ = ("product_id", "product", "request_id")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    product: Product
    request_id: str
    def __init__(self, product_id: _Optional[str] = ..., product: _Optional[_Union[Product, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateProductResponse(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class UpdateProductRequest(_message.Message):
    __slots__ = ("product", "update_mask", "request_id")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    product: Product
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateProductResponse(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class Session(_message.Message):
    __slots__ = ("name", "label", "open_time", "close_time", "confirmation_email_date", "delivery_from_date", "delivery_to_date", "state", "window_changes", "etag", "create_time", "update_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Session.State]
        STATE_SCHEDULED: _ClassVar[Session.State]
        STATE_OPEN: _ClassVar[Session.State]
        STATE_CLOSED: _ClassVar[Session.State]
    STATE_UNSPECIFIED: Session.State
    STATE_SCHEDULED: Session.State
    STATE_OPEN: Session.State
    STATE_CLOSED: Session.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_EMAIL_DATE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_TO_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CHANGES_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    open_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    confirmation_email_date: str
    delivery_from_date: str
    delivery_to_date: str
    state: Session.State
    window_changes: _containers.RepeatedCompositeFieldContainer[WindowChange]
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirmation_email_date: _Optional[str] = ..., delivery_from_date: _Optional[str] = ..., delivery_to_date: _Optional[str] = ..., state: _Optional[_Union[Session.State, str]] = ..., window_changes: _Optional[_Iterable[_Union[WindowChange, _Mapping]]] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WindowChange(_message.Message):
    __slots__ = ("changed_by", "change_time", "old_open_time", "old_close_time", "new_open_time", "new_close_time")
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    OLD_OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    OLD_CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    NEW_OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    NEW_CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    changed_by: str
    change_time: _timestamp_pb2.Timestamp
    old_open_time: _timestamp_pb2.Timestamp
    old_close_time: _timestamp_pb2.Timestamp
    new_open_time: _timestamp_pb2.Timestamp
    new_close_time: _timestamp_pb2.Timestamp
    def __init__(self, changed_by: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., old_open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., old_close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., new_open_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., new_close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions", "next_page_token")
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[Session]
    next_page_token: str
    def __init__(self, sessions: _Optional[_Iterable[_Union[Session, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetSessionRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class CreateSessionRequest(_message.Message):
    __slots__ = ("session_id", "session", "request_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    session: Session
    request_id: str
    def __init__(self, session_id: _Optional[str] = ..., session: _Optional[_Union[Session, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class UpdateSessionRequest(_message.Message):
    __slots__ = ("session", "update_mask", "request_id")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    session: Session
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class DeleteSessionRequest(_message.Message):
    __slots__ = ("name", "etag", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CalendarWindow(_message.Message):
    __slots__ = ("name", "kind", "start_time", "end_time", "message")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[CalendarWindow.Kind]
        KIND_PREVIEW: _ClassVar[CalendarWindow.Kind]
        KIND_MAINTENANCE: _ClassVar[CalendarWindow.Kind]
    KIND_UNSPECIFIED: CalendarWindow.Kind
    KIND_PREVIEW: CalendarWindow.Kind
    KIND_MAINTENANCE: CalendarWindow.Kind
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: CalendarWindow.Kind
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    message: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[CalendarWindow.Kind, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class ListCalendarWindowsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCalendarWindowsResponse(_message.Message):
    __slots__ = ("windows", "next_page_token")
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    windows: _containers.RepeatedCompositeFieldContainer[CalendarWindow]
    next_page_token: str
    def __init__(self, windows: _Optional[_Iterable[_Union[CalendarWindow, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateCalendarWindowRequest(_message.Message):
    __slots__ = ("window", "request_id")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    window: CalendarWindow
    request_id: str
    def __init__(self, window: _Optional[_Union[CalendarWindow, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCalendarWindowResponse(_message.Message):
    __slots__ = ("window",)
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    window: CalendarWindow
    def __init__(self, window: _Optional[_Union[CalendarWindow, _Mapping]] = ...) -> None: ...

class DeleteCalendarWindowRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteCalendarWindowResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QuotaRule(_message.Message):
    __slots__ = ("effecteur_type", "product", "kind", "max_vials", "soft_threshold", "not_open_reason")
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MAX_VIALS_FIELD_NUMBER: _ClassVar[int]
    SOFT_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    NOT_OPEN_REASON_FIELD_NUMBER: _ClassVar[int]
    effecteur_type: _effecteur_type_pb2.EffecteurType
    product: str
    kind: QuotaKind
    max_vials: int
    soft_threshold: int
    not_open_reason: str
    def __init__(self, effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., product: _Optional[str] = ..., kind: _Optional[_Union[QuotaKind, str]] = ..., max_vials: _Optional[int] = ..., soft_threshold: _Optional[int] = ..., not_open_reason: _Optional[str] = ...) -> None: ...

class QuotaTable(_message.Message):
    __slots__ = ("name", "version", "publish_time", "published_by", "rules")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_BY_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    publish_time: _timestamp_pb2.Timestamp
    published_by: str
    rules: _containers.RepeatedCompositeFieldContainer[QuotaRule]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., published_by: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[QuotaRule, _Mapping]]] = ...) -> None: ...

class PublishQuotaTableRequest(_message.Message):
    __slots__ = ("parent", "rules", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    rules: _containers.RepeatedCompositeFieldContainer[QuotaRule]
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[QuotaRule, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class PublishQuotaTableResponse(_message.Message):
    __slots__ = ("quota_table",)
    QUOTA_TABLE_FIELD_NUMBER: _ClassVar[int]
    quota_table: QuotaTable
    def __init__(self, quota_table: _Optional[_Union[QuotaTable, _Mapping]] = ...) -> None: ...

class GetQuotaTableRequest(_message.Message):
    __slots__ = ("name", "effective_at")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    name: str
    effective_at: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., effective_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetQuotaTableResponse(_message.Message):
    __slots__ = ("quota_table", "valid_until")
    QUOTA_TABLE_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    quota_table: QuotaTable
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, quota_table: _Optional[_Union[QuotaTable, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListQuotaTablesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQuotaTablesResponse(_message.Message):
    __slots__ = ("quota_tables", "next_page_token")
    QUOTA_TABLES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    quota_tables: _containers.RepeatedCompositeFieldContainer[QuotaTable]
    next_page_token: str
    def __init__(self, quota_tables: _Optional[_Iterable[_Union[QuotaTable, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ImportQuotaTableCsvRequest(_message.Message):
    __slots__ = ("parent", "csv", "validate_only", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    csv: bytes
    validate_only: bool
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., csv: _Optional[bytes] = ..., validate_only: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class ImportQuotaTableCsvResponse(_message.Message):
    __slots__ = ("quota_table",)
    QUOTA_TABLE_FIELD_NUMBER: _ClassVar[int]
    quota_table: QuotaTable
    def __init__(self, quota_table: _Optional[_Union[QuotaTable, _Mapping]] = ...) -> None: ...

class ExportQuotaTableCsvRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ExportQuotaTableCsvResponse(_message.Message):
    __slots__ = ("csv",)
    CSV_FIELD_NUMBER: _ClassVar[int]
    csv: bytes
    def __init__(self, csv: _Optional[bytes] = ...) -> None: ...

class ResolveQuotaRequest(_message.Message):
    __slots__ = ("session", "effecteur_type", "product", "at")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    session: str
    effecteur_type: _effecteur_type_pb2.EffecteurType
    product: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, session: _Optional[str] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., product: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ResolveQuotaResponse(_message.Message):
    __slots__ = ("rule", "quota_table")
    RULE_FIELD_NUMBER: _ClassVar[int]
    QUOTA_TABLE_FIELD_NUMBER: _ClassVar[int]
    rule: QuotaRule
    quota_table: str
    def __init__(self, rule: _Optional[_Union[QuotaRule, _Mapping]] = ..., quota_table: _Optional[str] = ...) -> None: ...

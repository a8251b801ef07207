import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from vaxorders.type.v1 import effecteur_type_pb2 as _effecteur_type_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DestructionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DESTRUCTION_REASON_UNSPECIFIED: _ClassVar[DestructionReason]
    DESTRUCTION_REASON_EXPIRED: _ClassVar[DestructionReason]
    DESTRUCTION_REASON_BROKEN: _ClassVar[DestructionReason]
    DESTRUCTION_REASON_COLD_CHAIN: _ClassVar[DestructionReason]

class StockMoveKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STOCK_MOVE_KIND_UNSPECIFIED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_RECEIVED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_PICKED_UP: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_USED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_OFFERED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_CLAIMED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_HANDED_OVER: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_DESTROYED: _ClassVar[StockMoveKind]
    STOCK_MOVE_KIND_RELEASED: _ClassVar[StockMoveKind]

class ExpiryAlert(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPIRY_ALERT_UNSPECIFIED: _ClassVar[ExpiryAlert]
    EXPIRY_ALERT_SEVEN_DAYS: _ClassVar[ExpiryAlert]
    EXPIRY_ALERT_TWO_DAYS: _ClassVar[ExpiryAlert]
    EXPIRY_ALERT_EXPIRED: _ClassVar[ExpiryAlert]
DESTRUCTION_REASON_UNSPECIFIED: DestructionReason
DESTRUCTION_REASON_EXPIRED: DestructionReason
DESTRUCTION_REASON_BROKEN: DestructionReason
DESTRUCTION_REASON_COLD_CHAIN: DestructionReason
STOCK_MOVE_KIND_UNSPECIFIED: StockMoveKind
STOCK_MOVE_KIND_RECEIVED: StockMoveKind
STOCK_MOVE_KIND_PICKED_UP: StockMoveKind
STOCK_MOVE_KIND_USED: StockMoveKind
STOCK_MOVE_KIND_OFFERED: StockMoveKind
STOCK_MOVE_KIND_CLAIMED: StockMoveKind
STOCK_MOVE_KIND_HANDED_OVER: StockMoveKind
STOCK_MOVE_KIND_DESTROYED: StockMoveKind
STOCK_MOVE_KIND_RELEASED: StockMoveKind
EXPIRY_ALERT_UNSPECIFIED: ExpiryAlert
EXPIRY_ALERT_SEVEN_DAYS: ExpiryAlert
EXPIRY_ALERT_TWO_DAYS: ExpiryAlert
EXPIRY_ALERT_EXPIRED: ExpiryAlert

class ReceiptLot(_message.Message):
    __slots__ = ("product", "lot_number", "expiry_date", "vials")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    product: str
    lot_number: str
    expiry_date: str
    vials: int
    def __init__(self, product: _Optional[str] = ..., lot_number: _Optional[str] = ..., expiry_date: _Optional[str] = ..., vials: _Optional[int] = ...) -> None: ...

class ReceiptProduct(_message.Message):
    __slots__ = ("product", "confirmed_vials", "received_vials")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_VIALS_FIELD_NUMBER: _ClassVar[int]
    product: str
    confirmed_vials: int
    received_vials: int
    def __init__(self, product: _Optional[str] = ..., confirmed_vials: _Optional[int] = ..., received_vials: _Optional[int] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("name", "session", "receipt_date", "products", "create_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_DATE_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    session: str
    receipt_date: str
    products: _containers.RepeatedCompositeFieldContainer[ReceiptProduct]
    create_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., session: _Optional[str] = ..., receipt_date: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ReceiptProduct, _Mapping]]] = ..., create_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordReceiptRequest(_message.Message):
    __slots__ = ("parent", "session", "receipt_date", "lots", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_DATE_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    session: str
    receipt_date: str
    lots: _containers.RepeatedCompositeFieldContainer[ReceiptLot]
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., session: _Optional[str] = ..., receipt_date: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[ReceiptLot, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordReceiptResponse(_message.Message):
    __slots__ = ("receipt",)
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    receipt: Receipt
    def __init__(self, receipt: _Optional[_Union[Receipt, _Mapping]] = ...) -> None: ...

class Lot(_message.Message):
    __slots__ = ("name", "product", "lot_number", "expiry_date", "receipt_date", "usable_until", "received_vials", "picked_up_vials", "handed_over_vials", "used_vials", "destroyed_vials", "in_stock_vials", "offered_vials", "alert", "days_left", "redistributable")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_DATE_FIELD_NUMBER: _ClassVar[int]
    USABLE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_VIALS_FIELD_NUMBER: _ClassVar[int]
    PICKED_UP_VIALS_FIELD_NUMBER: _ClassVar[int]
    HANDED_OVER_VIALS_FIELD_NUMBER: _ClassVar[int]
    USED_VIALS_FIELD_NUMBER: _ClassVar[int]
    DESTROYED_VIALS_FIELD_NUMBER: _ClassVar[int]
    IN_STOCK_VIALS_FIELD_NUMBER: _ClassVar[int]
    OFFERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    DAYS_LEFT_FIELD_NUMBER: _ClassVar[int]
    REDISTRIBUTABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    product: str
    lot_number: str
    expiry_date: str
    receipt_date: str
    usable_until: str
    received_vials: int
    picked_up_vials: int
    handed_over_vials: int
    used_vials: int
    destroyed_vials: int
    in_stock_vials: int
    offered_vials: int
    alert: ExpiryAlert
    days_left: int
    redistributable: bool
    def __init__(self, name: _Optional[str] = ..., product: _Optional[str] = ..., lot_number: _Optional[str] = ..., expiry_date: _Optional[str] = ..., receipt_date: _Optional[str] = ..., usable_until: _Optional[str] = ..., received_vials: _Optional[int] = ..., picked_up_vials: _Optional[int] = ..., handed_over_vials: _Optional[int] = ..., used_vials: _Optional[int] = ..., destroyed_vials: _Optional[int] = ..., in_stock_vials: _Optional[int] = ..., offered_vials: _Optional[int] = ..., alert: _Optional[_Union[ExpiryAlert, str]] = ..., days_left: _Optional[int] = ..., redistributable: _Optional[bool] = ...) -> None: ...

class Reservation(_message.Message):
    __slots__ = ("effecteur", "vials", "since_date", "uncollected")
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    SINCE_DATE_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_FIELD_NUMBER: _ClassVar[int]
    effecteur: str
    vials: int
    since_date: str
    uncollected: bool
    def __init__(self, effecteur: _Optional[str] = ..., vials: _Optional[int] = ..., since_date: _Optional[str] = ..., uncollected: _Optional[bool] = ...) -> None: ...

class ProductStock(_message.Message):
    __slots__ = ("product", "received_vials", "picked_up_vials", "handed_over_vials", "used_vials", "destroyed_vials", "in_stock_vials", "reserved_vials", "offered_vials", "uncollected_vials", "lots", "reservations")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_VIALS_FIELD_NUMBER: _ClassVar[int]
    PICKED_UP_VIALS_FIELD_NUMBER: _ClassVar[int]
    HANDED_OVER_VIALS_FIELD_NUMBER: _ClassVar[int]
    USED_VIALS_FIELD_NUMBER: _ClassVar[int]
    DESTROYED_VIALS_FIELD_NUMBER: _ClassVar[int]
    IN_STOCK_VIALS_FIELD_NUMBER: _ClassVar[int]
    RESERVED_VIALS_FIELD_NUMBER: _ClassVar[int]
    OFFERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_VIALS_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    RESERVATIONS_FIELD_NUMBER: _ClassVar[int]
    product: str
    received_vials: int
    picked_up_vials: int
    handed_over_vials: int
    used_vials: int
    destroyed_vials: int
    in_stock_vials: int
    reserved_vials: int
    offered_vials: int
    uncollected_vials: int
    lots: _containers.RepeatedCompositeFieldContainer[Lot]
    reservations: _containers.RepeatedCompositeFieldContainer[Reservation]
    def __init__(self, product: _Optional[str] = ..., received_vials: _Optional[int] = ..., picked_up_vials: _Optional[int] = ..., handed_over_vials: _Optional[int] = ..., used_vials: _Optional[int] = ..., destroyed_vials: _Optional[int] = ..., in_stock_vials: _Optional[int] = ..., reserved_vials: _Optional[int] = ..., offered_vials: _Optional[int] = ..., uncollected_vials: _Optional[int] = ..., lots: _Optional[_Iterable[_Union[Lot, _Mapping]]] = ..., reservations: _Optional[_Iterable[_Union[Reservation, _Mapping]]] = ...) -> None: ...

class Stock(_message.Message):
    __slots__ = ("name", "products", "receipts", "sessions_to_receive", "today")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_TO_RECEIVE_FIELD_NUMBER: _ClassVar[int]
    TODAY_FIELD_NUMBER: _ClassVar[int]
    name: str
    products: _containers.RepeatedCompositeFieldContainer[ProductStock]
    receipts: _containers.RepeatedCompositeFieldContainer[Receipt]
    sessions_to_receive: _containers.RepeatedScalarFieldContainer[str]
    today: str
    def __init__(self, name: _Optional[str] = ..., products: _Optional[_Iterable[_Union[ProductStock, _Mapping]]] = ..., receipts: _Optional[_Iterable[_Union[Receipt, _Mapping]]] = ..., sessions_to_receive: _Optional[_Iterable[str]] = ..., today: _Optional[str] = ...) -> None: ...

class GetStockRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetStockResponse(_message.Message):
    __slots__ = ("stock",)
    STOCK_FIELD_NUMBER: _ClassVar[int]
    stock: Stock
    def __init__(self, stock: _Optional[_Union[Stock, _Mapping]] = ...) -> None: ...

class Pickup(_message.Message):
    __slots__ = ("name", "effecteur", "lot", "product", "lot_number", "vials", "pickup_date", "usable_until", "create_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    PICKUP_DATE_FIELD_NUMBER: _ClassVar[int]
    USABLE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    CREATE_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    lot: str
    product: str
    lot_number: str
    vials: int
    pickup_date: str
    usable_until: str
    create_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., lot: _Optional[str] = ..., product: _Optional[str] = ..., lot_number: _Optional[str] = ..., vials: _Optional[int] = ..., pickup_date: _Optional[str] = ..., usable_until: _Optional[str] = ..., create_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordPickupRequest(_message.Message):
    __slots__ = ("parent", "effecteur", "lot", "vials", "pickup_date", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    PICKUP_DATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    effecteur: str
    lot: str
    vials: int
    pickup_date: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., effecteur: _Optional[str] = ..., lot: _Optional[str] = ..., vials: _Optional[int] = ..., pickup_date: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordPickupResponse(_message.Message):
    __slots__ = ("pickup",)
    PICKUP_FIELD_NUMBER: _ClassVar[int]
    pickup: Pickup
    def __init__(self, pickup: _Optional[_Union[Pickup, _Mapping]] = ...) -> None: ...

class ListPickupsRequest(_message.Message):
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

class ListPickupsResponse(_message.Message):
    __slots__ = ("pickups", "next_page_token", "waiting")
    PICKUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    pickups: _containers.RepeatedCompositeFieldContainer[Pickup]
    next_page_token: str
    waiting: _containers.RepeatedCompositeFieldContainer[UncollectedNotice]
    def __init__(self, pickups: _Optional[_Iterable[_Union[Pickup, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., waiting: _Optional[_Iterable[_Union[UncollectedNotice, _Mapping]]] = ...) -> None: ...

class UncollectedNotice(_message.Message):
    __slots__ = ("officine", "effecteur", "product", "vials", "receipt_date", "redistributable_date", "uncollected", "key")
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_DATE_FIELD_NUMBER: _ClassVar[int]
    REDISTRIBUTABLE_DATE_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    officine: str
    effecteur: str
    product: str
    vials: int
    receipt_date: str
    redistributable_date: str
    uncollected: bool
    key: str
    def __init__(self, officine: _Optional[str] = ..., effecteur: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., receipt_date: _Optional[str] = ..., redistributable_date: _Optional[str] = ..., uncollected: _Optional[bool] = ..., key: _Optional[str] = ...) -> None: ...

class UseVialsRequest(_message.Message):
    __slots__ = ("lot", "vials", "request_id")
    LOT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    lot: str
    vials: int
    request_id: str
    def __init__(self, lot: _Optional[str] = ..., vials: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class UseVialsResponse(_message.Message):
    __slots__ = ("lot",)
    LOT_FIELD_NUMBER: _ClassVar[int]
    lot: Lot
    def __init__(self, lot: _Optional[_Union[Lot, _Mapping]] = ...) -> None: ...

class Offer(_message.Message):
    __slots__ = ("name", "lot", "product", "lot_number", "usable_until", "department", "offered_vials", "available_vials", "eligible_types", "claims", "create_time", "officine_display_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    USABLE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OFFERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_VIALS_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_TYPES_FIELD_NUMBER: _ClassVar[int]
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    OFFICINE_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    lot: str
    product: str
    lot_number: str
    usable_until: str
    department: str
    offered_vials: int
    available_vials: int
    eligible_types: _containers.RepeatedScalarFieldContainer[_effecteur_type_pb2.EffecteurType]
    claims: _containers.RepeatedCompositeFieldContainer[Claim]
    create_time: _timestamp_pb2.Timestamp
    officine_display_name: str
    def __init__(self, name: _Optional[str] = ..., lot: _Optional[str] = ..., product: _Optional[str] = ..., lot_number: _Optional[str] = ..., usable_until: _Optional[str] = ..., department: _Optional[str] = ..., offered_vials: _Optional[int] = ..., available_vials: _Optional[int] = ..., eligible_types: _Optional[_Iterable[_Union[_effecteur_type_pb2.EffecteurType, str]]] = ..., claims: _Optional[_Iterable[_Union[Claim, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., officine_display_name: _Optional[str] = ...) -> None: ...

class Claim(_message.Message):
    __slots__ = ("name", "effecteur", "vials", "state", "claim_time", "hand_over_time", "effecteur_display_name", "effecteur_type")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Claim.State]
        STATE_CLAIMED: _ClassVar[Claim.State]
        STATE_HANDED_OVER: _ClassVar[Claim.State]
    STATE_UNSPECIFIED: Claim.State
    STATE_CLAIMED: Claim.State
    STATE_HANDED_OVER: Claim.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLAIM_TIME_FIELD_NUMBER: _ClassVar[int]
    HAND_OVER_TIME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    vials: int
    state: Claim.State
    claim_time: _timestamp_pb2.Timestamp
    hand_over_time: _timestamp_pb2.Timestamp
    effecteur_display_name: str
    effecteur_type: _effecteur_type_pb2.EffecteurType
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., vials: _Optional[int] = ..., state: _Optional[_Union[Claim.State, str]] = ..., claim_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hand_over_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., effecteur_display_name: _Optional[str] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ...) -> None: ...

class CreateOfferRequest(_message.Message):
    __slots__ = ("lot", "vials", "request_id")
    LOT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    lot: str
    vials: int
    request_id: str
    def __init__(self, lot: _Optional[str] = ..., vials: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateOfferResponse(_message.Message):
    __slots__ = ("offer",)
    OFFER_FIELD_NUMBER: _ClassVar[int]
    offer: Offer
    def __init__(self, offer: _Optional[_Union[Offer, _Mapping]] = ...) -> None: ...

class ListOffersRequest(_message.Message):
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

class ListOffersResponse(_message.Message):
    __slots__ = ("offers", "next_page_token")
    OFFERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    offers: _containers.RepeatedCompositeFieldContainer[Offer]
    next_page_token: str
    def __init__(self, offers: _Optional[_Iterable[_Union[Offer, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ClaimOfferRequest(_message.Message):
    __slots__ = ("offer", "effecteur", "vials", "request_id")
    OFFER_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    offer: str
    effecteur: str
    vials: int
    request_id: str
    def __init__(self, offer: _Optional[str] = ..., effecteur: _Optional[str] = ..., vials: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class ClaimOfferResponse(_message.Message):
    __slots__ = ("claim",)
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class HandOverClaimRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class HandOverClaimResponse(_message.Message):
    __slots__ = ("claim",)
    CLAIM_FIELD_NUMBER: _ClassVar[int]
    claim: Claim
    def __init__(self, claim: _Optional[_Union[Claim, _Mapping]] = ...) -> None: ...

class DestroyedLot(_message.Message):
    __slots__ = ("lot", "vials", "product", "lot_number", "expiry_date")
    LOT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    LOT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    lot: str
    vials: int
    product: str
    lot_number: str
    expiry_date: str
    def __init__(self, lot: _Optional[str] = ..., vials: _Optional[int] = ..., product: _Optional[str] = ..., lot_number: _Optional[str] = ..., expiry_date: _Optional[str] = ...) -> None: ...

class DestructionCertificate(_message.Message):
    __slots__ = ("name", "number", "finess", "department", "lots", "reason", "destruction_date", "create_by", "create_time", "sha256")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DESTRUCTION_DATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    name: str
    number: str
    finess: str
    department: str
    lots: _containers.RepeatedCompositeFieldContainer[DestroyedLot]
    reason: DestructionReason
    destruction_date: str
    create_by: str
    create_time: _timestamp_pb2.Timestamp
    sha256: str
    def __init__(self, name: _Optional[str] = ..., number: _Optional[str] = ..., finess: _Optional[str] = ..., department: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[DestroyedLot, _Mapping]]] = ..., reason: _Optional[_Union[DestructionReason, str]] = ..., destruction_date: _Optional[str] = ..., create_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sha256: _Optional[str] = ...) -> None: ...

class DeclareDestructionRequest(_message.Message):
    __slots__ = ("parent", "lots", "reason", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    LOTS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    lots: _containers.RepeatedCompositeFieldContainer[DestroyedLot]
    reason: DestructionReason
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., lots: _Optional[_Iterable[_Union[DestroyedLot, _Mapping]]] = ..., reason: _Optional[_Union[DestructionReason, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeclareDestructionResponse(_message.Message):
    __slots__ = ("certificate",)
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    certificate: DestructionCertificate
    def __init__(self, certificate: _Optional[_Union[DestructionCertificate, _Mapping]] = ...) -> None: ...

class ListDestructionCertificatesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDestructionCertificatesResponse(_message.Message):
    __slots__ = ("certificates", "next_page_token")
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[DestructionCertificate]
    next_page_token: str
    def __init__(self, certificates: _Optional[_Iterable[_Union[DestructionCertificate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDestructionCertificatePdfRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetDestructionCertificatePdfResponse(_message.Message):
    __slots__ = ("certificate", "pdf", "filename")
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    PDF_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    certificate: DestructionCertificate
    pdf: bytes
    filename: str
    def __init__(self, certificate: _Optional[_Union[DestructionCertificate, _Mapping]] = ..., pdf: _Optional[bytes] = ..., filename: _Optional[str] = ...) -> None: ...

class StockMove(_message.Message):
    __slots__ = ("id", "kind", "lot", "product", "vials", "effecteur", "note", "actor", "move_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    VIALS_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    MOVE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    kind: StockMoveKind
    lot: str
    product: str
    vials: int
    effecteur: str
    note: str
    actor: str
    move_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., kind: _Optional[_Union[StockMoveKind, str]] = ..., lot: _Optional[str] = ..., product: _Optional[str] = ..., vials: _Optional[int] = ..., effecteur: _Optional[str] = ..., note: _Optional[str] = ..., actor: _Optional[str] = ..., move_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListStockMovesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStockMovesResponse(_message.Message):
    __slots__ = ("moves", "next_page_token")
    MOVES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    moves: _containers.RepeatedCompositeFieldContainer[StockMove]
    next_page_token: str
    def __init__(self, moves: _Optional[_Iterable[_Union[StockMove, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExpiryNotice(_message.Message):
    __slots__ = ("lot", "officine", "threshold_days", "key")
    LOT_FIELD_NUMBER: _ClassVar[int]
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_DAYS_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    lot: Lot
    officine: str
    threshold_days: int
    key: str
    def __init__(self, lot: _Optional[_Union[Lot, _Mapping]] = ..., officine: _Optional[str] = ..., threshold_days: _Optional[int] = ..., key: _Optional[str] = ...) -> None: ...

class ListStockNoticesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStockNoticesResponse(_message.Message):
    __slots__ = ("expiry_notices", "uncollected_notices", "certificates")
    EXPIRY_NOTICES_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_NOTICES_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    expiry_notices: _containers.RepeatedCompositeFieldContainer[ExpiryNotice]
    uncollected_notices: _containers.RepeatedCompositeFieldContainer[UncollectedNotice]
    certificates: _containers.RepeatedCompositeFieldContainer[DestructionCertificate]
    def __init__(self, expiry_notices: _Optional[_Iterable[_Union[ExpiryNotice, _Mapping]]] = ..., uncollected_notices: _Optional[_Iterable[_Union[UncollectedNotice, _Mapping]]] = ..., certificates: _Optional[_Iterable[_Union[DestructionCertificate, _Mapping]]] = ...) -> None: ...

class ReconciliationRow(_message.Message):
    __slots__ = ("department", "product", "officines", "received_vials", "picked_up_vials", "handed_over_vials", "used_vials", "destroyed_vials", "in_stock_vials", "offered_vials", "uncollected_vials")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    OFFICINES_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_VIALS_FIELD_NUMBER: _ClassVar[int]
    PICKED_UP_VIALS_FIELD_NUMBER: _ClassVar[int]
    HANDED_OVER_VIALS_FIELD_NUMBER: _ClassVar[int]
    USED_VIALS_FIELD_NUMBER: _ClassVar[int]
    DESTROYED_VIALS_FIELD_NUMBER: _ClassVar[int]
    IN_STOCK_VIALS_FIELD_NUMBER: _ClassVar[int]
    OFFERED_VIALS_FIELD_NUMBER: _ClassVar[int]
    UNCOLLECTED_VIALS_FIELD_NUMBER: _ClassVar[int]
    department: str
    product: str
    officines: int
    received_vials: int
    picked_up_vials: int
    handed_over_vials: int
    used_vials: int
    destroyed_vials: int
    in_stock_vials: int
    offered_vials: int
    uncollected_vials: int
    def __init__(self, department: _Optional[str] = ..., product: _Optional[str] = ..., officines: _Optional[int] = ..., received_vials: _Optional[int] = ..., picked_up_vials: _Optional[int] = ..., handed_over_vials: _Optional[int] = ..., used_vials: _Optional[int] = ..., destroyed_vials: _Optional[int] = ..., in_stock_vials: _Optional[int] = ..., offered_vials: _Optional[int] = ..., uncollected_vials: _Optional[int] = ...) -> None: ...

class GetStockReconciliationRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStockReconciliationResponse(_message.Message):
    __slots__ = ("rows", "today")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TODAY_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[ReconciliationRow]
    today: str
    def __init__(self, rows: _Optional[_Iterable[_Union[ReconciliationRow, _Mapping]]] = ..., today: _Optional[str] = ...) -> None: ...

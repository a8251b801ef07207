import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Message(_message.Message):
    __slots__ = ("name", "to", "template", "params", "subject", "state", "attempts", "last_error", "create_time", "send_time")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Message.State]
        STATE_QUEUED: _ClassVar[Message.State]
        STATE_SENT: _ClassVar[Message.State]
        STATE_FAILED: _ClassVar[Message.State]
    STATE_UNSPECIFIED: Message.State
    STATE_QUEUED: Message.State
    STATE_SENT: Message.State
    STATE_FAILED: Message.State
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    to: _containers.RepeatedScalarFieldContainer[str]
    template: str
    params: _containers.ScalarMap[str, str]
    subject: str
    state: Message.State
    attempts: int
    last_error: str
    create_time: _timestamp_pb2.Timestamp
    send_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., to: _Optional[_Iterable[str]] = ..., template: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., subject: _Optional[str] = ..., state: _Optional[_Union[Message.State, str]] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("message", "request_id")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    message: Message
    request_id: str
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "state")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    state: Message.State
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., state: _Optional[_Union[Message.State, str]] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_page_token")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    next_page_token: str
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SendDeliveryConfirmationsRequest(_message.Message):
    __slots__ = ("session", "request_id", "dry_run")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    session: str
    request_id: str
    dry_run: bool
    def __init__(self, session: _Optional[str] = ..., request_id: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class SendDeliveryConfirmationsResponse(_message.Message):
    __slots__ = ("queued", "run")
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    queued: int
    run: ConfirmationRun
    def __init__(self, queued: _Optional[int] = ..., run: _Optional[_Union[ConfirmationRun, _Mapping]] = ...) -> None: ...

class ConfirmationRecipient(_message.Message):
    __slots__ = ("recipient", "kind", "display_name", "email", "delivery_date", "confirmed_vials", "already_queued")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[ConfirmationRecipient.Kind]
        KIND_OFFICINE: _ClassVar[ConfirmationRecipient.Kind]
        KIND_EFFECTEUR: _ClassVar[ConfirmationRecipient.Kind]
    KIND_UNSPECIFIED: ConfirmationRecipient.Kind
    KIND_OFFICINE: ConfirmationRecipient.Kind
    KIND_EFFECTEUR: ConfirmationRecipient.Kind
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_DATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_VIALS_FIELD_NUMBER: _ClassVar[int]
    ALREADY_QUEUED_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    kind: ConfirmationRecipient.Kind
    display_name: str
    email: str
    delivery_date: str
    confirmed_vials: int
    already_queued: bool
    def __init__(self, recipient: _Optional[str] = ..., kind: _Optional[_Union[ConfirmationRecipient.Kind, str]] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., delivery_date: _Optional[str] = ..., confirmed_vials: _Optional[int] = ..., already_queued: _Optional[bool] = ...) -> None: ...

class ConfirmationRun(_message.Message):
    __slots__ = ("name", "dry_run", "run_by", "create_time", "recipients", "queued", "already_queued", "missing_address", "planned", "missing_address_count", "would_queue")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    RUN_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    ALREADY_QUEUED_FIELD_NUMBER: _ClassVar[int]
    MISSING_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PLANNED_FIELD_NUMBER: _ClassVar[int]
    MISSING_ADDRESS_COUNT_FIELD_NUMBER: _ClassVar[int]
    WOULD_QUEUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    dry_run: bool
    run_by: str
    create_time: _timestamp_pb2.Timestamp
    recipients: int
    queued: int
    already_queued: int
    missing_address: _containers.RepeatedCompositeFieldContainer[ConfirmationRecipient]
    planned: _containers.RepeatedCompositeFieldContainer[ConfirmationRecipient]
    missing_address_count: int
    would_queue: int
    def __init__(self, name: _Optional[str] = ..., dry_run: _Optional[bool] = ..., run_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recipients: _Optional[int] = ..., queued: _Optional[int] = ..., already_queued: _Optional[int] = ..., missing_address: _Optional[_Iterable[_Union[ConfirmationRecipient, _Mapping]]] = ..., planned: _Optional[_Iterable[_Union[ConfirmationRecipient, _Mapping]]] = ..., missing_address_count: _Optional[int] = ..., would_queue: _Optional[int] = ...) -> None: ...

class ListConfirmationRunsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListConfirmationRunsResponse(_message.Message):
    __slots__ = ("runs", "next_page_token")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[ConfirmationRun]
    next_page_token: str
    def __init__(self, runs: _Optional[_Iterable[_Union[ConfirmationRun, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SupportRequest(_message.Message):
    __slots__ = ("name", "contact_email", "subject", "body", "about", "create_time", "category", "callback_phone", "state", "due_time", "first_response_time", "close_time", "requester", "requester_name", "requester_acts_for", "events")
    class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CATEGORY_UNSPECIFIED: _ClassVar[SupportRequest.Category]
        CATEGORY_LOGIN: _ClassVar[SupportRequest.Category]
        CATEGORY_ORDER: _ClassVar[SupportRequest.Category]
        CATEGORY_DELIVERY: _ClassVar[SupportRequest.Category]
        CATEGORY_ATTACHMENT: _ClassVar[SupportRequest.Category]
        CATEGORY_OTHER: _ClassVar[SupportRequest.Category]
    CATEGORY_UNSPECIFIED: SupportRequest.Category
    CATEGORY_LOGIN: SupportRequest.Category
    CATEGORY_ORDER: SupportRequest.Category
    CATEGORY_DELIVERY: SupportRequest.Category
    CATEGORY_ATTACHMENT: SupportRequest.Category
    CATEGORY_OTHER: SupportRequest.Category
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[SupportRequest.State]
        STATE_OPEN: _ClassVar[SupportRequest.State]
        STATE_ANSWERED: _ClassVar[SupportRequest.State]
        STATE_CLOSED: _ClassVar[SupportRequest.State]
    STATE_UNSPECIFIED: SupportRequest.State
    STATE_OPEN: SupportRequest.State
    STATE_ANSWERED: SupportRequest.State
    STATE_CLOSED: SupportRequest.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    ABOUT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_PHONE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_ACTS_FOR_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    contact_email: str
    subject: str
    body: str
    about: str
    create_time: _timestamp_pb2.Timestamp
    category: SupportRequest.Category
    callback_phone: str
    state: SupportRequest.State
    due_time: _timestamp_pb2.Timestamp
    first_response_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    requester: str
    requester_name: str
    requester_acts_for: _containers.RepeatedScalarFieldContainer[str]
    events: _containers.RepeatedCompositeFieldContainer[SupportEvent]
    def __init__(self, name: _Optional[str] = ..., contact_email: _Optional[str] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., about: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., category: _Optional[_Union[SupportRequest.Category, str]] = ..., callback_phone: _Optional[str] = ..., state: _Optional[_Union[SupportRequest.State, str]] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_response_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., requester: _Optional[str] = ..., requester_name: _Optional[str] = ..., requester_acts_for: _Optional[_Iterable[str]] = ..., events: _Optional[_Iterable[_Union[SupportEvent, _Mapping]]] = ...) -> None: ...

class SupportEvent(_message.Message):
    __slots__ = ("kind", "actor", "actor_name", "text", "create_time", "message")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[SupportEvent.Kind]
        KIND_RECEIVED: _ClassVar[SupportEvent.Kind]
        KIND_ANSWERED: _ClassVar[SupportEvent.Kind]
        KIND_CALLED: _ClassVar[SupportEvent.Kind]
        KIND_CLOSED: _ClassVar[SupportEvent.Kind]
    KIND_UNSPECIFIED: SupportEvent.Kind
    KIND_RECEIVED: SupportEvent.Kind
    KIND_ANSWERED: SupportEvent.Kind
    KIND_CALLED: SupportEvent.Kind
    KIND_CLOSED: SupportEvent.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    kind: SupportEvent.Kind
    actor: str
    actor_name: str
    text: str
    create_time: _timestamp_pb2.Timestamp
    message: str
    def __init__(self, kind: _Optional[_Union[SupportEvent.Kind, str]] = ..., actor: _Optional[str] = ..., actor_name: _Optional[str] = ..., text: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ...) -> None: ...

class GetSupportRequestRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetSupportRequestResponse(_message.Message):
    __slots__ = ("support_request",)
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ...) -> None: ...

class ListSupportRequestsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "mine", "include_closed")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MINE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_CLOSED_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    mine: bool
    include_closed: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., mine: _Optional[bool] = ..., include_closed: _Optional[bool] = ...) -> None: ...

class ListSupportRequestsResponse(_message.Message):
    __slots__ = ("support_requests", "next_page_token")
    SUPPORT_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    support_requests: _containers.RepeatedCompositeFieldContainer[SupportRequest]
    next_page_token: str
    def __init__(self, support_requests: _Optional[_Iterable[_Union[SupportRequest, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AnswerSupportRequestRequest(_message.Message):
    __slots__ = ("name", "body", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    body: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., body: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AnswerSupportRequestResponse(_message.Message):
    __slots__ = ("support_request",)
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ...) -> None: ...

class RecordSupportCallRequest(_message.Message):
    __slots__ = ("name", "note", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    note: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordSupportCallResponse(_message.Message):
    __slots__ = ("support_request",)
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ...) -> None: ...

class CloseSupportRequestRequest(_message.Message):
    __slots__ = ("name", "note", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    note: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CloseSupportRequestResponse(_message.Message):
    __slots__ = ("support_request",)
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ...) -> None: ...

class CreateSupportRequestRequest(_message.Message):
    __slots__ = ("support_request", "request_id")
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    request_id: str
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateSupportRequestResponse(_message.Message):
    __slots__ = ("support_request",)
    SUPPORT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    support_request: SupportRequest
    def __init__(self, support_request: _Optional[_Union[SupportRequest, _Mapping]] = ...) -> None: ...

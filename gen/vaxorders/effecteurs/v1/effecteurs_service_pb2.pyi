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

class IdentifierKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IDENTIFIER_KIND_UNSPECIFIED: _ClassVar[IdentifierKind]
    IDENTIFIER_KIND_RPPS: _ClassVar[IdentifierKind]
    IDENTIFIER_KIND_ADELI: _ClassVar[IdentifierKind]
    IDENTIFIER_KIND_FINESS: _ClassVar[IdentifierKind]
    IDENTIFIER_KIND_SIRET: _ClassVar[IdentifierKind]

class EffecteurKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EFFECTEUR_KIND_UNSPECIFIED: _ClassVar[EffecteurKind]
    EFFECTEUR_KIND_PROFESSIONAL: _ClassVar[EffecteurKind]
    EFFECTEUR_KIND_ESTABLISHMENT: _ClassVar[EffecteurKind]
    EFFECTEUR_KIND_OFFICINE: _ClassVar[EffecteurKind]
IDENTIFIER_KIND_UNSPECIFIED: IdentifierKind
IDENTIFIER_KIND_RPPS: IdentifierKind
IDENTIFIER_KIND_ADELI: IdentifierKind
IDENTIFIER_KIND_FINESS: IdentifierKind
IDENTIFIER_KIND_SIRET: IdentifierKind
EFFECTEUR_KIND_UNSPECIFIED: EffecteurKind
EFFECTEUR_KIND_PROFESSIONAL: EffecteurKind
EFFECTEUR_KIND_ESTABLISHMENT: EffecteurKind
EFFECTEUR_KIND_OFFICINE: EffecteurKind

class Officine(_message.Message):
    __slots__ = ("name", "finess", "display_name", "address", "postal_code", "city", "department", "email", "titulaires", "self_effecteur", "etag", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FINESS_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    TITULAIRES_FIELD_NUMBER: _ClassVar[int]
    SELF_EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    finess: str
    display_name: str
    address: str
    postal_code: str
    city: str
    department: str
    email: str
    titulaires: _containers.RepeatedScalarFieldContainer[str]
    self_effecteur: str
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., finess: _Optional[str] = ..., display_name: _Optional[str] = ..., address: _Optional[str] = ..., postal_code: _Optional[str] = ..., city: _Optional[str] = ..., department: _Optional[str] = ..., email: _Optional[str] = ..., titulaires: _Optional[_Iterable[str]] = ..., self_effecteur: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Effecteur(_message.Message):
    __slots__ = ("name", "identifier_kind", "identifier", "kind", "type", "display_name", "email", "department", "etag", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_KIND_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    identifier_kind: IdentifierKind
    identifier: str
    kind: EffecteurKind
    type: _effecteur_type_pb2.EffecteurType
    display_name: str
    email: str
    department: str
    etag: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., identifier_kind: _Optional[_Union[IdentifierKind, str]] = ..., identifier: _Optional[str] = ..., kind: _Optional[_Union[EffecteurKind, str]] = ..., type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., department: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("name", "effecteur", "effecteur_detail", "attach_time", "attached_by", "detach_time", "detached_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_DETAIL_FIELD_NUMBER: _ClassVar[int]
    ATTACH_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_BY_FIELD_NUMBER: _ClassVar[int]
    DETACH_TIME_FIELD_NUMBER: _ClassVar[int]
    DETACHED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    effecteur: str
    effecteur_detail: Effecteur
    attach_time: _timestamp_pb2.Timestamp
    attached_by: str
    detach_time: _timestamp_pb2.Timestamp
    detached_by: str
    def __init__(self, name: _Optional[str] = ..., effecteur: _Optional[str] = ..., effecteur_detail: _Optional[_Union[Effecteur, _Mapping]] = ..., attach_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attached_by: _Optional[str] = ..., detach_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., detached_by: _Optional[str] = ...) -> None: ...

class AttachmentEvent(_message.Message):
    __slots__ = ("action", "officine", "effecteur", "actor", "event_time", "attachment", "under_psc_grace")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTION_UNSPECIFIED: _ClassVar[AttachmentEvent.Action]
        ACTION_ATTACHED: _ClassVar[AttachmentEvent.Action]
        ACTION_DETACHED: _ClassVar[AttachmentEvent.Action]
    ACTION_UNSPECIFIED: AttachmentEvent.Action
    ACTION_ATTACHED: AttachmentEvent.Action
    ACTION_DETACHED: AttachmentEvent.Action
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    UNDER_PSC_GRACE_FIELD_NUMBER: _ClassVar[int]
    action: AttachmentEvent.Action
    officine: str
    effecteur: str
    actor: str
    event_time: _timestamp_pb2.Timestamp
    attachment: str
    under_psc_grace: bool
    def __init__(self, action: _Optional[_Union[AttachmentEvent.Action, str]] = ..., officine: _Optional[str] = ..., effecteur: _Optional[str] = ..., actor: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attachment: _Optional[str] = ..., under_psc_grace: _Optional[bool] = ...) -> None: ...

class AttachmentChange(_message.Message):
    __slots__ = ("id", "effecteur", "effecteur_type", "effecteur_display_name", "officine", "changed_officine", "changed_officine_department")
    ID_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_TYPE_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_OFFICINE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_OFFICINE_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    id: int
    effecteur: str
    effecteur_type: _effecteur_type_pb2.EffecteurType
    effecteur_display_name: str
    officine: str
    changed_officine: str
    changed_officine_department: str
    def __init__(self, id: _Optional[int] = ..., effecteur: _Optional[str] = ..., effecteur_type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., effecteur_display_name: _Optional[str] = ..., officine: _Optional[str] = ..., changed_officine: _Optional[str] = ..., changed_officine_department: _Optional[str] = ...) -> None: ...

class GetOfficineRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetOfficineResponse(_message.Message):
    __slots__ = ("officine",)
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    officine: Officine
    def __init__(self, officine: _Optional[_Union[Officine, _Mapping]] = ...) -> None: ...

class ListOfficinesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...

class ListOfficinesResponse(_message.Message):
    __slots__ = ("officines", "next_page_token")
    OFFICINES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    officines: _containers.RepeatedCompositeFieldContainer[Officine]
    next_page_token: str
    def __init__(self, officines: _Optional[_Iterable[_Union[Officine, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CountOfficinesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DepartmentOfficines(_message.Message):
    __slots__ = ("department", "officines")
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    OFFICINES_FIELD_NUMBER: _ClassVar[int]
    department: str
    officines: int
    def __init__(self, department: _Optional[str] = ..., officines: _Optional[int] = ...) -> None: ...

class CountOfficinesResponse(_message.Message):
    __slots__ = ("departments", "total")
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[DepartmentOfficines]
    total: int
    def __init__(self, departments: _Optional[_Iterable[_Union[DepartmentOfficines, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class CreateOfficineRequest(_message.Message):
    __slots__ = ("officine", "request_id")
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    officine: Officine
    request_id: str
    def __init__(self, officine: _Optional[_Union[Officine, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateOfficineResponse(_message.Message):
    __slots__ = ("officine",)
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    officine: Officine
    def __init__(self, officine: _Optional[_Union[Officine, _Mapping]] = ...) -> None: ...

class UpdateOfficineRequest(_message.Message):
    __slots__ = ("officine", "update_mask", "request_id")
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    officine: Officine
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, officine: _Optional[_Union[Officine, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateOfficineResponse(_message.Message):
    __slots__ = ("officine",)
    OFFICINE_FIELD_NUMBER: _ClassVar[int]
    officine: Officine
    def __init__(self, officine: _Optional[_Union[Officine, _Mapping]] = ...) -> None: ...

class GetEffecteurRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetEffecteurResponse(_message.Message):
    __slots__ = ("effecteur",)
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    effecteur: Effecteur
    def __init__(self, effecteur: _Optional[_Union[Effecteur, _Mapping]] = ...) -> None: ...

class ListEffecteursRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    type: _effecteur_type_pb2.EffecteurType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ...) -> None: ...

class ListEffecteursResponse(_message.Message):
    __slots__ = ("effecteurs", "next_page_token")
    EFFECTEURS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    effecteurs: _containers.RepeatedCompositeFieldContainer[Effecteur]
    next_page_token: str
    def __init__(self, effecteurs: _Optional[_Iterable[_Union[Effecteur, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateEffecteurRequest(_message.Message):
    __slots__ = ("effecteur", "update_mask", "request_id")
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    effecteur: Effecteur
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, effecteur: _Optional[_Union[Effecteur, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateEffecteurResponse(_message.Message):
    __slots__ = ("effecteur",)
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    effecteur: Effecteur
    def __init__(self, effecteur: _Optional[_Union[Effecteur, _Mapping]] = ...) -> None: ...

class CheckIdentifierRequest(_message.Message):
    __slots__ = ("identifier_kind", "identifier")
    IDENTIFIER_KIND_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    identifier_kind: IdentifierKind
    identifier: str
    def __init__(self, identifier_kind: _Optional[_Union[IdentifierKind, str]] = ..., identifier: _Optional[str] = ...) -> None: ...

class CheckIdentifierResponse(_message.Message):
    __slots__ = ("identifier", "effecteur")
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    identifier: str
    effecteur: str
    def __init__(self, identifier: _Optional[str] = ..., effecteur: _Optional[str] = ...) -> None: ...

class ListAttachmentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "type", "name_contains", "identifier_prefix", "include_ended")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_CONTAINS_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_PREFIX_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    type: _effecteur_type_pb2.EffecteurType
    name_contains: str
    identifier_prefix: str
    include_ended: bool
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., name_contains: _Optional[str] = ..., identifier_prefix: _Optional[str] = ..., include_ended: _Optional[bool] = ...) -> None: ...

class ListAttachmentsResponse(_message.Message):
    __slots__ = ("attachments", "next_page_token", "total_size")
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    next_page_token: str
    total_size: int
    def __init__(self, attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class AttachEffecteurRequest(_message.Message):
    __slots__ = ("parent", "identifier_kind", "identifier", "type", "display_name", "email", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_KIND_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    identifier_kind: IdentifierKind
    identifier: str
    type: _effecteur_type_pb2.EffecteurType
    display_name: str
    email: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., identifier_kind: _Optional[_Union[IdentifierKind, str]] = ..., identifier: _Optional[str] = ..., type: _Optional[_Union[_effecteur_type_pb2.EffecteurType, str]] = ..., display_name: _Optional[str] = ..., email: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AttachEffecteurResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    def __init__(self, attachment: _Optional[_Union[Attachment, _Mapping]] = ...) -> None: ...

class DetachEffecteurRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DetachEffecteurResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    def __init__(self, attachment: _Optional[_Union[Attachment, _Mapping]] = ...) -> None: ...

class LookupAttachmentRequest(_message.Message):
    __slots__ = ("effecteur",)
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    effecteur: str
    def __init__(self, effecteur: _Optional[str] = ...) -> None: ...

class LookupAttachmentResponse(_message.Message):
    __slots__ = ("attachment", "effecteur")
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    EFFECTEUR_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    effecteur: Effecteur
    def __init__(self, attachment: _Optional[_Union[Attachment, _Mapping]] = ..., effecteur: _Optional[_Union[Effecteur, _Mapping]] = ...) -> None: ...

class ListAttachmentEventsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAttachmentEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AttachmentEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[AttachmentEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAttachmentChangesRequest(_message.Message):
    __slots__ = ("after_id", "page_size")
    AFTER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    after_id: int
    page_size: int
    def __init__(self, after_id: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListAttachmentChangesResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[AttachmentChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[AttachmentChange, _Mapping]]] = ...) -> None: ...

class ImportOptions(_message.Message):
    __slots__ = ("dry_run", "filename")
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    filename: str
    def __init__(self, dry_run: _Optional[bool] = ..., filename: _Optional[str] = ...) -> None: ...

class ImportAttachmentsRequest(_message.Message):
    __slots__ = ("options", "chunk")
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    options: ImportOptions
    chunk: bytes
    def __init__(self, options: _Optional[_Union[ImportOptions, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class RejectedRow(_message.Message):
    __slots__ = ("line", "field", "reason")
    LINE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    line: int
    field: str
    reason: str
    def __init__(self, line: _Optional[int] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ImportAttachmentsResponse(_message.Message):
    __slots__ = ("rows_read", "rows_accepted", "rows_unchanged", "rejected", "rows_rejected", "dry_run")
    ROWS_READ_FIELD_NUMBER: _ClassVar[int]
    ROWS_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    rows_read: int
    rows_accepted: int
    rows_unchanged: int
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedRow]
    rows_rejected: int
    dry_run: bool
    def __init__(self, rows_read: _Optional[int] = ..., rows_accepted: _Optional[int] = ..., rows_unchanged: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[RejectedRow, _Mapping]]] = ..., rows_rejected: _Optional[int] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class BatchGetEffecteursRequest(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetEffecteursResponse(_message.Message):
    __slots__ = ("effecteurs",)
    EFFECTEURS_FIELD_NUMBER: _ClassVar[int]
    effecteurs: _containers.RepeatedCompositeFieldContainer[Effecteur]
    def __init__(self, effecteurs: _Optional[_Iterable[_Union[Effecteur, _Mapping]]] = ...) -> None: ...

class BatchGetOfficinesRequest(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetOfficinesResponse(_message.Message):
    __slots__ = ("officines",)
    OFFICINES_FIELD_NUMBER: _ClassVar[int]
    officines: _containers.RepeatedCompositeFieldContainer[Officine]
    def __init__(self, officines: _Optional[_Iterable[_Union[Officine, _Mapping]]] = ...) -> None: ...

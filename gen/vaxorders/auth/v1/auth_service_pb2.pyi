import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_OFFICINE: _ClassVar[Role]
    ROLE_EFFECTEUR: _ClassVar[Role]
    ROLE_OPERATOR: _ClassVar[Role]
    ROLE_SUPPORT: _ClassVar[Role]
ROLE_UNSPECIFIED: Role
ROLE_OFFICINE: Role
ROLE_EFFECTEUR: Role
ROLE_OPERATOR: Role
ROLE_SUPPORT: Role

class Principal(_message.Message):
    __slots__ = ("national_id", "given_name", "family_name", "profession_code", "roles", "acts_for", "explanation")
    NATIONAL_ID_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    PROFESSION_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ACTS_FOR_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    national_id: str
    given_name: str
    family_name: str
    profession_code: str
    roles: _containers.RepeatedScalarFieldContainer[Role]
    acts_for: _containers.RepeatedScalarFieldContainer[str]
    explanation: str
    def __init__(self, national_id: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., profession_code: _Optional[str] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ..., acts_for: _Optional[_Iterable[str]] = ..., explanation: _Optional[str] = ...) -> None: ...

class Tokens(_message.Message):
    __slots__ = ("access_token", "refresh_token", "id_token", "access_expire_time", "refresh_expire_time")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ID_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCESS_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REFRESH_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    refresh_token: str
    id_token: str
    access_expire_time: _timestamp_pb2.Timestamp
    refresh_expire_time: _timestamp_pb2.Timestamp
    def __init__(self, access_token: _Optional[str] = ..., refresh_token: _Optional[str] = ..., id_token: _Optional[str] = ..., access_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refresh_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ValidateTokenRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class ValidateTokenResponse(_message.Message):
    __slots__ = ("principal", "expire_time")
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    principal: Principal
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, principal: _Optional[_Union[Principal, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BeginLoginRequest(_message.Message):
    __slots__ = ("redirect_uri", "login_hint")
    REDIRECT_URI_FIELD_NUMBER: _ClassVar[int]
    LOGIN_HINT_FIELD_NUMBER: _ClassVar[int]
    redirect_uri: str
    login_hint: str
    def __init__(self, redirect_uri: _Optional[str] = ..., login_hint: _Optional[str] = ...) -> None: ...

class BeginLoginResponse(_message.Message):
    __slots__ = ("authorization_url", "state")
    AUTHORIZATION_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    authorization_url: str
    state: str
    def __init__(self, authorization_url: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class ExchangeCodeRequest(_message.Message):
    __slots__ = ("code", "state", "redirect_uri")
    CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URI_FIELD_NUMBER: _ClassVar[int]
    code: str
    state: str
    redirect_uri: str
    def __init__(self, code: _Optional[str] = ..., state: _Optional[str] = ..., redirect_uri: _Optional[str] = ...) -> None: ...

class ExchangeCodeResponse(_message.Message):
    __slots__ = ("tokens", "principal")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    tokens: Tokens
    principal: Principal
    def __init__(self, tokens: _Optional[_Union[Tokens, _Mapping]] = ..., principal: _Optional[_Union[Principal, _Mapping]] = ...) -> None: ...

class RefreshTokensRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class RefreshTokensResponse(_message.Message):
    __slots__ = ("tokens", "principal")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    tokens: Tokens
    principal: Principal
    def __init__(self, tokens: _Optional[_Union[Tokens, _Mapping]] = ..., principal: _Optional[_Union[Principal, _Mapping]] = ...) -> None: ...

class LogoutRequest(_message.Message):
    __slots__ = ("id_token", "refresh_token", "post_logout_redirect_uri")
    ID_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    POST_LOGOUT_REDIRECT_URI_FIELD_NUMBER: _ClassVar[int]
    id_token: str
    refresh_token: str
    post_logout_redirect_uri: str
    def __init__(self, id_token: _Optional[str] = ..., refresh_token: _Optional[str] = ..., post_logout_redirect_uri: _Optional[str] = ...) -> None: ...

class LogoutResponse(_message.Message):
    __slots__ = ("end_session_url",)
    END_SESSION_URL_FIELD_NUMBER: _ClassVar[int]
    end_session_url: str
    def __init__(self, end_session_url: _Optional[str] = ...) -> None: ...

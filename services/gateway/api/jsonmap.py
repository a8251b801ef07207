"""HTTP request -> protobuf request, protobuf response -> JSON, with
protobuf's canonical JSON mapping (lowerCamelCase names, enum names, int64 as
strings, RFC 3339 timestamps, field masks as "a,b.c").

Binding rules, as google.api.http's `body: "*"`: the JSON body is the request
message; query parameters (GET, DELETE) set top-level scalar fields by their
JSON name; path parameters fill resource names and win over both.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeAlias

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

from services.gateway.problems import Problem, problem

if TYPE_CHECKING:
    from google._upb import _message as upb

# protobuf's stubs type a descriptor as its pure-Python class or the upb one it runs as.
FieldDesc: TypeAlias = "FieldDescriptor | upb.FieldDescriptor"
MessageDesc: TypeAlias = "Descriptor | upb.Descriptor"
EnumDesc: TypeAlias = "EnumDescriptor | upb.EnumDescriptor"

_BAD_JSON = "Le corps de la requête n'est pas un JSON valide."
_TOO_DEEP = "Le corps de la requête est trop imbriqué ({limit} niveaux au plus)."
# Our deepest request (a line inside an order inside a request...) is a few levels;
# json and protobuf recurse, so a deeper body would end in a RecursionError.
MAX_JSON_DEPTH = 32


def _too_deep(raw: bytes, limit: int) -> bool:
    """Whether brackets nest deeper than `limit`, outside strings: one pass
    over the bytes, no recursion, before any parser sees them."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _bad_field(name: str, message: str) -> Problem:
    return problem(400, "INVALID_ARGUMENT", message, errors=[{"field": name, "detail": message}])


def parse_body(raw: bytes, message: Message) -> None:
    if not raw.strip():
        return
    if _too_deep(raw, MAX_JSON_DEPTH):
        raise problem(400, "JSON_TOO_DEEP", _TOO_DEEP.format(limit=MAX_JSON_DEPTH))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise problem(400, "MALFORMED_JSON", _BAD_JSON) from exc
    if not isinstance(data, dict):
        raise problem(400, "MALFORMED_JSON", "Le corps de la requête doit être un objet JSON.")
    try:
        json_format.ParseDict(data, message)
    except json_format.ParseError as exc:
        # The library's text is English; keep it as a hint after a French sentence.
        raise problem(
            400, "INVALID_JSON_FIELD", f"Un champ du corps de la requête est inconnu ou mal formé ({exc})."
        ) from exc


def _scalar(field: FieldDesc, raw: str) -> Any:
    if field.type == FieldDescriptor.TYPE_BOOL:
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0", ""):
            return False
        raise ValueError("booléen attendu (true ou false)")
    if (enum := field.enum_type) is not None:  # an enum field
        value = enum.values_by_name.get(raw)
        if value is None:
            raise ValueError("valeur inconnue : " + ", ".join(v.name for v in enum.values[1:]))
        return value.number
    if field.cpp_type in (
        FieldDescriptor.CPPTYPE_INT32,
        FieldDescriptor.CPPTYPE_INT64,
        FieldDescriptor.CPPTYPE_UINT32,
        FieldDescriptor.CPPTYPE_UINT64,
    ):
        return int(raw)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return raw.encode()
    return raw


def query_fields(message: Message) -> list[FieldDesc]:
    """Top-level scalar fields a query parameter may set."""
    return [f for f in message.DESCRIPTOR.fields if f.type != FieldDescriptor.TYPE_MESSAGE and not _is_repeated(f)]


def _is_repeated(field: FieldDesc) -> bool:
    return bool(field.is_repeated)


def apply_query(params: dict[str, str], message: Message, skip: set[str]) -> None:
    by_json = {f.json_name: f for f in query_fields(message)}
    for key, raw in params.items():
        if key in skip:
            continue
        field = by_json.get(key)
        if field is None:
            raise _bad_field(key, f"Paramètre de requête inconnu : {key}.")
        try:
            setattr(message, field.name, _scalar(field, raw))
        except ValueError as exc:
            raise _bad_field(key, f"Valeur invalide pour {key} : {exc}.") from exc


def set_path(message: Message, path: str, value: str) -> None:
    """Set 'session.name' (a nested field path) to value."""
    *parents, last = path.split(".")
    target = message
    for name in parents:
        target = getattr(target, name)
    setattr(target, last, value)


def to_json(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)

"""HTTP request -> protobuf request, protobuf response -> JSON, with
protobuf's canonical JSON mapping (lowerCamelCase names, enum names, int64 as
strings, RFC 3339 timestamps, field masks as "a,b.c").

Binding rules, as google.api.http's `body: "*"`: the JSON body is the request
message; query parameters (GET, DELETE) set top-level scalar fields by their
JSON name; path parameters fill resource names and win over both.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeAlias

import structlog
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

from services.gateway.problems import Problem, json_field_path, problem

if TYPE_CHECKING:
    from google._upb import _message as upb

# protobuf's stubs type a descriptor as its pure-Python class or the upb one it runs as.
FieldDesc: TypeAlias = "FieldDescriptor | upb.FieldDescriptor"
MessageDesc: TypeAlias = "Descriptor | upb.Descriptor"
EnumDesc: TypeAlias = "EnumDescriptor | upb.EnumDescriptor"

log = structlog.get_logger("gateway.json")

_BAD_JSON = "Le corps de la requête n'est pas un JSON valide (UTF-8)."
_BAD_BODY_FIELD = "Valeur invalide pour {field} : le type ou le format ne convient pas."
_UNKNOWN_BODY_FIELD = "Champ inconnu dans le corps de la requête : {field}."
_BAD_BODY = "Un champ du corps de la requête est inconnu ou mal formé."
# protobuf's ParseError texts name the field (in English); we keep only the name.
_PARSE_UNKNOWN = re.compile(r'has no field named "([^"]+)"')
_PARSE_FIELD = re.compile(r"Failed to parse (\w+) field")
_ASCII_INT = re.compile(r"-?[0-9]{1,20}")
_INT_RANGES = {
    FieldDescriptor.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.CPPTYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.CPPTYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.CPPTYPE_UINT64: (0, 2**64 - 1),
}
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
        log.info("json.malformed", error=str(exc)[:200])  # the parser's English text: the log only
        raise problem(400, "MALFORMED_JSON", _BAD_JSON) from exc
    if not isinstance(data, dict):
        raise problem(400, "MALFORMED_JSON", "Le corps de la requête doit être un objet JSON.")
    try:
        json_format.ParseDict(data, message)
    except (json_format.ParseError, ValueError, TypeError, RecursionError) as exc:
        raise _body_field_problem(str(exc)) from exc


def _body_field_problem(text: str) -> Problem:
    """protobuf's English ParseError -> a French field violation; the text goes to the log."""
    log.info("json.bad_field", error=text[:200])
    parents = [json_field_path(name) for name in _PARSE_FIELD.findall(text)]
    if match := _PARSE_UNKNOWN.search(text):
        name = ".".join([*parents, match.group(1)[:64]])
        message = _UNKNOWN_BODY_FIELD.format(field=name)
    elif parents:
        name = ".".join(parents)
        message = _BAD_BODY_FIELD.format(field=name)
    else:
        return problem(400, "INVALID_JSON_FIELD", _BAD_BODY)
    return problem(400, "INVALID_JSON_FIELD", message, errors=[{"field": name, "detail": message}])


def _scalar(field: FieldDesc, raw: str) -> Any:
    if field.type == FieldDescriptor.TYPE_BOOL:
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0", ""):
            return False
        raise ValueError("true ou false attendu")
    if (enum := field.enum_type) is not None:  # an enum field
        value = enum.values_by_name.get(raw)
        if value is None:
            raise ValueError("valeurs possibles : " + ", ".join(v.name for v in enum.values[1:]))
        return value.number
    if (bounds := _INT_RANGES.get(field.cpp_type)) is not None:
        # ASCII digits only: int() would take "٣", "３", " 3", "1_000".
        low, high = bounds
        if not _ASCII_INT.fullmatch(raw) or not low <= int(raw) <= high:
            raise ValueError(f"nombre entier attendu (chiffres 0-9, de {low} à {high})")
        return int(raw)
    if field.cpp_type in (FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE):
        raise ValueError("ce paramètre ne peut pas être donné dans l'URL")
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
        except ValueError as exc:  # only our own French texts are raised by _scalar
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

"""Hypothesis strategies for protobuf requests, built from the message descriptors alone, so
any message added later is fuzzed the same way.

A request is produced as its wire bytes, field by field: scalars are encoded by the
generated class itself (a one-field message serialised), sub-messages are nested as
length-delimited fields. Working on bytes lets a string field carry what no Python `str` can
hold — invalid UTF-8 — exactly as a hostile client would send it.

Values aim at the edges: out-of-range and negative numbers, int64 extremes, NaN, unknown enum
numbers, Timestamps outside protobuf's range or with negative nanos, empty and very long
strings, malformed resource names, look-alike digits, control characters.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message_factory import GetMessageClass
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import strategies as st

F = FieldDescriptor
MAX_DEPTH = 3
LONG = 20_000

_INT_RANGES = {
    F.TYPE_INT32: (-(2**31), 2**31 - 1),
    F.TYPE_SINT32: (-(2**31), 2**31 - 1),
    F.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    F.TYPE_INT64: (-(2**63), 2**63 - 1),
    F.TYPE_SINT64: (-(2**63), 2**63 - 1),
    F.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    F.TYPE_UINT32: (0, 2**32 - 1),
    F.TYPE_FIXED32: (0, 2**32 - 1),
    F.TYPE_UINT64: (0, 2**64 - 1),
    F.TYPE_FIXED64: (0, 2**64 - 1),
}

# Names in the shapes the services use, real ones among them, and their near misses.
RESOURCE_NAMES = [
    "sessions/2022-03-07",
    "sessions/demo",
    "sessions/2022-03-07/quotaTables/1",
    "sessions/2022-03-07/quotaTables/current",
    "sessions/2022-03-07/officines/759900111",
    "sessions/2022-03-07/officines/759900111/lines/comirnaty",
    "officines/759900111",
    "officines/٧٥٩٩٠٠٩٨٨",
    "officines/７５９９００１１１",
    "effecteurs/rpps:99700000104",
    "effecteurs/finess:759901010",
    "effecteurs/rpps:",
    "products/comirnaty",
    "products/",
    "calendarWindows/maintenance-20220306t0000",
    "sessions/../officines/759900111",
    "sessions//",
    "/",
    "sessions/2022-03-07/quotaTables/-1",
    "sessions/2022-03-07/quotaTables/99999999999999999999",
    "officines/759900111\x00",
    "sessions/%2e%2e",
]
_PREFIXES = ["sessions/", "officines/", "effecteurs/", "products/", "calendarWindows/", "supportRequests/", "plans/"]


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(""),
        st.text(max_size=40),
        st.sampled_from(RESOURCE_NAMES),
        st.builds(lambda p, t: p + t, st.sampled_from(_PREFIXES), st.text(max_size=30)),
        st.uuids(version=4).map(str),
        st.sampled_from(["٩٩٧٠٠٠٠٠١٠٤", "９９７０００００１０４", '=HYPERLINK("x")', "\x00", "\u202e", "é" * 300]),
        st.integers(1, LONG).map(lambda n: "x" * n),
    )


# Bytes that are not UTF-8 (lone continuation, overlong, surrogate, truncated sequences).
_INVALID_UTF8 = st.sampled_from([b"\xff", b"\xc3", b"\x80abc", b"\xc0\xaf", b"\xed\xa0\x80", b"a\xe2\x82"]).flatmap(
    lambda bad: st.builds(lambda head, tail: head + bad + tail, st.binary(max_size=8), st.binary(max_size=8))
)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    if field.type in _INT_RANGES:
        low, high = _INT_RANGES[field.type]
        return st.one_of(
            st.integers(low, high), st.sampled_from([low, high, -1, 0, 1, 2**31 - 1]).filter(lambda v: low <= v <= high)
        )
    if field.type == F.TYPE_ENUM:
        known = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(known), st.integers(-(2**31), 2**31 - 1))
    if field.type == F.TYPE_BOOL:
        return st.booleans()
    if field.type == F.TYPE_DOUBLE:
        return st.floats()
    if field.type == F.TYPE_FLOAT:
        return st.floats(width=32)
    if field.type == F.TYPE_BYTES:
        return st.binary(max_size=64)
    if field.type == F.TYPE_STRING:
        return _text()
    raise AssertionError(f"unhandled field type {field.type} of {field.full_name}")


def _timestamp() -> st.SearchStrategy[bytes]:
    """Seconds from well inside to far outside protobuf's 0001-9999 range; nanos any int32."""
    seconds = st.one_of(
        st.integers(1_577_836_800, 1_900_000_000),  # 2020 to 2030
        st.integers(-(2**63), 2**63 - 1),
        st.sampled_from([10**12, -(10**12), -62_135_596_800, 253_402_300_799, 253_402_300_800, 0]),
    )
    nanos = st.one_of(st.just(0), st.integers(-(2**31), 2**31 - 1), st.sampled_from([-1, 999_999_999, 10**9]))
    return st.builds(lambda s, n: Timestamp(seconds=s, nanos=n).SerializeToString(), seconds, nanos)


def _field(cls: Any, field: FieldDescriptor, depth: int) -> st.SearchStrategy[bytes]:
    if field.message_type is not None:
        one = message_bytes(field.message_type, depth + 1)
        many = st.lists(one, max_size=3) if field.is_repeated else one.map(lambda b: [b])
        return many.map(lambda items: b"".join(_length_delimited(field.number, item) for item in items))
    value = _scalar(field)
    if field.is_repeated:
        encoded = st.lists(value, max_size=4).map(lambda items: cls(**{field.name: items}).SerializeToString())
    else:
        encoded = value.map(lambda item: cls(**{field.name: item}).SerializeToString())
    if field.type == F.TYPE_STRING:
        return st.one_of(encoded, _INVALID_UTF8.map(lambda raw: _length_delimited(field.number, raw)))
    return encoded


def message_bytes(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[bytes]:
    """The wire bytes of a `descriptor` message with any subset of its fields set."""
    if descriptor.full_name == "google.protobuf.Timestamp":
        return _timestamp()
    if depth >= MAX_DEPTH:
        return st.just(b"")
    cls = GetMessageClass(descriptor)
    fields = {f.name: _field(cls, f, depth) for f in descriptor.fields}
    return st.fixed_dictionaries({}, optional=fields).map(lambda chosen: b"".join(chosen.values()))

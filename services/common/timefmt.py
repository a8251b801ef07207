"""Conversions between protobuf Timestamps, UTC datetimes and Paris wall time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

PARIS = ZoneInfo("Europe/Paris")

_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@overload
def to_timestamp(value: datetime) -> Timestamp: ...
@overload
def to_timestamp(value: None) -> None: ...
@overload
def to_timestamp(value: datetime | None) -> Timestamp | None: ...


def to_timestamp(value: datetime | None) -> Timestamp | None:
    """None stays None: the field is left unset."""
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(as_utc(value))
    return ts


def from_timestamp(ts: Timestamp) -> datetime:
    return ts.ToDatetime(tzinfo=UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def in_paris(value: datetime) -> datetime:
    """`value` in Paris wall time. At the very ends of what datetime holds (0001-01-01,
    9999-12-31, stored before dates were bounded) Paris' offset overflows: the UTC time is
    shown instead, an hour off, rather than a page failing for everyone."""
    utc = as_utc(value)
    try:
        return utc.astimezone(PARIS)
    except OverflowError:
        return utc


def paris_long(value: datetime) -> str:
    """'lundi 7 mars 2022 à 08h00', as users read dates."""
    local = in_paris(value)
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"
        f" à {local.hour:02d}h{local.minute:02d}"
    )


def paris_date(value: date) -> str:
    """'vendredi 18 mars 2022'."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"

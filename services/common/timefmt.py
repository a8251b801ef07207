"""Conversions between protobuf Timestamps, UTC datetimes and Paris wall time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

PARIS = ZoneInfo("Europe/Paris")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

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
    # What Timestamp.FromDatetime computes, without its pure-Python calendar arithmetic (2 % of
    # orders' CPU in the Monday rush, a line carrying two instants). timedelta keeps
    # seconds and microseconds non-negative, as Timestamp wants its nanos, before 1970 too.
    since = as_utc(value) - _EPOCH
    return Timestamp(seconds=since.days * 86_400 + since.seconds, nanos=since.microseconds * 1000)


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


# Before and after the "h": the time never breaks across two lines, in pages as in mails.
NBSP = "\u00a0"


def clock(hour: int, minute: int = 0) -> str:
    """'9 h 00', '20 h 30': the one way users read a time of day (French administrative
    style, no leading zero on the hour). Machine formats (form values, CSV, APIs) keep ISO."""
    return f"{hour}{NBSP}h{NBSP}{minute:02d}"


def paris_clock(value: datetime) -> str:
    """The Paris time of day of `value`, as `clock` writes it."""
    local = in_paris(value)
    return clock(local.hour, local.minute)


def paris_short(value: datetime) -> str:
    """'08/03/2022 23 h 00' (Paris): a date and time in a table cell."""
    return f"{in_paris(value):%d/%m/%Y} {paris_clock(value)}"


def paris_long(value: datetime) -> str:
    """'lundi 7 mars 2022 à 8 h 00', as users read dates."""
    local = in_paris(value)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year} à {paris_clock(value)}"


def paris_date(value: date) -> str:
    """'vendredi 18 mars 2022'."""
    return f"{_DAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"

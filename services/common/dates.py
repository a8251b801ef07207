"""The range of dates the service accepts, and the checks of every date it is sent.

One range for everything a user or a caller can give: session and calendar-window times,
delivery windows, delivery-plan dates, announced delivery dates, the instants of queries.
It runs from 1 January 2020 (before the first vaccination campaign the service handles) to
31 December of the fifth year after the current one (Paris): far enough for any planning,
near enough that a typo (9999, 0001) is refused instead of stored. Outside it, a date is an
error with a French field violation, never stored, never an INTERNAL.

Every `google.protobuf.Timestamp` in every request is checked here by the server
interceptor (`timestamp_violations`), whatever the RPC: well formed first (seconds in
protobuf's 0001-9999 range, nanos 0..999,999,999), then inside the range. Dates sent as text
("AAAA-MM-JJ") go through `parse_day`/`check_day` in the service that reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.errors import FieldViolation, InvalidArgument
from services.common.text import is_ascii_digits
from services.common.timefmt import PARIS, in_paris, paris_date

FIRST_DAY = date(2020, 1, 1)
YEARS_AHEAD = 5

# protobuf's own bounds (google/protobuf/timestamp.proto): 0001-01-01T00:00:00Z to
# 9999-12-31T23:59:59.999999999Z.
_MIN_SECONDS = -62_135_596_800
_MAX_SECONDS = 253_402_300_799
_MAX_NANOS = 999_999_999
_TIMESTAMP = "google.protobuf.Timestamp"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

MALFORMED_TIMESTAMP = "Horodatage invalide : ce n'est pas un instant valide."
OUT_OF_RANGE_REASON = "DATE_OUT_OF_RANGE"


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def violation(self, day: date) -> str:
        return (
            f"Date hors de la plage acceptée : le {day.day:02d}/{day.month:02d}/{day.year:04d} n'est pas "
            f"entre le {paris_date(self.first)} et le {paris_date(self.last)}."
        )


def accepted_range(now: datetime) -> DateRange:
    """From FIRST_DAY to 31 December of the fifth year after `now`'s year (Paris)."""
    year = now.astimezone(PARIS).year
    return DateRange(FIRST_DAY, date(year + YEARS_AHEAD, 12, 31))


def range_start(accepted: DateRange) -> datetime:
    """The first instant of the range: midnight in Paris on its first day."""
    return datetime.combine(accepted.first, time(), PARIS)


def check_day(day: date, field: str, now: datetime) -> date:
    """`day` unchanged, or InvalidArgument on `field` when outside the accepted range."""
    accepted = accepted_range(now)
    if not accepted.contains(day):
        raise InvalidArgument.field(field, accepted.violation(day), reason=OUT_OF_RANGE_REASON)
    return day


def check_instant(value: datetime, field: str, now: datetime) -> datetime:
    """`value` unchanged, or InvalidArgument on `field` when its Paris day is outside the range."""
    check_day(_paris_day(value), field, now)
    return value


def _paris_day(value: datetime) -> date:
    return in_paris(value).date()


def parse_day(value: str, field: str, now: datetime) -> date | None:
    """'AAAA-MM-JJ' (ASCII digits) -> a date inside the accepted range; empty -> None."""
    if not value:
        return None
    parts = value.split("-")
    bad = InvalidArgument.field(field, f"Date invalide : « {value} » (attendu AAAA-MM-JJ).", reason="INVALID_DATE")
    if [len(p) for p in parts] != [4, 2, 2] or not all(is_ascii_digits(p) for p in parts):
        raise bad
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise bad from exc
    return check_day(day, field, now)


def timestamp_violation(seconds: int, nanos: int, now: datetime) -> str | None:
    """The French violation of a Timestamp's raw values, or None when it is a date we accept."""
    if not (0 <= nanos <= _MAX_NANOS and _MIN_SECONDS <= seconds <= _MAX_SECONDS):
        return MALFORMED_TIMESTAMP
    day = _paris_day(_EPOCH + timedelta(seconds=seconds))
    accepted = accepted_range(now)
    return None if accepted.contains(day) else accepted.violation(day)


def timestamp_violations(message: Message, now: datetime) -> list[FieldViolation]:
    """One violation per Timestamp set anywhere in `message` (nested, repeated, map values)
    that is malformed or outside the accepted range; the field path names it."""
    return [
        FieldViolation(path, text)
        for path, ts in _timestamps(message, "")
        if (text := timestamp_violation(ts.seconds, ts.nanos, now)) is not None
    ]


def check_timestamps(message: Message, now: datetime) -> None:
    """InvalidArgument listing every bad Timestamp of `message`; nothing when all are good."""
    violations = timestamp_violations(message, now)
    if violations:
        raise InvalidArgument(violations[0].description, reason=OUT_OF_RANGE_REASON, violations=violations)


def _timestamps(message: Message, prefix: str) -> Iterator[tuple[str, Any]]:
    # Only the fields whose type can hold a Timestamp are looked at: most requests have none,
    # and walking every set field of every request was a visible share of an RPC's cost.
    for field, is_map in _plan(message.DESCRIPTOR):
        path = f"{prefix}{field.name}"
        if is_map:
            for key, item in getattr(message, field.name).items():
                yield from _message_timestamps(item, f"{path}[{key}]")
        elif field.is_repeated:
            for i, item in enumerate(getattr(message, field.name)):
                yield from _message_timestamps(item, f"{path}[{i}]")
        elif message.HasField(field.name):
            yield from _message_timestamps(getattr(message, field.name), path)


def _message_timestamps(message: Message, path: str) -> Iterator[tuple[str, Any]]:
    if message.DESCRIPTOR.full_name == _TIMESTAMP:
        yield path, message
    else:
        yield from _timestamps(message, f"{path}.")


# Per message type: its fields (in field-number order, as ListFields gives them) that are a
# Timestamp or a message (map values included) that can contain one, however deep.
_PLANS: dict[str, tuple[tuple[FieldDescriptor, bool], ...]] = {}


def _plan(descriptor: Any) -> tuple[tuple[FieldDescriptor, bool], ...]:
    """(field, is a map) for each such field of `descriptor`."""
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        plan = _PLANS[descriptor.full_name] = tuple(
            (field, field.message_type.GetOptions().map_entry)
            for field in sorted(descriptor.fields, key=lambda f: f.number)
            if field.message_type is not None and _can_hold_timestamp(field.message_type, set())
        )
    return plan


def _can_hold_timestamp(descriptor: Any, seen: set[str]) -> bool:
    if descriptor.full_name == _TIMESTAMP:
        return True
    if descriptor.full_name in seen:  # a recursive type (google.protobuf.Struct): its other fields decide
        return False
    seen.add(descriptor.full_name)
    return any(f.message_type is not None and _can_hold_timestamp(f.message_type, seen) for f in descriptor.fields)

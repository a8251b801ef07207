"""Small conversions of what a form sends (Paris wall time, numbers) into
protobuf values, with the French message a field gets when it is wrong."""

from __future__ import annotations

import re
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.timefmt import PARIS, as_utc, from_timestamp, in_paris
from services.gateway.problems import Problem, problem

INT32_MAX = 2**31 - 1
_ASCII_NATURAL = re.compile(r"[0-9]{1,10}")


def ascii_natural(text: str, maximum: int = INT32_MAX) -> int | None:
    """A whole number of ASCII digits (0..maximum), or None: never int() on
    what str.isdigit() lets through ('²' raises, '٣' or '３' would pass)."""
    if not _ASCII_NATURAL.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


class FormErrors:
    """Collects field errors of a form, then raises them as one 400 problem."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "detail": message})

    def raise_if_any(self) -> None:
        if self.errors:
            detail = self.errors[0]["detail"] if len(self.errors) == 1 else "Certaines valeurs sont invalides."
            raise problem(400, "INVALID_ARGUMENT", detail, errors=self.errors)


def paris_timestamp(value: str, field: str, errors: FormErrors, *, required: bool = True) -> Timestamp | None:
    """'2022-03-07T08:00' (datetime-local, Paris) -> Timestamp (UTC)."""
    value = value.strip()
    if not value:
        if required:
            errors.add(field, "Indiquez une date et une heure.")
        return None
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        errors.add(field, "Date et heure attendues au format AAAA-MM-JJTHH:MM (heure de Paris).")
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=PARIS)
    ts = Timestamp()
    try:
        ts.FromDatetime(as_utc(local))
    except (OverflowError, ValueError):  # 0001-01-01T00:00 in Paris is before what datetime holds
        errors.add(field, "Date hors de la plage acceptée (de 2020 à cinq ans après l'année en cours).")
        return None
    return ts


def local_input(ts: Timestamp) -> str:
    """Timestamp -> datetime-local value in Paris time ('' when unset)."""
    if not ts.seconds and not ts.nanos:
        return ""
    return in_paris(from_timestamp(ts)).strftime("%Y-%m-%dT%H:%M")


def by_last_segment(error: Problem | None) -> dict[str, str]:
    """'session.closeTime' -> {'close_time': message}: errors keyed like form fields."""
    if error is None:
        return {}
    out: dict[str, str] = {}
    for path, text in error.field_errors().items():
        last = path.split(".")[-1]
        out.setdefault("".join("_" + c.lower() if c.isupper() else c for c in last), text)
    return out

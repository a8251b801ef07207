"""Resource names of the orders service, parsed and built in one place.

  sessions/{session}/officines/{finess}                    an officine's order in a session
  sessions/{session}/officines/{finess}/lines/{line}       an order line
  sessions/{session}/officines/{finess}/requests/{id}      a vial request
"-" stands for any session, or (for an effecteur reading its own) any officine.
A malformed name is a field violation naming the proto field.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from services.common.errors import InvalidArgument

ANY = "-"
_SESSION_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# FINESS: 9 characters, the département first ("75", "2A", "97"...).
_FINESS = re.compile(r"^[0-9][0-9AB][0-9]{7}$")
_EFFECTEUR = re.compile(r"^effecteurs/[a-z]+:[0-9A-Za-z]{1,32}$")
_PRODUCT = re.compile(r"^products/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_OBJECT_ID = re.compile(r"^[0-9a-f]{32}$")
# Département codes: 01-95 (no 20: Corsica is 2A and 2B), 971-976.
_DEPARTMENT = re.compile(r"^(?:0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$")


def new_id() -> str:
    return uuid.uuid4().hex


def new_etag() -> str:
    return uuid.uuid4().hex[:16]


def session_name(session_id: str) -> str:
    return f"sessions/{session_id}"


def officine_name(finess: str) -> str:
    return f"officines/{finess}"


def self_effecteur(finess: str) -> str:
    """The officine's own effecteur, through which it orders for its own needs."""
    return f"effecteurs/finess:{finess}"


@dataclass(frozen=True)
class OfficineOrder:
    """sessions/{session}/officines/{finess}; either part may be ANY where allowed."""

    session_id: str
    finess: str

    @property
    def name(self) -> str:
        return f"sessions/{self.session_id}/officines/{self.finess}"

    @property
    def officine(self) -> str:
        return officine_name(self.finess)

    def line(self, line_id: str) -> str:
        return f"{self.name}/lines/{line_id}"

    def request(self, request_id: str) -> str:
        return f"{self.name}/requests/{request_id}"


@dataclass(frozen=True)
class Child:
    """A line or a request: its parent and its id."""

    parent: OfficineOrder
    id: str

    @property
    def name(self) -> str:
        return f"{self.parent.name}/{self._collection}/{self.id}"

    _collection: str = "lines"


def _bad(field: str, value: str, expected: str) -> InvalidArgument:
    return InvalidArgument.field(field, f"Nom invalide : « {value} » (attendu « {expected} »).")


def parse_officine_order(
    value: str, field: str, *, any_session: bool = False, any_officine: bool = False
) -> OfficineOrder:
    expected = "sessions/{session}/officines/{finess}"
    parts = value.split("/")
    if len(parts) != 4 or parts[0] != "sessions" or parts[2] != "officines":
        raise _bad(field, value, expected)
    session_id, finess = parts[1], parts[3]
    if not (_SESSION_ID.match(session_id) or (any_session and session_id == ANY)):
        raise _bad(field, value, expected)
    if not (_FINESS.match(finess) or (any_officine and finess == ANY)):
        raise _bad(field, value, expected)
    return OfficineOrder(session_id, finess)


def parse_child(value: str, field: str, collection: str) -> Child:
    expected = f"sessions/{{session}}/officines/{{finess}}/{collection}/{{id}}"
    parts = value.split("/")
    if len(parts) != 6 or parts[4] != collection or not _OBJECT_ID.match(parts[5]):
        raise _bad(field, value, expected)
    parent = parse_officine_order("/".join(parts[:4]), field)
    return Child(parent, parts[5], collection)


def parse_line(value: str, field: str = "name") -> Child:
    return parse_child(value, field, "lines")


def parse_request(value: str, field: str = "name") -> Child:
    return parse_child(value, field, "requests")


def parse_session(value: str, field: str = "session") -> str:
    parts = value.split("/")
    if len(parts) != 2 or parts[0] != "sessions" or not _SESSION_ID.match(parts[1]):
        raise _bad(field, value, "sessions/{id}")
    return parts[1]


def check_effecteur(value: str, field: str) -> str:
    if not _EFFECTEUR.match(value):
        raise _bad(field, value, "effecteurs/{type}:{identifiant}")
    return value


def check_product(value: str, field: str) -> str:
    if not _PRODUCT.match(value):
        raise _bad(field, value, "products/{id}")
    return value


def parse_session_child(value: str, field: str, child: str) -> str:
    """ "sessions/{id}/{child}" (supply, allocation, deliveryPlan) -> the session id."""
    parts = value.split("/")
    if len(parts) != 3 or parts[0] != "sessions" or parts[2] != child or not _SESSION_ID.match(parts[1]):
        raise _bad(field, value, f"sessions/{{session}}/{child}")
    return parts[1]


def supply_name(session_id: str) -> str:
    return f"sessions/{session_id}/supply"


def allocation_name(session_id: str) -> str:
    return f"sessions/{session_id}/allocation"


def plan_name(session_id: str) -> str:
    return f"sessions/{session_id}/deliveryPlan"


def delivery_name(session_id: str, finess: str) -> str:
    return f"sessions/{session_id}/officines/{finess}/delivery"


def is_finess(value: str) -> bool:
    return bool(_FINESS.match(value))


def check_finess(value: str, field: str) -> str:
    if not _FINESS.match(value):
        raise InvalidArgument.field(field, f"FINESS invalide : « {value} » (9 caractères, par exemple 759900111).")
    return value


def is_department(value: str) -> bool:
    return bool(_DEPARTMENT.match(value))


def check_department(value: str, field: str) -> str:
    if not _DEPARTMENT.match(value):
        raise InvalidArgument.field(
            field, f"Code de département invalide : « {value} » (attendu 01 à 95, 2A, 2B ou 971 à 976)."
        )
    return value

"""Resource names of the stock: "officines/{finess}/lots/{id}", ".../offers/{id}/claims/{id}"..."""

from __future__ import annotations

import re

from services.orders.names import _FINESS, _OBJECT_ID, ANY, _bad

_CERTIFICATE = re.compile(r"^DES-[0-9]{4}-[0-9]{6}$")


def officine(finess: str) -> str:
    return f"officines/{finess}"


def lot(finess: str, lot_id: str) -> str:
    return f"officines/{finess}/lots/{lot_id}"


def receipt(finess: str, receipt_id: str) -> str:
    return f"officines/{finess}/receipts/{receipt_id}"


def pickup(finess: str, move_id: int) -> str:
    return f"officines/{finess}/pickups/{move_id}"


def offer(finess: str, offer_id: str) -> str:
    return f"officines/{finess}/offers/{offer_id}"


def claim(finess: str, offer_id: str, claim_id: str) -> str:
    return f"officines/{finess}/offers/{offer_id}/claims/{claim_id}"


def certificate(finess: str, number: str) -> str:
    return f"officines/{finess}/destructionCertificates/{number}"


def parse_officine(value: str, field: str, *, any_officine: bool = False) -> str:
    """ "officines/{finess}" -> the FINESS ("-" when allowed)."""
    parts = value.split("/")
    if (
        len(parts) != 2
        or parts[0] != "officines"
        or not (_FINESS.match(parts[1]) or (any_officine and parts[1] == ANY))
    ):
        raise _bad(field, value, "officines/{finess}")
    return parts[1]


def parse_stock(value: str, field: str = "name") -> str:
    parts = value.split("/")
    if len(parts) != 3 or parts[2] != "stock":
        raise _bad(field, value, "officines/{finess}/stock")
    return parse_officine("/".join(parts[:2]), field)


def parse_child(value: str, field: str, collection: str) -> tuple[str, str]:
    """ "officines/{finess}/{collection}/{id}" -> (finess, id)."""
    parts = value.split("/")
    pattern = _CERTIFICATE if collection == "destructionCertificates" else _OBJECT_ID
    if len(parts) != 4 or parts[0] != "officines" or parts[2] != collection or not pattern.match(parts[3]):
        raise _bad(field, value, f"officines/{{finess}}/{collection}/{{id}}")
    if not _FINESS.match(parts[1]):
        raise _bad(field, value, f"officines/{{finess}}/{collection}/{{id}}")
    return parts[1], parts[3]


def parse_claim(value: str, field: str = "name") -> tuple[str, str, str]:
    """ "officines/{finess}/offers/{offer}/claims/{id}" -> (finess, offer id, claim id)."""
    parts = value.split("/")
    expected = "officines/{finess}/offers/{offer}/claims/{id}"
    if len(parts) != 6 or parts[4] != "claims" or not _OBJECT_ID.match(parts[5]):
        raise _bad(field, value, expected)
    finess, offer_id = parse_child("/".join(parts[:4]), field, "offers")
    return finess, offer_id, parts[5]

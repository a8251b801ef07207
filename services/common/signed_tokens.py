"""What every signed token (a PSC token, a service identity token) goes
through before its claims are checked: its size, its header's algorithm, its
signature and a JSON object inside. Each verifier keeps its own refusals: it
passes `refuse`, which turns a reason into the error it raises."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from jose import jws
from jose.exceptions import JOSEError

Refuse = Callable[[str], Exception]


def checked_header(token: str, *, max_bytes: int, algorithm: str, refuse: Refuse) -> Mapping[str, Any]:
    """The unverified header of a token of at most `max_bytes` signed with `algorithm`."""
    if len(token.encode("utf-8", "surrogatepass")) > max_bytes:
        raise refuse("TOKEN_TOO_LARGE")
    try:
        header = jws.get_unverified_header(token)
    except (JOSEError, ValueError, TypeError, UnicodeError):
        raise refuse("MALFORMED_TOKEN") from None
    if not isinstance(header, dict) or header.get("alg") != algorithm:
        raise refuse("UNSUPPORTED_ALGORITHM")
    return header


def verified_payload(token: str, key: Any, *, algorithm: str, refuse: Refuse, not_an_object: str) -> dict[str, Any]:
    """The claims of a token whose signature `key` verifies; `not_an_object` is
    the reason given when the signed payload is not a JSON object."""
    try:
        claims = json.loads(jws.verify(token, key, algorithms=[algorithm]))
    except (JOSEError, ValueError, TypeError, UnicodeError):
        raise refuse("BAD_SIGNATURE") from None
    if not isinstance(claims, dict):
        raise refuse(not_an_object)
    return claims

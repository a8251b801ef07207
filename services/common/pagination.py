"""Opaque page tokens: the position after the last item, signed.

Keyset pagination (by a sort key), so a page never skips or repeats rows when
others are inserted meanwhile. A token is bound to its query's filters: reusing
it with other filters is refused.

A token is `base64url(JSON) "." base64url(HMAC-SHA256)`: tamper-evident. The key is
`VAXORDERS_PAGE_TOKEN_SECRET`, the same for every replica of every service, so a token
survives a restart and works on any replica; without it (dev, tests) a fixed development
key is used. Whatever is not a token we signed, or holds another shape than a position
(a string or integer, or a flat list of them and nulls), is INVALID_ARGUMENT "Jeton de page invalide"
on `page_token`: never INTERNAL.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
from datetime import datetime
from typing import Any

from services.common.errors import InvalidArgument

_BAD_TOKEN = "Jeton de page invalide : recommencez la liste depuis le début."
SECRET_ENV = "VAXORDERS_PAGE_TOKEN_SECRET"
_DEV_SECRET = "vaxorders-dev-page-token-secret"
# Far above any token we mint (a handful of ids); refused before any decoding.
MAX_TOKEN_CHARS = 1024
_MAX_POSITION_PARTS = 8
_MAC_BYTES = 16


def clamp_page_size(requested: int, default: int, maximum: int) -> int:
    if requested < 0:
        raise InvalidArgument.field("page_size", "La taille de page ne peut pas être négative.")
    return default if requested == 0 else min(requested, maximum)


@functools.cache
def _key() -> bytes:
    secret = os.environ.get(SECRET_ENV, "") or _DEV_SECRET
    return hashlib.sha256(b"vaxorders page tokens\0" + secret.encode()).digest()


def _mac(payload: bytes) -> bytes:
    return hmac.new(_key(), payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))


def _fingerprint(filters: dict[str, Any]) -> str:
    raw = json.dumps(filters, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _is_position(value: Any) -> bool:
    if _is_scalar(value):
        return True
    return (
        isinstance(value, list)
        and 0 < len(value) <= _MAX_POSITION_PARTS
        and all(part is None or _is_scalar(part) for part in value)
    )


def bad_token() -> InvalidArgument:
    return InvalidArgument.field("page_token", _BAD_TOKEN)


def encode_token(after: Any, filters: dict[str, Any]) -> str:
    payload = json.dumps({"a": after, "f": _fingerprint(filters)}, default=str, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(payload))}"


def decode_token(token: str, filters: dict[str, Any]) -> Any:
    """The position to continue after, or None for the first page."""
    if not token:
        return None
    if len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise bad_token()
    try:
        body, _, signature = token.partition(".")
        payload = _unb64(body)
        if not hmac.compare_digest(_unb64(signature), _mac(payload)):
            raise ValueError("bad signature")
        data = json.loads(payload)
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise bad_token() from exc
    if (
        not isinstance(data, dict)
        or set(data) != {"a", "f"}
        or data["f"] != _fingerprint(filters)
        or not _is_position(data["a"])
    ):
        raise bad_token()
    return data["a"]


def encode_time_position(create_time: datetime, item_id: str, filters: dict[str, Any]) -> str:
    """The token after an item of a list sorted on (create_time, id)."""
    return encode_token([create_time.isoformat(), item_id], filters)


def decode_time_position(token: str, filters: dict[str, Any]) -> tuple[datetime, str] | None:
    """The (create_time, id) to continue after, or None for the first page."""
    after = decode_token(token, filters)
    if after is None:
        return None
    if not (isinstance(after, list) and len(after) == 2 and all(isinstance(part, str) for part in after)):
        raise bad_token()
    try:
        return (datetime.fromisoformat(after[0]), after[1])
    except ValueError as exc:
        raise bad_token() from exc

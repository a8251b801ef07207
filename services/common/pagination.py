"""Opaque page tokens: the position after the last item, base64 JSON.

Keyset pagination (by a sort key), so a page never skips or repeats rows when
others are inserted meanwhile. A token is bound to its query's filters: reusing
it with other filters is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from services.common.errors import InvalidArgument

_BAD_TOKEN = "Jeton de page invalide : recommencez la liste depuis le début."


def clamp_page_size(requested: int, default: int, maximum: int) -> int:
    if requested < 0:
        raise InvalidArgument.field("page_size", "La taille de page ne peut pas être négative.")
    return default if requested == 0 else min(requested, maximum)


def _fingerprint(filters: dict[str, Any]) -> str:
    raw = json.dumps(filters, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def encode_token(after: Any, filters: dict[str, Any]) -> str:
    raw = json.dumps({"a": after, "f": _fingerprint(filters)}, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, filters: dict[str, Any]) -> Any:
    """The position to continue after, or None for the first page."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["f"] != _fingerprint(filters):
            raise ValueError("filters changed")
        return data["a"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidArgument.field("page_token", _BAD_TOKEN) from exc


def encode_time_position(create_time: datetime, item_id: str, filters: dict[str, Any]) -> str:
    """The token after an item of a list sorted on (create_time, id)."""
    return encode_token([create_time.isoformat(), item_id], filters)


def decode_time_position(token: str, filters: dict[str, Any]) -> tuple[datetime, str] | None:
    """The (create_time, id) to continue after, or None for the first page."""
    after = decode_token(token, filters)
    if after is None:
        return None
    try:
        return (datetime.fromisoformat(after[0]), str(after[1]))
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidArgument.field("page_token", _BAD_TOKEN) from exc

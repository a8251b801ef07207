"""Page tokens an attacker can write: every List must answer INVALID_ARGUMENT on page_token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unsigned(data: object) -> str:
    return _b64(json.dumps(data).encode())


def _forged(data: object) -> str:
    payload = json.dumps(data).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(b'guessed key', payload, hashlib.sha256).digest()[:16])}"


# The old format (unsigned base64 JSON) with a keyset holding an object, deeply nested JSON,
# a forged signature, and plain garbage.
CRAFTED_PAGE_TOKENS = [
    _unsigned({"a": {"x": 1}, "f": "0000000000000000"}),
    _b64(("[" * 50_000 + "]" * 50_000).encode())[:1000],
    _forged({"a": [{"x": 1}], "f": "0000000000000000"}),
    "%%%.%%%",
]

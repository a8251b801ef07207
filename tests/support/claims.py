"""Token claims as a test wants them: some replaced, some left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# An override with this value leaves the claim out of the token.
REMOVE = object()


def overridden(claims: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`claims` with each override set, or dropped where it is REMOVE."""
    for name, value in overrides.items():
        if value is REMOVE:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims

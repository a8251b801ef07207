"""Reasons and messages specific to the mailer."""

from __future__ import annotations

from services.common.errors import NotFound, PermissionDenied


class DuplicateRequest(Exception):
    """Another transaction stored the same request_id first: replay its outcome."""


def message_not_found() -> NotFound:
    return NotFound("Ce message est introuvable.", reason="MESSAGE_NOT_FOUND")


def operators_only() -> PermissionDenied:
    return PermissionDenied(
        "Cette action est réservée aux opérateurs de Santé publique France.", reason="OPERATORS_ONLY"
    )

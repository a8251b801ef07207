"""Reasons and messages specific to the effecteurs service (officines, effecteurs, attachments).

Not yours reads as "not found": the same answer as for what does not exist.
"""

from __future__ import annotations

from services.common.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied

OPERATORS_ONLY = "Réservé aux opérateurs de Santé publique France."


def operators_only() -> PermissionDenied:
    return PermissionDenied(OPERATORS_ONLY, reason="OPERATORS_ONLY")


def officine_not_found(finess: str) -> NotFound:
    return NotFound(f"Officine introuvable (FINESS {finess}).", reason="OFFICINE_NOT_FOUND")


def effecteur_not_found(key: str) -> NotFound:
    kind, _, number = key.partition(":")
    return NotFound(f"Effecteur introuvable ({kind.upper()} {number}).", reason="EFFECTEUR_NOT_FOUND")


def attachment_not_found(name: str) -> NotFound:
    # Users read this message: no resource name in it.
    return NotFound("Rattachement introuvable, ou déjà terminé.", reason="ATTACHMENT_NOT_FOUND")


def attached_elsewhere(identifier_key: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"L'effecteur effecteurs/{identifier_key} est déjà rattaché à une autre officine. "
        "Il doit d'abord en être détaché, par cette officine ou par lui-même, "
        "avant de pouvoir être rattaché à la vôtre.",
        reason="ATTACHED_ELSEWHERE",
    )


def already_attached_here(identifier_key: str) -> AlreadyExists:
    return AlreadyExists(
        f"L'effecteur effecteurs/{identifier_key} est déjà rattaché à votre officine.", reason="ALREADY_ATTACHED"
    )


def officine_itself(identifier_key: str) -> FailedPrecondition:
    return FailedPrecondition(
        f"effecteurs/{identifier_key} est une officine : elle commande pour ses propres besoins "
        "et ne peut être rattachée à aucune autre officine.",
        reason="OFFICINE_CANNOT_BE_ATTACHED",
    )

"""Checks of free-text fields, shared by the RPCs and the import, with French messages."""

from __future__ import annotations

import re

from services.common.errors import Aborted, InvalidArgument
from services.common.text import check_free_text

# Deliberately loose: one "@", a dot in the domain, no spaces; accents allowed
# ("amina.traoré@example.test" is in the reference data).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DEPARTMENT = re.compile(r"0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[4-9]")


def check_email(raw: str, field: str, *, required: bool = False) -> str:
    value = raw.strip()
    if not value:
        if required:
            raise InvalidArgument.field(field, "L'adresse e-mail est obligatoire.")
        return ""
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise InvalidArgument.field(field, f"L'adresse e-mail « {raw} » n'est pas valide.")
    return value


def require_text(raw: str, field: str, label: str, *, max_length: int = 200) -> str:
    # Line breaks and tabs (a spreadsheet cell's Alt+Enter) become spaces; any other control
    # character (NUL, ESC, DEL...) is refused.
    value = check_free_text(" ".join(raw.split()), field)
    if not value:
        raise InvalidArgument.field(field, f"{label} est obligatoire.")
    if len(value) > max_length:
        raise InvalidArgument.field(field, f"{label} ne peut pas dépasser {max_length} caractères.")
    return value


def optional_text(raw: str, field: str, label: str, *, max_length: int = 300) -> str:
    # Line breaks and tabs (a spreadsheet cell's Alt+Enter) become spaces; any other control
    # character (NUL, ESC, DEL...) is refused.
    value = check_free_text(" ".join(raw.split()), field)
    if len(value) > max_length:
        raise InvalidArgument.field(field, f"{label} ne peut pas dépasser {max_length} caractères.")
    return value


def check_department(raw: str, field: str) -> str:
    value = raw.strip().upper()
    if not _DEPARTMENT.fullmatch(value):
        raise InvalidArgument.field(field, f"Département « {raw} » inconnu : attendu un code comme 75, 2A ou 971.")
    return value


def check_etag(sent: str, version: int) -> None:
    """An empty etag skips the check; a stale one is refused (ABORTED)."""
    if sent and sent != etag_of(version):
        raise Aborted(
            "Ces informations ont été modifiées entre-temps : rechargez la page puis recommencez.",
            reason="STALE_ETAG",
        )


def etag_of(version: int) -> str:
    return f'W/"{version}"'

"""Update masks (AIP-134): which fields of a resource an Update changes."""

from __future__ import annotations

from collections.abc import Iterable

from services.common.errors import InvalidArgument


def check_mask(
    paths: Iterable[str], writable: frozenset[str], field_name: str = "update_mask", *, empty_refused: bool = False
) -> set[str]:
    """The fields to change: every writable field when the mask is empty (or,
    with `empty_refused`, an INVALID_ARGUMENT asking for them); a path naming
    anything else is an INVALID_ARGUMENT on `field_name`."""
    paths = set(paths)
    if not paths and empty_refused:
        raise InvalidArgument.field(
            field_name, f"Indiquez les champs à modifier dans {field_name} ({', '.join(sorted(writable))})."
        )
    unknown = sorted(paths - writable)
    if unknown:
        raise InvalidArgument.field(
            field_name,
            f"Champ(s) non modifiable(s) : {', '.join(unknown)}. Modifiables : {', '.join(sorted(writable))}.",
        )
    return paths or set(writable)

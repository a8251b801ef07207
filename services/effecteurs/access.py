"""Who may see or change what. Not yours means "not found": never reveal that it exists.

- an officine's principal (acts_for "officines/X") reads and changes X's
  attachments, and reads the effecteurs attached to X;
- an effecteur's principal (acts_for "effecteurs/rpps:...") reads itself, its
  current attachment and its history, the officines it is or was attached to
  (their name in its history), and may detach itself;
- operators read everything, create officines and import attachments;
- support agents (allow-listed, DESIGN.md §3) read any officine, its attachments and
  their history, to answer its questions; they change nothing (PERMISSION_DENIED);
- a service identity (a job, role SERVICE) reads officines and effecteurs in
  batches (BatchGetOfficines, BatchGetEffecteurs) when its grants let it call them.
"""

from __future__ import annotations

from services.common.context import Principal
from services.common.errors import PermissionDenied
from services.effecteurs.errors import operators_only


def is_operator(principal: Principal | None) -> bool:
    return principal is not None and principal.is_operator


def is_support_agent(principal: Principal | None) -> bool:
    return principal is not None and principal.is_support_agent


def reads_officine(principal: Principal | None, finess: str) -> bool:
    """The officine's pharmacists, operators and support agents read an officine and its attachments."""
    return is_operator(principal) or is_support_agent(principal) or acts_for_officine(principal, finess)


def support_read_only() -> PermissionDenied:
    return PermissionDenied(
        "Les agents du support consultent les rattachements mais ne peuvent pas les modifier.",
        reason="SUPPORT_READ_ONLY",
    )


def acts_for_officine(principal: Principal | None, finess: str) -> bool:
    return principal is not None and principal.may_act_for(f"officines/{finess}")


def acts_for_effecteur(principal: Principal | None, key: str) -> bool:
    return principal is not None and principal.may_act_for(f"effecteurs/{key}")


def own_effecteur_keys(principal: Principal | None) -> list[str]:
    if principal is None:
        return []
    return [name.removeprefix("effecteurs/") for name in principal.effecteurs]


def require_operator(principal: Principal | None) -> None:
    if not is_operator(principal):
        raise operators_only()


def require_reads_everything(principal: Principal | None) -> None:
    """Operators and granted jobs (services.common.grants decided which RPC the job may call)."""
    if principal is None or not principal.reads_everything:
        raise operators_only()


def actor_of(principal: Principal | None) -> str:
    return principal.national_id if principal is not None else "system"

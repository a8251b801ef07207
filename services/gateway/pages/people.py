"""Who did something, as a name, never a national id: the caller is "vous
(Prénom Nom)", a scheduled job is named by what it does, anyone else by the
name the gateway remembers from their last login here (web/ `people`)."""

from __future__ import annotations

from starlette.requests import Request

from services.gateway.access import Caller, gateway_of

# Service identities (national_id "service:{name}") as users read them.
SERVICES = {
    "friday-confirmations": "tâche planifiée du vendredi",
    "mailer": "service d'envoi des e-mails",
}


def person(caller: Caller, national_id: str, known: dict[str, str] | None = None) -> str:
    """Who did something, as a name: never a national id."""
    if not national_id:
        return ""
    if national_id.startswith("service:"):
        return SERVICES.get(national_id.removeprefix("service:"), "une tâche automatique")
    principal = caller.principal
    if principal is not None and principal.national_id == national_id:
        name = f"{principal.given_name} {principal.family_name}".strip()
        return f"vous ({name})" if name else "vous"
    if known and known.get(national_id):
        return known[national_id]
    return "un autre opérateur de Santé publique France"


# Traces no person left: the dataset's initial load, the import of the previous portal's data.
SYSTEM_ACTORS = {
    "migration": "migration de l'ancien portail",
    "seed": "inscription initiale de l'officine",
    "system": "le service lui-même",
}


def actor(caller: Caller, national_id: str, known: dict[str, str] | None = None) -> str:
    """Like person, for traces anyone may have left (a pharmacist of the officine, an
    operator, a job, an import): never a national id, never "un autre opérateur" for a
    pharmacist."""
    if national_id in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[national_id]
    principal = caller.principal
    if national_id.startswith("service:") or (known and known.get(national_id)):
        return person(caller, national_id, known)
    if principal is not None and principal.national_id == national_id:
        return person(caller, national_id, known)
    return "un autre utilisateur du service" if national_id else ""


async def names(request: Request, national_ids: list[str]) -> dict[str, str]:
    """Names of the people who logged in here (the gateway remembers them)."""
    wanted = sorted({n for n in national_ids if n and not n.startswith("service:")})
    if not wanted:
        return {}
    return await gateway_of(request).sessions.names(wanted)


async def who(request: Request, caller: Caller, national_ids: list[str]) -> dict[str, str]:
    """National id -> how pages name them (see person)."""
    known = await names(request, national_ids)
    return {n: person(caller, n, known) for n in national_ids if n}

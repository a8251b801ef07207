"""The banner every page shows while ProSantéConnect is unreachable, and the
page a new login gets then (docs/psc-outage.md).

What a logged-in user may still do is decided by the backends (the grace and
read-only rules of services.common.psc_outage); the banner says it in French,
from the mode the web session is in, or from the gateway's own watch of PSC
for anonymous visitors and sessions whose token has not expired yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.psc_outage import PscMode
from services.common.timefmt import paris_long
from services.gateway.access import Caller
from services.gateway.state import Gateway


@dataclass(frozen=True)
class OutageNotice:
    level: str  # DSFR notice type: "warning" (writes still possible) or "alert" (read-only)
    title: str
    text: str


def outage_notice(gw: Gateway, caller: Caller | None) -> OutageNotice | None:
    login = caller.login if caller else None
    mode = login.psc_mode if login else PscMode.VERIFIED
    if mode == PscMode.READ_ONLY:
        return OutageNotice(
            "alert",
            "Pro Santé Connect ne répond pas : consultation seule",
            "Votre identité n'a pas pu être vérifiée à nouveau. Vous pouvez consulter vos commandes et vos "
            "données, mais les modifications sont suspendues. Elles seront de nouveau possibles dès le retour "
            "de Pro Santé Connect, sans vous reconnecter.",
        )
    if mode == PscMode.GRACE:
        until = f" jusqu'au {paris_long(login.psc_grace_until)}" if login and login.psc_grace_until else ""
        return OutageNotice(
            "warning",
            "Pro Santé Connect ne répond pas",
            f"Vous pouvez continuer à travailler{until} : ce que vous modifiez d'ici là est enregistré et "
            "signalé comme fait pendant l'indisponibilité de Pro Santé Connect. Ensuite, et jusqu'à son "
            "retour, la consultation restera possible mais plus les modifications.",
        )
    if gw.psc.known_reachable:
        return None
    if login is not None:
        return OutageNotice(
            "warning",
            "Pro Santé Connect ne répond pas",
            "Vous restez connecté et pouvez continuer à travailler pour le moment. Si l'indisponibilité dure, "
            "vos modifications seront suspendues ; la consultation restera possible.",
        )
    return OutageNotice(
        "warning",
        "Pro Santé Connect ne répond pas",
        "La connexion au service est momentanément impossible. Les utilisateurs déjà connectés peuvent "
        "continuer à travailler.",
    )

"""Vial-request e-mails, composed from orders' request feed (pure: no I/O).

- A request arrives (CREATED): one `vial-request-received` e-mail to the
  officine's address (its pharmaciens read it), saying who asks for what, with
  the link to the page where they decide.
- It is decided (CONFIRMED, as asked or adjusted, or DECLINED): one
  `vial-request-decided` e-mail to the effecteur who asked, with the decision
  and the officine's reason, when they are a person who gets e-mails.

Who gets a personal e-mail is the Friday confirmations' rule (DESIGN.md §1b,
deliveries.PERSONAL_TYPES): médecins, chirurgiens-dentistes and sages-femmes.
Decision: infirmiers and establishments are not e-mailed either. The
directory's address for them is the structure's or the professional's contact
kept for the officine, not an address they gave to be notified at, and the
service tells them nothing else by e-mail; one rule for all mail keeps a
person either e-mailed about their vials or not. They see the decision in
their web space (/effecteur), as they see their confirmed volumes.

CANCELLED (the requester withdrew it) sends nothing: the requester did it, and
the officine's counter of requests to decide drops by itself. An officine
cannot cancel a request (it declines, with a reason), so there is no other
cancellation to announce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.mailer.deliveries import (
    EFFECTEUR,
    OFFICINE,
    PERSONAL_TYPES,
    Mail,
    Party,
    Product,
    Recipient,
    type_label,
    usable_address,
)

CREATED, CONFIRMED, DECLINED, CANCELLED = "CREATED", "CONFIRMED", "DECLINED", "CANCELLED"
RECEIVED_TEMPLATE = "vial-request-received"
DECIDED_TEMPLATE = "vial-request-decided"


@dataclass(frozen=True)
class RequestEvent:
    """One entry of orders' ListVialRequestEvents."""

    id: int
    kind: str  # CREATED, CONFIRMED, DECLINED, CANCELLED
    request: str  # "sessions/{s}/officines/{finess}/requests/{id}"
    finess: str
    effecteur: str  # "effecteurs/..."
    product: str  # "products/..."
    vials: int
    confirmed_vials: int
    text: str  # the requester's comment (CREATED) or the officine's reason


def parties_to_look_up(event: RequestEvent) -> tuple[list[str], list[str]]:
    """The officine and the effecteur whose names (and addresses) the event's mail needs."""
    if event.kind == CANCELLED:
        return [], []
    return [f"officines/{event.finess}"], [event.effecteur]


def _vials(count: int) -> str:
    return f"{count} flacon" if count in (0, 1) else f"{count} flacons"


def request_mail(
    event: RequestEvent,
    officines: Mapping[str, Party],
    effecteurs: Mapping[str, Party],
    products: Mapping[str, Product],
    public_base_url: str,
) -> Mail | None:
    """The e-mail an event causes, or None when it causes none (see the module)."""
    officine = officines.get(f"officines/{event.finess}") or Party(f"officines/{event.finess}", "Votre officine", "")
    effecteur = effecteurs.get(event.effecteur)
    kind = effecteur.effecteur_type if effecteur else ""
    label = type_label(kind)
    who = effecteur.display_name if effecteur and effecteur.display_name else f"Un(e) {label} (nom non renseigné)"
    product = products.get(event.product)
    common = {
        "officine": officine.display_name,
        "effecteur": who,
        "effecteur_type": label,
        "product": product.display_name if product else "Produit (nom non renseigné)",
        "vials": _vials(event.vials),
        "confirmed": _vials(event.confirmed_vials),
        "text": event.text,
    }
    base = public_base_url.rstrip("/")
    if event.kind == CREATED:
        recipient = Recipient(officine.name, OFFICINE, officine.display_name, usable_address(officine.email), "", 0)
        return Mail(recipient, RECEIVED_TEMPLATE, {**common, "link": f"{base}/officines/{event.finess}/demandes"})
    if event.kind in (CONFIRMED, DECLINED):
        if effecteur is None or kind not in PERSONAL_TYPES:
            return None
        recipient = Recipient(
            effecteur.name, EFFECTEUR, who, usable_address(effecteur.email), "", event.confirmed_vials
        )
        decision = "refusée" if event.kind == DECLINED else "confirmée"
        adjusted = event.kind == CONFIRMED and event.confirmed_vials != event.vials
        return Mail(
            recipient,
            DECIDED_TEMPLATE,
            {
                **common,
                "declined": event.kind == DECLINED,
                "adjusted": adjusted,
                "decision": decision,
                "link": f"{base}/effecteur",
            },
        )
    return None

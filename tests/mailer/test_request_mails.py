"""Who a vial-request event e-mails, and with what (request_mails.py, pure)."""

from __future__ import annotations

import pytest

from services.mailer.deliveries import Party, Product
from services.mailer.request_mails import RequestEvent, request_mail
from services.mailer.templates import Templates

LILAS = "759900111"
OFFICINES = {f"officines/{LILAS}": Party(f"officines/{LILAS}", "Pharmacie des Lilas", "pharmacie.lilas@example.test")}
PRODUCTS = {"products/moderna": Product("products/moderna", "Spikevax (Moderna)", 10)}
PEOPLE = {
    "effecteurs/rpps:1": Party("effecteurs/rpps:1", "Paul Roux", "paul.roux@example.test", "CHIRURGIEN_DENTISTE"),
    "effecteurs/rpps:2": Party("effecteurs/rpps:2", "Nadia Fontaine", "nadia@example.test", "INFIRMIER"),
    "effecteurs/finess:3": Party("effecteurs/finess:3", "EHPAD Les Tilleuls", "ehpad@example.test", "EHPAD"),
    "effecteurs/rpps:4": Party("effecteurs/rpps:4", "Jeanne Dubois", "", "MEDECIN"),
    "effecteurs/rpps:5": Party("effecteurs/rpps:5", "", "sf@example.test", "SAGE_FEMME"),
}


def event(kind: str, effecteur: str, confirmed: int = 0, text: str = "") -> RequestEvent:
    return RequestEvent(
        7, kind, f"sessions/s/officines/{LILAS}/requests/r", LILAS, effecteur, "products/moderna", 5, confirmed, text
    )


def mail_for(e: RequestEvent):  # type: ignore[no-untyped-def]
    return request_mail(e, OFFICINES, PEOPLE, PRODUCTS, "https://vaccins.example.test/")


@pytest.mark.parametrize("who", ["effecteurs/rpps:2", "effecteurs/finess:3"])
def test_infirmiers_and_establishments_get_no_decision_mail_but_their_officine_hears_of_their_request(
    who: str,
) -> None:
    assert mail_for(event("CONFIRMED", who, 5)) is None
    assert mail_for(event("DECLINED", who, text="Non")) is None
    arrival = mail_for(event("CREATED", who))
    assert arrival is not None and arrival.recipient.email == "pharmacie.lilas@example.test"


def test_a_dentist_hears_of_the_decision_and_a_cancellation_mails_nobody() -> None:
    decided = mail_for(event("DECLINED", "effecteurs/rpps:1", text="Rupture"))
    assert decided is not None and decided.recipient.email == "paul.roux@example.test"
    rendered = Templates().render(decided.template, decided.context)
    assert rendered.subject == "Votre demande de 5 flacons de Spikevax (Moderna) a été refusée par Pharmacie des Lilas"
    assert "Motif : « Rupture »" in rendered.text
    assert mail_for(event("CANCELLED", "effecteurs/rpps:1")) is None


def test_a_professional_without_an_address_is_not_sendable_and_a_missing_name_is_never_an_id() -> None:
    no_address = mail_for(event("CONFIRMED", "effecteurs/rpps:4", 5))
    assert no_address is not None and not no_address.sendable
    arrival = mail_for(event("CREATED", "effecteurs/rpps:5"))
    assert arrival is not None
    rendered = Templates().render(arrival.template, arrival.context)
    assert "rpps" not in rendered.text and "sage-femme (nom non renseigné)" in rendered.text
    assert "https://vaccins.example.test/officines/759900111/demandes" in rendered.text

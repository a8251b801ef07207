"""Who gets a delivery e-mail and what it says, from given deliveries (no servers)."""

from __future__ import annotations

from services.mailer.addresses import is_valid_address
from services.mailer.deliveries import (
    DateChange,
    Delivery,
    DeliveryLine,
    Names,
    Party,
    Product,
    confirmation_mails,
    date_change_mails,
)
from services.mailer.templates import TEMPLATES, Templates

SESSION = "sessions/2022-03-07"
LABEL = "Session du 7 mars 2022"
LILAS = "759900111"
JEANNE = "effecteurs/rpps:99700000104"
AMINA = "effecteurs/rpps:99700000120"
NADIA = "effecteurs/rpps:99700000146"
EHPAD = "effecteurs/finess:759901010"
PAUL = "effecteurs/rpps:99700000138"


def _line(effecteur: str, kind: str, product: str, ordered: int, confirmed: int) -> DeliveryLine:
    doses = {"products/moderna": 10, "products/pfizer-adult": 6}[product]
    return DeliveryLine(effecteur, kind, product, ordered, confirmed, doses)


LILAS_DELIVERY = Delivery(
    SESSION,
    LILAS,
    "75",
    "2022-03-18",
    (
        _line(f"effecteurs/finess:{LILAS}", "PHARMACIEN", "products/moderna", 10, 8),
        _line(JEANNE, "MEDECIN", "products/moderna", 5, 4),
        _line(JEANNE, "MEDECIN", "products/pfizer-adult", 3, 3),
        _line(AMINA, "SAGE_FEMME", "products/pfizer-adult", 2, 0),
        _line(NADIA, "INFIRMIER", "products/moderna", 2, 1),
        _line(EHPAD, "EHPAD", "products/moderna", 20, 16),
    ),
)
CONFLUENT_DELIVERY = Delivery(
    SESSION, "699900122", "69", "2022-03-21", (_line(PAUL, "CHIRURGIEN_DENTISTE", "products/moderna", 1, 1),)
)
NAMES = Names(
    {
        f"officines/{LILAS}": Party(f"officines/{LILAS}", "Pharmacie des Lilas", "pharmacie.lilas@example.test"),
        "officines/699900122": Party("officines/699900122", "Pharmacie du Confluent", ""),
    },
    {
        JEANNE: Party(JEANNE, "Jeanne Dubois", "jeanne.dubois@example.test"),
        AMINA: Party(AMINA, "Amina Traoré", "amina.traoré@example.test"),
        NADIA: Party(NADIA, "Nadia Fontaine", "nadia.fontaine@example.test"),
        EHPAD: Party(EHPAD, "EHPAD Les Tilleuls", "contact.ehpad@example.test"),
        PAUL: Party(PAUL, "Paul Roux", "paul roux@example.test"),
    },
    {
        "products/moderna": Product("products/moderna", "Spikevax (Moderna)", 10, 1),
        "products/pfizer-adult": Product("products/pfizer-adult", "Comirnaty 12 ans et plus (Pfizer-BioNTech)", 6, 2),
    },
)


def _mails() -> dict[str, object]:
    return {m.recipient.recipient: m for m in confirmation_mails([LILAS_DELIVERY, CONFLUENT_DELIVERY], NAMES, LABEL)}


def test_officines_and_only_medecins_dentistes_and_sages_femmes_are_recipients() -> None:
    assert sorted(_mails()) == sorted(["officines/759900111", "officines/699900122", JEANNE, AMINA, PAUL])


def test_a_professional_whose_lines_were_all_reduced_to_zero_still_hears_about_it() -> None:
    amina = _mails()[AMINA]
    assert amina.recipient.confirmed_vials == 0  # type: ignore[attr-defined]
    text = Templates().render(amina.template, amina.context).text  # type: ignore[attr-defined]
    assert "0 flacon confirmé (0 doses), pour 2 commandés (12 doses)" in text


def test_a_recipient_without_a_usable_address_is_kept_with_an_empty_address() -> None:
    mails = _mails()
    assert mails["officines/699900122"].recipient.email == ""  # type: ignore[attr-defined]
    assert mails[PAUL].recipient.email == ""  # type: ignore[attr-defined]  # a space is not an address
    assert mails[AMINA].recipient.email == "amina.traoré@example.test"  # type: ignore[attr-defined]


def test_the_officine_mail_gives_date_appointments_and_per_effecteur_volumes_by_name() -> None:
    mail = _mails()["officines/759900111"]
    rendered = Templates().render(mail.template, mail.context)  # type: ignore[attr-defined]
    assert rendered.subject == "Livraison le vendredi 18 mars 2022 : vos volumes confirmés (Session du 7 mars 2022)"
    text = rendered.text
    assert "Date de livraison prévue : vendredi 18 mars 2022." in text
    assert "à partir du lendemain, samedi 19 mars 2022" in text
    assert "Pour les besoins propres de l'officine" in text
    assert "Pour Jeanne Dubois (médecin)" in text
    assert "Pour Nadia Fontaine (infirmier)" in text
    assert "Pour EHPAD Les Tilleuls (EHPAD)" in text
    assert (
        "- Spikevax (Moderna) : 4 flacons confirmés (40 doses), pour 5 commandés (50 doses) : "
        "réduit en raison du volume disponible au niveau national" in text
    )
    assert "- Comirnaty 12 ans et plus (Pfizer-BioNTech) : 3 flacons confirmés (18 doses), comme commandé" in text
    # Totals per product: 8 + 4 + 1 + 16 Moderna.
    assert "- Spikevax (Moderna) : 29 flacons confirmés (290 doses), pour 37 commandés (370 doses)" in text
    for raw in ("rpps:", "effecteurs/", "finess:", "products/"):
        assert raw not in text and raw not in (rendered.html or "")
    assert "<table" in (rendered.html or "")


def test_the_professional_mail_names_the_officine_and_its_date() -> None:
    mail = _mails()[JEANNE]
    rendered = Templates().render(mail.template, mail.context)  # type: ignore[attr-defined]
    assert rendered.subject == (
        "Vos vaccins : livraison à Pharmacie des Lilas le vendredi 18 mars 2022 (Session du 7 mars 2022)"
    )
    assert "Bonjour Jeanne Dubois," in rendered.text
    assert "à partir du samedi 19 mars 2022" in rendered.text
    assert "EHPAD" not in rendered.text and "Nadia" not in rendered.text  # only her own volumes
    assert mail.announced == {LILAS: "2022-03-18"}  # type: ignore[attr-defined]


def test_a_date_change_goes_to_the_officine_and_its_professionals_only() -> None:
    change = DateChange(7, SESSION, LILAS, "2022-03-18", "2022-03-21")
    mails = date_change_mails(change, LILAS_DELIVERY, NAMES, LABEL)
    assert [m.recipient.recipient for m in mails] == ["officines/759900111", JEANNE, AMINA]
    text = Templates().render(mails[1].template, mails[1].context).text
    assert "Ancienne date : vendredi 18 mars 2022." in text
    assert "Nouvelle date : lundi 21 mars 2022." in text
    assert "à partir du mardi 22 mars 2022" in text


def test_delivery_templates_are_not_sendable_with_send_message() -> None:
    for template in ("delivery-confirmation-officine", "delivery-confirmation-effecteur", "delivery-date-change"):
        assert not TEMPLATES[template].sendable


def test_internationalised_local_parts_of_letters_are_accepted_and_the_rest_stays_strict() -> None:
    assert is_valid_address("amina.traoré@example.test")
    assert is_valid_address("jeanne.dubois@example.test")
    for bad in (
        "paul roux@example.test",
        "a\u200bb@example.test",
        "a@exémple.test",
        "a\r\n@example.test",
        "a@b",
        "١٢@example.test",
    ):
        assert not is_valid_address(bad), bad

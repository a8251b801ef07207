"""The Friday in Debian's Chromium: the operator records the supply (a wrong
number refused in place), previews and publishes the allocation after a
confirmation step, moves a département's delivery date (a date outside the
window refused in place), checks then applies the logistics partner's CSV,
makes a dry run of the confirmation e-mails and sends them; the pharmacist
then sees the confirmed volumes (reduced lines marked), the delivery date and
when the confirmation went out; the médecin sees hers. Every page is checked
with axe-core and photographed under test-artifacts/screenshots/vendredi/.
The operator's steps also work with JavaScript off."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.gateway.browser import Pages, chromium
from tests.gateway.friday import ROUX, SESSION, operator
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, OPERATOR
from tests.gateway.stack import Stack
from tests.gateway.test_browser import new_page, psc_login

pytestmark = pytest.mark.browser

MODERNA = "Spikevax (Moderna)"
PFIZER = "Comirnaty 12 ans et plus (Pfizer-BioNTech), capuchon violet"
RAW = re.compile(r"(products|effecteurs|officines|sessions)/|rpps:|finess:|service:|8997\d{8}|[A-Z]{3,}_[A-Z_]+")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def _no_raw_ids(page: Page) -> None:
    text = await page.locator("main").inner_text()
    found = RAW.findall(text)
    assert not found, f"{page.url} shows raw identifiers: {found}"


async def _remove_email(stack: Stack, effecteur: str) -> None:
    async with stack.client(headers=operator(stack)) as client:
        path = "/api/v1/" + effecteur
        current = (await client.get(path)).json()["effecteur"]
        changed = await client.patch(
            path, json={"effecteur": {"etag": current["etag"], "email": ""}, "updateMask": "email"}
        )
        assert changed.status_code == 200, changed.text


async def _check(pages: Pages, page: Page, label: str) -> None:
    await _no_raw_ids(page)
    await pages.check(page, label)


async def test_the_operator_walks_the_friday_and_pharmacist_and_doctor_see_it(
    friday: Stack, browser: Browser, tmp_path: Path
) -> None:
    pages = Pages("vendredi")
    context, page = await new_page(browser, pages)
    await psc_login(page, friday, OPERATOR)
    await page.get_by_role("link", name="Allocation et livraisons").first.click()
    await expect(page.get_by_role("heading", name="Allocation et livraisons", level=1)).to_be_visible()
    await _check(pages, page, "sessions apres cloture")

    # 1. Supply: a negative number is refused in place, then 45 Moderna (short) and 20 Pfizer.
    await page.get_by_role("link", name="Approvisionnement — Session du 7 mars 2022").click()
    await expect(page.get_by_role("heading", name=re.compile("Approvisionnement"))).to_be_visible()
    moderna = page.get_by_label(f"Flacons disponibles : {MODERNA}")
    await _check(pages, page, "approvisionnement vide")
    await moderna.fill("-3")
    await page.get_by_label(f"Flacons disponibles : {PFIZER}").fill("20")
    await page.get_by_role("button", name="Enregistrer l'approvisionnement").click()
    await expect(page.locator(".fr-alert--error")).to_be_visible()
    await expect(moderna).to_have_attribute("aria-invalid", "true")
    await expect(moderna).to_have_value("-3")
    await _check(pages, page, "approvisionnement refuse")
    await moderna.fill("45")
    await page.get_by_role("button", name="Enregistrer l'approvisionnement").click()
    await expect(page.get_by_text("Approvisionnement enregistré.")).to_be_visible()
    await expect(page.get_by_text("Manque 15 flacons")).to_be_visible()
    await expect(page.get_by_text("par vous (Élise Marchand)")).to_be_visible()
    await _check(pages, page, "approvisionnement enregistre")

    # 2. Allocation: preview, confirmation step, published by whom and when.
    await page.get_by_role("link", name="Étape suivante : Allocation nationale").click()
    await expect(page.get_by_text("Aperçu : rien n'est encore publié")).to_be_visible()
    national = page.locator("#allocation-nationale tr", has=page.get_by_role("rowheader", name=MODERNA))
    await expect(national.locator("td").nth(2)).to_have_text("45")
    await expect(page.locator("#allocation-departements")).to_contain_text("75 — Paris")
    await _check(pages, page, "apercu de l'allocation")
    await page.get_by_role("link", name="Publier l'allocation…").click()
    await expect(page.get_by_role("heading", name=re.compile("Publier l'allocation de la session"))).to_be_visible()
    await _check(pages, page, "confirmer la publication")
    await page.get_by_role("button", name="Confirmer la publication").click()
    await expect(page.get_by_text("Allocation publiée : chaque ligne")).to_be_visible()
    await expect(
        page.get_by_text(re.compile(r"Publiée le mercredi 9 mars 2022 à 9\sh\s00, par vous \(Élise Marchand\)"))
    ).to_be_visible()
    await _check(pages, page, "allocation publiee")

    # 3. Delivery plan: a date outside the window is refused in place; Rhône on Saturday.
    await page.get_by_role("link", name="Étape suivante : Plan de livraison").click()
    await expect(page.get_by_text("2 officines ont des flacons confirmés")).to_be_visible()
    await page.get_by_label(re.compile("^Département")).fill("69")
    date = page.get_by_label(re.compile("^Date de livraison"))
    await expect(date).to_have_attribute("min", "2022-03-18")
    await expect(date).to_have_attribute("max", "2022-03-22")
    await date.fill("2022-03-25")
    await page.get_by_role("button", name="Enregistrer la date").click()
    await expect(page.locator(".fr-alert--error")).to_be_visible()
    await expect(date).to_have_attribute("aria-invalid", "true")
    await _check(pages, page, "date hors fenetre refusee")
    await date.fill("2022-03-19")
    await page.get_by_role("button", name="Enregistrer la date").click()
    await expect(page.get_by_text("Date de livraison enregistrée.")).to_be_visible()
    await expect(page.get_by_role("rowheader", name="Département 69 — Rhône")).to_be_visible()
    await _check(pages, page, "plan de livraison")

    bad = tmp_path / "plan-faux.csv"
    bad.write_text("finess,departement,date\n123456789,,2022-03-19\n,75,2022-04-01\n", encoding="utf-8")
    await page.get_by_label(re.compile("Fichier CSV du plan de livraison")).set_input_files(str(bad))
    await page.get_by_role("button", name="Vérifier le fichier").click()
    await expect(page.get_by_text("Le fichier n'est pas valide : rien n'a été changé")).to_be_visible()
    await _check(pages, page, "import du plan refuse")
    good = tmp_path / "plan.csv"
    good.write_text(f"finess;departement;date\n{LILAS};;21/03/2022\n;69;2022-03-19\n", encoding="utf-8")
    await page.get_by_label(re.compile("Fichier CSV du plan de livraison")).set_input_files(str(good))
    await page.get_by_role("button", name="Vérifier le fichier").click()
    await expect(page.get_by_text("Le fichier est valide")).to_be_visible()
    await expect(page.locator("#plan-verifie")).to_contain_text("Pharmacie des Lilas")
    await _check(pages, page, "import du plan verifie")
    await page.get_by_role("button", name="Appliquer ce plan").click()
    await expect(page.get_by_text("Plan de livraison importé.")).to_be_visible()
    row = page.locator("#dates-livraison tr", has=page.get_by_role("rowheader", name=re.compile("Pharmacie des Lilas")))
    await expect(row).to_contain_text("lundi 21 mars 2022")

    # 4. Confirmations: the dry run lists recipients by name, the one without an address
    # highlighted (the dentist's address was just removed); then send.
    await _remove_email(friday, ROUX)
    await page.get_by_role("link", name="Étape suivante : E-mails de confirmation").click()
    await _check(pages, page, "confirmations avant essai")
    await page.get_by_role("button", name="Faire un essai à blanc").click()
    recipients = page.locator("#destinataires")
    for name in ("Pharmacie des Lilas", "Pharmacie du Confluent", "Jeanne Dubois", "Amina Traoré", "Paul Roux"):
        await expect(recipients.get_by_role("rowheader", name=name)).to_be_visible()
    await expect(recipients).not_to_contain_text("Nadia Fontaine")  # infirmiers learn it from their officine
    roux = recipients.locator("tr", has=page.get_by_role("rowheader", name="Paul Roux"))
    await expect(roux).to_contain_text("Aucune adresse")
    await expect(page.get_by_role("heading", name="1 destinataire sans adresse e-mail")).to_be_visible()
    await _check(pages, page, "essai a blanc")
    await page.get_by_role("button", name=re.compile(r"Envoyer 4 e-mails de confirmation")).click()
    await expect(
        page.get_by_text("4 e-mails de confirmation mis en file d'envoi ; 1 sans adresse e-mail (voir le rapport).")
    ).to_be_visible()
    runs = page.locator("#envois")
    await expect(runs.get_by_role("cell", name="Envoi", exact=True)).to_be_visible()
    await expect(runs.get_by_role("cell", name="vous (Élise Marchand)").first).to_be_visible()
    await expect(runs.get_by_role("cell", name=re.compile("Paul Roux")).first).to_be_visible()
    await _check(pages, page, "confirmations envoyees")
    await context.close()

    # The pharmacist: confirmed volumes per effecteur, reduced lines marked, date, confirmation sent.
    context, page = await new_page(browser, pages)
    await psc_login(page, friday, CLAIRE)
    await expect(page).to_have_url(f"{friday.base_url}/officines/{LILAS}")
    await expect(
        page.get_by_text(
            "Livraison prévue le lundi 21 mars 2022 ; rendez-vous possibles à partir du mardi 22 mars."
        ).first
    ).to_be_visible()
    await expect(page.get_by_text(re.compile(r"Confirmation envoyée le mercredi 9 mars 2022")).first).to_be_visible()
    volumes = page.locator(".app-volumes-effecteur").first
    dubois_moderna = volumes.locator("tr", has=page.get_by_role("rowheader", name=re.compile("Jeanne Dubois"))).filter(
        has_text=MODERNA
    )
    await expect(dubois_moderna).to_contain_text("réduit")
    await expect(volumes.get_by_role("rowheader", name=re.compile("EHPAD Les Tilleuls"))).to_be_visible()
    await _check(pages, page, "officine volumes confirmes")
    await context.close()

    # The médecin: her own vials, her officine and its date.
    context, page = await new_page(browser, pages)
    await psc_login(page, friday, DR_DUBOIS)
    await expect(page.get_by_role("heading", name="Mes flacons confirmés")).to_be_visible()
    await expect(page.get_by_text("Vos flacons sont livrés à Pharmacie des Lilas.")).to_be_visible()
    mine = page.locator(".app-volumes-effecteur").first
    await expect(mine.get_by_role("rowheader", name=MODERNA)).to_be_visible()
    await expect(mine.get_by_role("rowheader", name=PFIZER)).to_be_visible()
    await _check(pages, page, "medecin volumes confirmes")
    await context.close()
    assert SESSION == "2022-03-07"
    pages.assert_accessible()


async def test_without_javascript_the_operator_publishes_and_sends(friday: Stack, browser: Browser) -> None:
    context, page = await new_page(browser, java_script_enabled=False)
    await page.goto(friday.base_url + "/")
    await page.get_by_role("link", name="S'identifier avec Pro Santé Connect").click()
    await page.get_by_role("button", name=re.compile(f"Identifiant national : {OPERATOR}")).click()
    await page.goto(f"{friday.base_url}/operateur/sessions/{SESSION}/approvisionnement")
    await page.get_by_label(f"Flacons disponibles : {MODERNA}").fill("45")
    await page.get_by_label(f"Flacons disponibles : {PFIZER}").fill("20")
    await page.get_by_label(f"Flacons disponibles : {PFIZER}").press("Enter")  # submits the form
    await expect(page.get_by_text("Approvisionnement enregistré.")).to_be_visible()
    await page.get_by_role("link", name="Étape suivante : Allocation nationale").click()
    await page.get_by_role("link", name="Publier l'allocation…").click()
    await page.get_by_role("button", name="Confirmer la publication").click()
    await expect(page.get_by_text("Allocation publiée : chaque ligne")).to_be_visible()
    await page.get_by_role("link", name="E-mails de confirmation").first.click()
    await page.get_by_role("button", name="Faire un essai à blanc").click()
    await page.get_by_role("button", name=re.compile("Envoyer 5 e-mails de confirmation")).click()
    await expect(page.get_by_text("5 e-mails de confirmation mis en file d'envoi.")).to_be_visible()
    await context.close()

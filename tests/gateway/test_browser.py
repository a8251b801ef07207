"""The pages as people use them, in Debian's Chromium: a pharmacist attaches
an effecteur, enters orders (refusals shown in place), confirms a doctor's
request made from the doctor's own login and sees the totals change; an
operator publishes a quota table edit; keyboard only and without JavaScript.
Every page is checked with axe-core (no serious or critical violation) and
photographed under test-artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.gateway.browser import Pages, chromium, prepare
from tests.gateway.helpers import ADJOINT, CLAIRE, DR_DUBOIS, LILAS, OPERATOR, bearer
from tests.gateway.stack import Stack

pytestmark = pytest.mark.browser

MODERNA = "Spikevax (Moderna)"
PFIZER = "Comirnaty 12 ans et plus (Pfizer-BioNTech), capuchon violet"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def new_page(browser: Browser, pages: Pages | None = None, **options: Any) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    await prepare(context)
    page = await context.new_page()
    if pages is not None:
        pages.watch(page)
    return context, page


async def psc_login(page: Page, stack: Stack, national_id: str) -> None:
    """From our home page, through the local PSC issuer's identity page, and back."""
    await page.goto(stack.base_url + "/")
    await page.get_by_role("link", name="S'identifier avec Pro Santé Connect").click()
    await page.get_by_role("button", name=re.compile(f"Identifiant national : {national_id}")).click()
    await page.wait_for_url(re.compile(re.escape(stack.base_url) + r"/(?!auth/)"))


def cell(page: Page, product: str, effecteur: str) -> Locator:
    return page.get_by_label(f"{product} pour {effecteur}", exact=True)


async def row_total(page: Page, effecteur: str) -> str:
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(re.escape(effecteur))))
    return (await row.locator("[data-row-total]").inner_text()).strip()


async def cell_message(page: Page, product: str, effecteur: str) -> str:
    described = await cell(page, product, effecteur).get_attribute("aria-describedby") or ""
    texts = [await page.locator(f"#{i}").inner_text() for i in described.split() if not i.endswith("-regle")]
    return " ".join(texts)


async def officine_total(page: Page, product: str) -> str:
    row = page.locator("#totaux-officine tr", has=page.get_by_role("rowheader", name=product))
    return await row.locator("td").first.inner_text()


async def test_pharmacist_and_doctor_go_through_the_week(stack: Stack, browser: Browser) -> None:
    pages = Pages("officine-et-medecin")
    context, page = await new_page(browser, pages)
    await page.goto(stack.base_url + "/")
    await expect(page.get_by_text("République").first).to_be_visible()
    await expect(page.get_by_text("Commande de vaccins — officines").first).to_be_visible()
    await expect(page.get_by_role("link", name="Accessibilité : partiellement conforme")).to_be_visible()
    await pages.check(page, "accueil")

    await psc_login(page, stack, CLAIRE)
    await expect(page).to_have_url(f"{stack.base_url}/officines/{LILAS}")
    await expect(page.get_by_role("heading", name="Pharmacie des Lilas", level=1)).to_be_visible()
    await pages.check(page, "tableau de bord")

    # Attach Marc Girard by RPPS, see him listed, see the history, detach someone with a confirmation step.
    await page.get_by_role("link", name="Effecteurs rattachés").first.click()
    await page.get_by_label("Type d'identifiant").select_option(label="RPPS")
    await page.get_by_label("Identifiant (RPPS, ADELI, FINESS ou SIRET)").fill("99700000154")
    await page.get_by_role("button", name="Rattacher").click()
    await expect(page.locator(".fr-alert--error")).to_be_visible()  # a wrong key digit, refused in place
    await expect(page.get_by_label("Identifiant (RPPS, ADELI, FINESS ou SIRET)")).to_have_value("99700000154")
    await pages.check(page, "rattachement refusé")
    await page.get_by_label("Identifiant (RPPS, ADELI, FINESS ou SIRET)").fill("99700000153")
    await page.get_by_role("button", name="Rattacher").click()
    await expect(page.get_by_text("L'effecteur est rattaché à votre officine.")).to_be_visible()
    await expect(page.get_by_role("cell", name="Marc Girard", exact=True)).to_be_visible()
    await pages.check(page, "effecteurs rattachés")
    await page.get_by_role("link", name="Détacher Nadia Fontaine").click()
    await expect(page.get_by_role("heading", name="Détacher Nadia Fontaine ?")).to_be_visible()
    await pages.check(page, "confirmation du détachement")
    await page.get_by_role("button", name="Confirmer le détachement").click()
    await expect(page.get_by_text("L'effecteur est détaché de votre officine")).to_be_visible()
    await expect(page.get_by_role("cell", name="Nadia Fontaine", exact=True)).to_have_count(0)
    await page.get_by_role("link", name="Voir l'historique des rattachements").click()
    await expect(page.get_by_role("cell", name="Marc Girard", exact=True)).to_be_visible()
    await pages.check(page, "historique des rattachements")

    # Orders: a capped cell over its cap and a "non ouvert" cell are refused in place, the rest is saved.
    await page.get_by_role("link", name="Saisir les commandes").first.click()
    await expect(cell(page, MODERNA, "EHPAD Les Tilleuls")).to_be_enabled()
    await expect(page.get_by_text("max 10")).to_be_visible()
    closed = cell(page, MODERNA, "Centre de PMI Belleville")
    await expect(closed).to_be_disabled()
    await pages.check(page, "grille de commande")
    await cell(page, MODERNA, "Pharmacie des Lilas").fill("20")
    await cell(page, PFIZER, "Marc Girard").fill("6")
    await cell(page, MODERNA, "EHPAD Les Tilleuls").fill("11")
    # The page's script keeps each row's total (and the table's) as the pharmacist types.
    assert [await row_total(page, who) for who in ("Pharmacie des Lilas", "Marc Girard", "EHPAD Les Tilleuls")] == [
        "20",
        "6",
        "11",
    ]
    assert (await page.locator("[data-grand-total]").inner_text()).strip() == "37"
    # A page left open while the table changed would still send it: the server is the judge.
    await closed.evaluate("input => input.removeAttribute('disabled')")
    await closed.fill("5")
    await page.get_by_role("button", name="Enregistrer les commandes").click()
    # The page's script checks each capped cell before sending: nothing is sent, the cell says why.
    ehpad = cell(page, MODERNA, "EHPAD Les Tilleuls")
    await expect(ehpad).to_have_attribute("aria-invalid", "true")
    await expect(ehpad).to_be_focused()
    assert "11 dépasse le maximum de 10 flacons" in await cell_message(page, MODERNA, "EHPAD Les Tilleuls")
    await expect(page.get_by_text("Enregistré", exact=True)).to_have_count(0)
    # The server stays the judge: the same cell sent anyway (the check taken away) is refused in place.
    await ehpad.evaluate("input => input.removeAttribute('data-max')")
    await page.get_by_role("button", name="Enregistrer les commandes").click()
    await expect(page.get_by_role("heading", name="2 cases n'ont pas été enregistrées")).to_be_visible()
    await expect(page.locator("#erreurs")).to_be_focused()  # focus on the error summary
    await expect(cell(page, MODERNA, "EHPAD Les Tilleuls")).to_have_value("11")
    await expect(cell(page, MODERNA, "EHPAD Les Tilleuls")).to_have_attribute("aria-invalid", "true")
    assert "au plus 10 flacons" in await cell_message(page, MODERNA, "EHPAD Les Tilleuls")
    assert "n'est pas ouvert" in await cell_message(page, MODERNA, "Centre de PMI Belleville")
    await expect(cell(page, MODERNA, "Centre de PMI Belleville")).to_be_disabled()  # nothing stored there
    await expect(cell(page, MODERNA, "Pharmacie des Lilas")).to_have_value("20")
    await expect(cell(page, PFIZER, "Marc Girard")).to_have_value("6")
    await pages.check(page, "grille avec refus")
    await cell(page, MODERNA, "EHPAD Les Tilleuls").fill("10")
    await page.get_by_role("button", name="Enregistrer les commandes").click()
    await expect(page.get_by_text("Commandes enregistrées (1 case modifiée).")).to_be_visible()
    await expect(cell(page, MODERNA, "EHPAD Les Tilleuls")).to_have_value("10")

    await page.get_by_role("link", name="Tableau de bord").first.click()
    assert await officine_total(page, MODERNA) == "30"
    await page.get_by_role("button", name="Se déconnecter").click()
    await context.close()

    # The doctor asks her officine for vials, from her own login.
    doctor, doctor_page = await new_page(browser, pages)
    await psc_login(doctor_page, stack, DR_DUBOIS)
    await expect(doctor_page.get_by_text("Pharmacie des Lilas").first).to_be_visible()
    await pages.check(doctor_page, "espace effecteur")
    await doctor_page.get_by_label("Produit").select_option(label=f"{MODERNA} — sans plafond")  # offered with its rule
    await doctor_page.get_by_label("Nombre de flacons").fill("4")
    await doctor_page.get_by_label("Commentaire pour l'officine (facultatif)").fill("Campagne de rappel au cabinet")
    await doctor_page.get_by_role("button", name="Envoyer la demande à mon officine").click()
    await expect(doctor_page.get_by_text("Votre demande est envoyée à votre officine")).to_be_visible()
    await expect(doctor_page.get_by_role("cell", name="En attente de l'officine", exact=True)).to_be_visible()
    await pages.check(doctor_page, "demande envoyée")

    # The pharmacist confirms it, and the totals move.
    context, page = await new_page(browser, pages)
    await psc_login(page, stack, CLAIRE)
    await page.get_by_role("link", name="Demandes à confirmer").first.click()
    await expect(page.get_by_role("heading", name=f"Jeanne Dubois demande 4 flacons de {MODERNA}")).to_be_visible()
    await pages.check(page, "demandes à confirmer")
    await page.get_by_role("button", name="Confirmer 4 flacons").click()
    await expect(page.get_by_text("Demande confirmée : les flacons sont ajoutés")).to_be_visible()
    await page.get_by_role("link", name="Tableau de bord").first.click()
    assert await officine_total(page, MODERNA) == "34"
    await pages.check(page, "tableau de bord après confirmation")

    await doctor_page.reload()
    await expect(doctor_page.get_by_role("cell", name="Confirmée", exact=True)).to_be_visible()
    await pages.check(doctor_page, "demande confirmée")

    # Orders of the session, and their CSV.
    await page.get_by_role("link", name="Commandes et historique").first.click()
    await expect(page.get_by_role("rowheader", name="Jeanne Dubois")).to_be_visible()
    await pages.check(page, "commandes et historique")
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Télécharger les commandes (CSV)").click()
    download = await downloading.value
    rows = list(csv.reader(io.StringIO((await download.path()).read_text(encoding="utf-8-sig")), delimiter=";"))
    assert ["demo", "rpps:99700000104", "Jeanne Dubois", "Médecin", MODERNA, "4", "4"] == rows[-1][:7] or any(
        r[:7] == ["demo", "rpps:99700000104", "Jeanne Dubois", "Médecin", MODERNA, "4", "4"] for r in rows
    )
    await page.goto(f"{stack.base_url}/officines/699900122")
    await expect(page.get_by_role("heading", name="Introuvable")).to_be_visible()
    await pages.check(page, "autre officine introuvable")
    await context.close()
    await doctor.close()
    pages.assert_accessible()


async def test_operator_publishes_a_quota_edit_that_pharmacists_see(stack: Stack, browser: Browser) -> None:
    pages = Pages("operateur")
    async with stack.client(headers=bearer(stack.psc.token_for(CLAIRE))) as api:
        ordered = await api.post(
            f"/api/v1/sessions/demo/officines/{LILAS}/lines",
            json={"line": {"effecteur": f"effecteurs/finess:{LILAS}", "product": "products/moderna", "vials": 12}},
        )
        assert ordered.status_code == 200, ordered.text

    context, page = await new_page(browser, pages)
    await psc_login(page, stack, OPERATOR)
    await expect(page.get_by_role("heading", name="Sessions et calendrier")).to_be_visible()
    await expect(page.get_by_role("rowheader", name=re.compile("Session du 7 mars 2022"))).to_be_visible()
    await pages.check(page, "sessions et calendrier")
    await page.get_by_role("link", name="Produits").first.click()
    await pages.check(page, "produits")

    await page.get_by_role("link", name="Tableau des quotas").first.click()
    medecin_moderna = page.get_by_label(f"Médecin × {MODERNA}", exact=True)
    await expect(medecin_moderna).to_have_value("illimité")
    await expect(page.get_by_label(f"EHPAD × {MODERNA}", exact=True)).to_have_value("10")
    await pages.check(page, "tableau des quotas")
    await medecin_moderna.fill("beaucoup")
    await page.get_by_role("button", name="Publier une nouvelle version").click()
    await expect(page.get_by_text("rien n'a été publié")).to_be_visible()
    await expect(medecin_moderna).to_have_value("beaucoup")
    await pages.check(page, "tableau des quotas refusé")
    await medecin_moderna.fill("max 5")  # as pharmacists write it
    await page.get_by_role("button", name="Publier une nouvelle version").click()
    # What changes, then a confirmation, before the version goes live.
    await expect(page.locator("#changements-quotas")).to_contain_text("Médecin")
    await expect(page.locator("#changements-quotas tbody tr")).to_have_count(1)
    await pages.check(page, "tableau des quotas à confirmer")
    await page.get_by_role("button", name="Confirmer la publication").click()
    await expect(page.get_by_text("Tableau des quotas publié : version 2")).to_be_visible()
    await expect(medecin_moderna).to_have_value("5")

    await page.get_by_role("link", name="Totaux nationaux").first.click()
    row = page.locator("#totaux-nationaux tr", has=page.get_by_role("rowheader", name=MODERNA))
    await expect(row.locator("td").first).to_have_text("12")
    await expect(page.get_by_role("img", name=re.compile("Flacons commandés par produit"))).to_be_visible()
    await pages.check(page, "totaux nationaux")
    await context.close()

    pharmacist, pharmacy_page = await new_page(browser, pages)
    await psc_login(pharmacy_page, stack, CLAIRE)
    await pharmacy_page.goto(f"{stack.base_url}/officines/{LILAS}/commande")
    described = await cell(pharmacy_page, MODERNA, "Jeanne Dubois").get_attribute("aria-describedby")
    await expect(pharmacy_page.locator(f"#{described.split()[0]}")).to_have_text("max 5")
    await pharmacist.close()
    pages.assert_accessible()


# Does the focused element (a locator on ':focus') match what Tab should reach?
Matcher = Callable[[Locator], Awaitable[bool]]


async def _tab_to(page: Page, matches: Matcher, limit: int = 120) -> None:
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if await focused.count() and await matches(focused):
            return
    raise AssertionError("never reached by Tab")


def _text(wanted: str) -> Matcher:
    async def matches(locator: Locator) -> bool:
        return wanted in (await locator.inner_text())

    return matches


def _label(wanted: str) -> Matcher:
    async def matches(locator: Locator) -> bool:
        element_id = await locator.get_attribute("id")
        if not element_id:
            return False
        label = locator.page.locator(f"label[for='{element_id}']")
        return await label.count() > 0 and (await label.inner_text()).strip() == wanted

    return matches


async def test_keyboard_only_and_without_javascript_a_pharmacist_logs_in_and_orders(
    stack: Stack, browser: Browser
) -> None:
    context, page = await new_page(browser, java_script_enabled=False)
    await page.goto(stack.base_url + "/")
    await _tab_to(page, _text("S'identifier avec Pro Santé Connect"))
    await page.keyboard.press("Enter")
    await _tab_to(page, _text(f"Identifiant national : {CLAIRE}"))
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{stack.base_url}/officines/{LILAS}")
    await _tab_to(page, _text("Saisir les commandes"))
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r".*/commande$"))
    await _tab_to(page, _label(f"{MODERNA} pour Pharmacie des Lilas"))
    await page.keyboard.type("8")
    await page.keyboard.press("Enter")  # submits the grid's form
    await expect(page.get_by_text("Commandes enregistrées (1 case modifiée).")).to_be_visible()
    await expect(cell(page, MODERNA, "Pharmacie des Lilas")).to_have_value("8")
    await context.close()


async def test_public_pages_contact_form_and_refusal_page_are_accessible(stack: Stack, browser: Browser) -> None:
    pages = Pages("pages-publiques")
    context, page = await new_page(browser, pages)
    for path, label in (
        ("/aide", "aide"),
        ("/accessibilite", "déclaration d'accessibilité"),
        ("/mentions-legales", "mentions légales"),
        ("/donnees-personnelles", "données personnelles"),
        ("/api/v1/docs", "documentation de l'API"),
        ("/page-inconnue", "page introuvable"),
    ):
        await page.goto(stack.base_url + path)
        await pages.check(page, label)
    await page.goto(stack.base_url + "/contact")
    await page.get_by_role("button", name="Envoyer au support").click()
    await expect(page.locator(".fr-alert--error")).to_be_visible()
    await pages.check(page, "contact refusé")
    await page.locator("label[for=categorie-delivery]").click()
    await page.get_by_label("Adresse e-mail de réponse").fill("claire.moreau@example.test")
    await page.get_by_label("Objet").fill("Livraison de la semaine")
    await page.get_by_label("Votre question").fill("Bonjour, à quelle date arrivent les flacons commandés lundi ?")
    await page.get_by_role("button", name="Envoyer au support").click()
    await expect(page.get_by_text("Votre demande a bien été envoyée au support")).to_be_visible()
    await pages.check(page, "contact envoyé")
    await context.close()

    context, page = await new_page(browser, pages)
    await psc_login(page, stack, ADJOINT)
    await expect(
        page.get_by_role("heading", name="Vous ne pouvez pas utiliser ce service avec ce compte")
    ).to_be_visible()
    await expect(page.get_by_text("section D").first).to_be_visible()
    await pages.check(page, "accès refusé adjoint")
    await context.close()
    pages.assert_accessible()

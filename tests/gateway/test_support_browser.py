"""The support desk in Chromium: a titulaire files a request asking to be called
back; the agent (Élise Marchand) finds it in the queue once it is at risk, opens
it, looks up the officine, answers, notes the call and closes it; the titulaire
sees it closed. axe on every page; screenshots under test-artifacts/screenshots/support/."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from services.common.clock import ManualClock
from services.common.timefmt import PARIS
from tests.gateway.browser import Pages, chromium
from tests.gateway.helpers import CLAIRE, OPERATOR
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack
from tests.gateway.test_browser import new_page, psc_login

pytestmark = pytest.mark.browser

RAW_IDS = re.compile(r"\b8997\d{8}\b|supportRequests/|CATEGORY_|STATE_")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


@pytest.fixture
async def desk(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[tuple[Stack, ManualClock]]:
    clock = ManualClock(datetime(2022, 3, 7, 9, 30, tzinfo=PARIS))  # Monday: due 11:30
    running = await start_stack(database_url_for, tmp_path, clock=clock)
    try:
        yield running, clock
    finally:
        await running.close()


async def no_raw_ids(page: Page) -> None:
    shown = await page.locator("main").inner_text()
    assert not RAW_IDS.search(shown), RAW_IDS.search(shown)


async def test_a_request_goes_from_the_form_through_the_queue_to_closed(
    desk: tuple[Stack, ManualClock], browser: Browser
) -> None:
    stack, clock = desk
    pages = Pages("support")
    context, page = await new_page(browser, pages)
    await psc_login(page, stack, CLAIRE)
    await page.goto(stack.base_url + "/contact")
    await expect(page.get_by_text("Vous écrivez en tant que")).to_be_visible()
    await page.locator("label[for=categorie-delivery]").click()
    await page.get_by_label("Objet").fill("Quand arrivent nos flacons ?")
    await page.get_by_label("Votre question").fill("Bonjour, quand et combien allons-nous recevoir ?")
    await page.locator("label[for=champ-callback]").click()
    await page.get_by_label("Numéro de téléphone pour le rappel").fill("06 12 34 56")
    await page.get_by_role("button", name="Envoyer au support").click()
    await expect(page.get_by_text("Numéro de téléphone invalide").first).to_be_visible()
    await pages.check(page, "formulaire prérempli, numéro refusé")
    await page.get_by_label("Numéro de téléphone pour le rappel").fill("06 12 34 56 78")
    await page.get_by_role("button", name="Envoyer au support").click()
    await expect(page.get_by_role("status").get_by_text("au plus tard le lundi 7 mars 2022 à 11 h 30")).to_be_visible()
    await expect(page.get_by_role("cell", name="Reçue, en attente de réponse")).to_be_visible()
    await pages.check(page, "demande envoyée")
    await no_raw_ids(page)
    await context.close()

    clock.set(datetime(2022, 3, 7, 11, 10, tzinfo=PARIS))  # 20 minutes left
    context, page = await new_page(browser, pages)
    await psc_login(page, stack, OPERATOR)
    await page.get_by_role("link", name="File du support").first.click()
    await expect(page.get_by_role("heading", name="File du support")).to_be_visible()
    row = page.locator("tr", has_text="Quand arrivent nos flacons ?")
    await expect(row.get_by_text("Échéance proche")).to_be_visible()
    await expect(row.get_by_text("06 12 34 56 78")).to_be_visible()
    await pages.check(page, "file du support")
    await no_raw_ids(page)
    await row.get_by_role("link", name="Quand arrivent nos flacons ?").click()
    await expect(page.get_by_text("Demande reçue, accusé de réception envoyé")).to_be_visible()
    await pages.check(page, "demande ouverte")
    await no_raw_ids(page)

    await page.get_by_role("link", name=re.compile("Consulter les commandes et livraisons")).click()
    await expect(page.get_by_role("heading", name="Pharmacie des Lilas", level=1)).to_be_visible()
    await expect(page.get_by_text("Consultation en lecture seule")).to_be_visible()
    await pages.check(page, "consultation officine")
    await page.go_back()

    await page.get_by_label("Répondre par e-mail").fill("Bonjour, la livraison est prévue le vendredi 18 mars.")
    await page.get_by_role("button", name="Envoyer la réponse").click()
    await expect(page.get_by_text("Votre réponse est partie par e-mail")).to_be_visible()
    await expect(page.get_by_text("Répondue dans les délais")).to_be_visible()
    await page.get_by_label("Noter un appel téléphonique").fill("Rappelée : date et volumes confirmés.")
    await page.get_by_role("button", name="Enregistrer l'appel").click()
    await expect(page.get_by_text("L'appel est noté")).to_be_visible()
    await page.get_by_role("button", name="Clore la demande").click()
    await expect(page.get_by_text("Cette demande est close")).to_be_visible()
    await pages.check(page, "demande close")
    await no_raw_ids(page)
    await context.close()

    context, page = await new_page(browser, pages)
    await psc_login(page, stack, CLAIRE)
    await page.goto(stack.base_url + "/contact")
    await expect(page.get_by_role("cell", name="Close", exact=True)).to_be_visible()
    await context.close()
    pages.assert_accessible()

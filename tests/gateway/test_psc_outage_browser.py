"""A PSC outage in Debian's Chromium (docs/psc-outage.md): the local issuer
really stopped while a pharmacist is logged in. The banner on every page under
grace (an order still saved), then read-only (the grid's save refused in
French, the pages still readable); a newcomer's login gets the French page;
when PSC is back, a new login clears it all. axe-core on every page,
screenshots under test-artifacts/screenshots/panne-psc/."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from services.common.clock import ManualClock
from tests.gateway.browser import Pages, chromium
from tests.gateway.helpers import CLAIRE, LILAS
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack
from tests.gateway.test_browser import MODERNA, cell, new_page, psc_login
from tests.gateway.test_psc_outage import DURING, OUTAGE_SETTINGS, every_process_sees_psc
from tests.support.polling import eventually

pytestmark = pytest.mark.browser

BANNER = "#indisponibilite-psc"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DURING)


@pytest.fixture
async def suite(database_url_for: DatabaseUrlFor, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Stack]:
    running = await start_stack(database_url_for, tmp_path, clock=clock, common_settings=OUTAGE_SETTINGS)
    try:
        yield running
    finally:
        running.psc.running.restart()
        await running.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def reload_until_banner(page: Page, text: str) -> None:
    """Each process notices the outage at its next probe (every second here): reload until then."""
    for _ in range(50):
        await page.reload()
        banner = page.locator(BANNER)
        # Hours are written with no-break spaces ("10\u00a0h\u00a032"): compare as a reader sees them.
        if await banner.count() and text in " ".join((await banner.inner_text()).split()):
            return
    raise AssertionError(f"no banner saying {text!r}")


async def test_the_banner_follows_the_outage_and_writes_stop_after_the_grace(
    suite: Stack, clock: ManualClock, browser: Browser
) -> None:
    pages = Pages("panne-psc")
    context, page = await new_page(browser, pages)
    await psc_login(page, suite, CLAIRE)
    await expect(page.locator(BANNER)).to_have_count(0)

    suite.psc.running.stop()
    await every_process_sees_psc(suite, reachable=False)
    clock.advance(timedelta(minutes=4))  # the access token has expired, PSC cannot renew it
    await page.goto(f"{suite.base_url}/officines/{LILAS}")
    await reload_until_banner(page, "Vous pouvez continuer à travailler jusqu'au lundi 7 mars 2022 à 10 h 32")
    await expect(page.locator(BANNER)).to_contain_text("Pro Santé Connect ne répond pas")
    await pages.check(page, "tableau de bord sous délai de grâce")

    await page.get_by_role("link", name="Saisir les commandes").first.click()
    await expect(page.locator(BANNER)).to_be_visible()
    await cell(page, MODERNA, "Pharmacie des Lilas").fill("12")
    await page.get_by_role("button", name="Enregistrer les commandes").click()
    await expect(page.get_by_text("Commandes enregistrées (1 case modifiée).")).to_be_visible()
    await pages.check(page, "commande enregistrée sous délai de grâce")

    clock.advance(timedelta(minutes=16))
    await page.reload()  # a request: the session is not idle
    clock.advance(timedelta(minutes=15))  # 33 minutes after the token's expiry: read-only
    await page.reload()
    await expect(page.locator(BANNER)).to_contain_text("consultation seule")
    await cell(page, MODERNA, "Pharmacie des Lilas").fill("15")
    await page.get_by_role("button", name="Enregistrer les commandes").click()
    await expect(page.get_by_text(re.compile("les modifications sont suspendues")).first).to_be_visible()
    await pages.check(page, "commande refusée en consultation seule")
    await page.get_by_role("link", name="Tableau de bord").first.click()
    await expect(page.get_by_role("heading", name="Pharmacie des Lilas", level=1)).to_be_visible()
    await expect(page.locator(BANNER)).to_contain_text("consultation seule")
    await pages.check(page, "tableau de bord en consultation seule")

    newcomer_context, newcomer = await new_page(browser, pages)
    await newcomer.goto(suite.base_url + "/")
    await expect(newcomer.locator(BANNER)).to_contain_text("La connexion au service est momentanément impossible")
    await pages.check(newcomer, "accueil pendant la panne")
    await newcomer.get_by_role("link", name="S'identifier avec Pro Santé Connect").click()
    await expect(newcomer.get_by_role("heading", name="Connexion momentanément impossible", level=1)).to_be_visible()
    await pages.check(newcomer, "connexion impossible")

    suite.psc.running.restart()
    # "Réessayer" until the services' next probe finds PSC back (a second here), as a user would;
    # the refresh token (30 minutes) ran out during the outage: back through PSC, then no banner.
    retry = newcomer.get_by_role("link", name="Réessayer de se connecter")

    async def at_psc() -> bool:
        if await retry.count():
            await retry.click()
        return newcomer.url.startswith(suite.psc.origin)

    await eventually(at_psc, timeout=30, interval=0.2)
    await newcomer.get_by_role("button", name=re.compile(f"Identifiant national : {CLAIRE}")).click()
    await newcomer.wait_for_url(re.compile(re.escape(suite.base_url) + r"/(?!auth/)"))
    await expect(newcomer.get_by_role("heading", name="Pharmacie des Lilas", level=1)).to_be_visible()
    await expect(newcomer.locator(BANNER)).to_have_count(0)
    await pages.check(newcomer, "retour de Pro Santé Connect")
    await newcomer_context.close()
    await context.close()
    pages.assert_accessible()

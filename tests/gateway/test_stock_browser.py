"""The stock page in Debian's Chromium: the pharmacist records the delivery
(a lot already expired refused in place), sees the stock per product and lot,
is refused a pickup above what is reserved on the form itself, declares a broken
vial destroyed and gets the certificate link; a week later the médecin sees the
offer of her département and claims it. Every page is checked with axe-core
and photographed under test-artifacts/screenshots/stock/."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from tests.gateway.browser import Pages, chromium
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, bearer
from tests.gateway.test_after_close_browser import _check
from tests.gateway.test_browser import new_page, psc_login
from tests.gateway.test_stock_pages import WEEK_LATER, Delivered, delivered  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PFIZER = "Comirnaty 12 ans et plus (Pfizer-BioNTech), capuchon violet"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def test_the_pharmacist_receives_destroys_and_a_medecin_claims_in_the_browser(
    delivered: Delivered,  # noqa: F811 (the fixture imported above)
    browser: Browser,
) -> None:
    d = delivered
    pages = Pages("stock")
    context, page = await new_page(browser, pages)
    await psc_login(page, d.stack, CLAIRE)
    await page.get_by_role("link", name="Stock et réceptions").first.click()
    await expect(page.get_by_role("heading", name="Stock de vaccins", level=1)).to_be_visible()
    await _check(pages, page, "stock avant reception")

    await page.get_by_role("link", name=re.compile("enregistrer la réception")).click()
    await expect(page.get_by_role("heading", name="Enregistrer une réception", level=1)).to_be_visible()
    first_lot = page.get_by_label("Numéro de lot").first
    await first_lot.fill("FK0001")
    await page.get_by_label("Date de péremption").first.fill("2022-03-01")
    await page.get_by_role("button", name="Enregistrer la réception").click()
    await expect(page.get_by_text("déjà périmé à la réception").first).to_be_visible()
    await _check(pages, page, "reception refusee")
    await page.get_by_label("Date de péremption").first.fill("2022-06-30")
    await page.get_by_label("Numéro de lot").nth(2).fill("3004217")  # the Moderna row, prefilled with its vials
    await page.get_by_label("Date de péremption").nth(2).fill("2022-03-31")
    await page.get_by_role("button", name="Enregistrer la réception").click()
    await expect(page.get_by_text("La réception est enregistrée")).to_be_visible()
    await expect(page.get_by_role("table", name=re.compile(re.escape(PFIZER)))).to_be_visible()
    await _check(pages, page, "stock apres reception")

    retrait = page.locator("form[action$='/stock/retraits']")
    await retrait.get_by_label("Flacons retirés").fill("99")
    await retrait.get_by_role("button", name="Enregistrer le retrait").click()
    await expect(
        page.get_by_text(re.compile("restent réservés pour cet effecteur|n'est réservé")).first
    ).to_be_visible()
    await _check(pages, page, "retrait refuse")

    destruction = page.locator("form[action$='/stock/destructions']")
    await destruction.get_by_label("Flacons détruits").fill("1")
    await destruction.get_by_label("Motif").select_option("BROKEN")
    await destruction.get_by_role("button", name=re.compile("Déclarer la destruction")).click()
    await expect(
        page.get_by_role("link", name=re.compile("certificat de destruction n° DES-2022-000001"))
    ).to_be_visible()
    await _check(pages, page, "destruction declaree")
    await context.close()

    # A week later the officine offers its uncollected Moderna vials (API), the médecin claims them.
    d.clock.set(WEEK_LATER)
    async with d.stack.client(headers=bearer(d.stack.psc.token_for(CLAIRE))) as api:
        stock = (await api.get(f"/api/v1/officines/{LILAS}/stock")).json()["stock"]
        moderna = next(p for p in stock["products"] if p["product"] == "products/moderna")
        lot = moderna["lots"][0]["name"]
        offered = await api.post(f"/api/v1/{lot}:offer", json={"vials": 2, "requestId": str(uuid.uuid4())})
        assert offered.status_code == 200, offered.text
    context, page = await new_page(browser, pages)
    await psc_login(page, d.stack, DR_DUBOIS)
    await page.goto(d.stack.base_url + "/effecteurs/rpps:99700000104#offres")
    await expect(page.get_by_role("heading", name="Flacons proposés dans mon département")).to_be_visible()
    await _check(pages, page, "espace medecin offres")
    await page.get_by_role("button", name="Réserver ces flacons").first.click()
    await expect(page.get_by_text("Les flacons sont réservés pour vous")).to_be_visible()
    await expect(page.get_by_text(re.compile("Vous en avez réservé 2 le"))).to_be_visible()
    await _check(pages, page, "espace medecin reservation faite")
    await context.close()
    pages.assert_accessible()

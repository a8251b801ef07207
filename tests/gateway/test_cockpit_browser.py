"""The operators' cockpit in Debian's Chromium: it refreshes by itself (a new
order shows up without reloading the page, and the pause button stops it),
and without JavaScript it is a plain page with an "Actualiser" link. Checked
with axe-core, photographed under test-artifacts/screenshots/pilotage/."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from services.common.clock import ManualClock
from tests.gateway.browser import Pages, chromium
from tests.gateway.cockpit_stack import live_session
from tests.gateway.friday import SESSION
from tests.gateway.helpers import CONFLUENT, KARIM, OPERATOR, bearer
from tests.gateway.stack import DatabaseUrlFor, Stack
from tests.gateway.test_browser import new_page, psc_login

pytestmark = pytest.mark.browser
RAW = re.compile(r"(products|effecteurs|officines|sessions)/|rpps:|finess:|8997\d{8}|[A-Z]{3,}_[A-Z_]+")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


@pytest.fixture
async def live(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[tuple[Stack, ManualClock]]:
    async with live_session(database_url_for, tmp_path, refresh_seconds=5) as running:
        yield running


async def one_more_order(stack: Stack, product: str) -> None:
    async with stack.client() as client:
        answer = await client.post(
            f"/api/v1/sessions/{SESSION}/officines/{CONFLUENT}/lines",
            json={
                "line": {
                    "effecteur": "effecteurs/rpps:99700000112",
                    "product": f"products/{product}",
                    "vials": 2,
                },
                "requestId": str(uuid.uuid4()),
            },
            headers=bearer(stack.psc.token_for(KARIM)),
        )
        assert answer.status_code == 200, answer.text


async def test_the_cockpit_refreshes_by_itself_and_can_be_paused(
    live: tuple[Stack, ManualClock], browser: Browser
) -> None:
    stack, clock = live
    pages = Pages("pilotage")
    context, page = await new_page(browser, pages)
    try:
        await psc_login(page, stack, OPERATOR)
        await page.goto(f"{stack.base_url}/operateur/pilotage")
        tiles = page.locator("#chiffres-cles")
        await expect(tiles).to_contain_text(re.compile(r"8\s+lignes saisies la minute de 10\sh\s00"))
        await expect(page.get_by_role("button", name="Mettre en pause l'actualisation")).to_be_visible()
        assert not RAW.findall(await page.locator("main").inner_text())
        await pages.check(page, "Pilotage en direct")
        loads: list[str] = []
        page.on("load", lambda _: loads.append(page.url))

        # An officine orders at 10:01: the figures change on the page the operator is looking at.
        clock.advance(timedelta(minutes=1))
        await one_more_order(stack, "moderna")
        await expect(tiles).to_contain_text(re.compile(r"1\s+ligne saisie la minute de 10\sh\s01"), timeout=20_000)
        await expect(page.locator("#pilotage-etat")).to_contain_text("Chiffres mis à jour à 10 h 01")
        assert loads == []  # swapped in place, never reloaded
        await pages.check(page, "Pilotage en direct, actualisé")

        # Paused: a later order does not show until the operator resumes.
        await page.get_by_role("button", name="Mettre en pause l'actualisation").click()
        await expect(page.locator("#pilotage-etat")).to_have_text("Actualisation en pause.")
        clock.advance(timedelta(minutes=1))
        await one_more_order(stack, "pfizer-adult")
        await page.get_by_role("button", name="Reprendre l'actualisation").click()
        await expect(tiles).to_contain_text("la minute de 10 h 02", timeout=20_000)
    finally:
        await context.close()
    pages.assert_accessible()


async def test_without_javascript_the_cockpit_is_a_plain_page(
    live: tuple[Stack, ManualClock], browser: Browser
) -> None:
    stack, _ = live
    # No axe here: axe is a script, and scripts are off (the page is checked with them above).
    context, page = await new_page(browser, java_script_enabled=False)
    try:
        await psc_login(page, stack, OPERATOR)
        await page.goto(f"{stack.base_url}/operateur/pilotage")
        await expect(page.locator("#chiffres-cles")).to_contain_text(
            re.compile(r"2\s+officines ont commandé, sur 3 inscrites")
        )
        await page.get_by_role("link", name="Actualiser").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage en direct")
        assert await page.locator("#pilotage-pause").count() == 0  # the script's button is not there
    finally:
        await context.close()

"""The counter in a pharmacien's menu: the requests awaiting the officine's
decision, read from orders (GetOfficineSummary), on every page, with an
accessible name saying what the number is."""

from __future__ import annotations

import re

import httpx

from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, bearer, csrf_token, login
from tests.gateway.stack import Stack

DOCTOR = "effecteurs/rpps:99700000104"
LINK = re.compile(rf'<a class="fr-nav__link" href="/officines/{LILAS}/demandes"[^>]*>(.*?)</a>', re.S)


async def ask(stack: Stack, vials: int) -> str:
    async with stack.client(headers=bearer(stack.psc.token_for(DR_DUBOIS))) as api:
        created = await api.post(
            f"/api/v1/sessions/demo/officines/{LILAS}/requests",
            json={"vialRequest": {"effecteur": DOCTOR, "product": "products/moderna", "vials": vials}},
        )
        assert created.status_code == 200, created.text
        return str(created.json()["vialRequest"]["name"])


async def menu_entry(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    found = LINK.search(page.text)
    assert found is not None, "no requests entry in the menu"
    return " ".join(found.group(1).split())


async def test_the_menu_counts_the_requests_awaiting_the_officine_and_says_what_the_number_is(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        assert await menu_entry(client, f"/officines/{LILAS}") == "Demandes à confirmer"

        first = await ask(stack, 2)
        await ask(stack, 3)
        for path in (f"/officines/{LILAS}", f"/officines/{LILAS}/effecteurs", "/aide"):
            assert await menu_entry(client, path) == (
                'Demandes à confirmer <span aria-hidden="true">(2)</span>'
                '<span class="fr-sr-only">, 2 demandes en attente de votre décision</span>'
            )

        declined = await client.post(
            f"/officines/{LILAS}/demandes/demo/{first.rsplit('/', 1)[1]}/refuser",
            data={"csrf_token": await csrf_token(client), "reason": "Stock épuisé"},
            headers={"origin": stack.base_url},
        )
        assert declined.status_code == 303
        assert await menu_entry(client, f"/officines/{LILAS}/demandes") == (
            'Demandes à confirmer <span aria-hidden="true">(1)</span>'
            '<span class="fr-sr-only">, 1 demande en attente de votre décision</span>'
        )

    # The médecin who asked has no officine menu, hence no counter.
    async with stack.client() as doctor:
        await login(doctor, DR_DUBOIS)
        page = await doctor.get("/effecteur", follow_redirects=True)
        assert page.status_code == 200 and LINK.search(page.text) is None

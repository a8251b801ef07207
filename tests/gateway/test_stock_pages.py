"""The pages after delivery, read as HTML through the real suite: the officine
records its receipt (prefilled from the confirmed volumes), pickups, a
destruction with its PDF certificate; 7 days later it offers uncollected vials,
the médecin of its département claims them in her space, the officine hands
them over; operators read the stock and the national figures. Refusals are
French, on the form they concern, and change nothing; no raw id is shown."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from services.common.clock import ManualClock
from tests.gateway.friday import AFTER_CLOSE, DURING, PARIS, place_orders, record_supply_and_publish
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, KARIM, LILAS, OPERATOR, bearer, csrf_token, login
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack
from tests.gateway.test_after_close_pages import _main, _no_raw_ids

DELIVERED = datetime(2022, 3, 18, 10, 0, tzinfo=PARIS)
WEEK_LATER = datetime(2022, 3, 26, 10, 0, tzinfo=PARIS)
STOCK = f"/officines/{LILAS}/stock"


class Delivered:
    def __init__(self, stack: Stack, clock: ManualClock) -> None:
        self.stack, self.clock = stack, clock

    @asynccontextmanager
    async def client(self, who: str) -> AsyncIterator[httpx.AsyncClient]:
        async with self.stack.client() as client:
            await login(client, who)
            yield client


@pytest.fixture
async def delivered(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[Delivered]:
    """The reference session ordered, closed, published; the clock on the delivery day."""
    clock = ManualClock(DURING)
    stack = await start_stack(database_url_for, tmp_path, clock=clock)
    try:
        await place_orders(stack)
        clock.set(AFTER_CLOSE)
        await record_supply_and_publish(stack)
        clock.set(DELIVERED)
        yield Delivered(stack, clock)
    finally:
        await stack.close()


async def post(client: httpx.AsyncClient, stack: Stack, path: str, data: dict[str, str]) -> httpx.Response:
    token = await csrf_token(client)
    return await client.post(path, data={"csrf_token": token, **data}, headers={"origin": stack.base_url})


def lot_value(page: str, number: str) -> str:
    """The <option value> of a lot in the page's forms."""
    match = re.search(r'<option value="(officines/[^"]+/lots/[0-9a-f]+)">[^<]*lot ' + number, page)
    assert match, number
    return match.group(1)


async def receive(d: Delivered, client: httpx.AsyncClient) -> None:
    form = await client.get(f"{STOCK}/reception/2022-03-07")
    assert form.status_code == 200
    text = _main(form.text)
    # Prefilled from the published allocation: Pfizer 12+ 6 + 4 confirmed for Lilas.
    assert "10 flacons confirmés" in text
    rows = dict(re.findall(r'name="product_(\d+)" value="([^"]+)"', form.text))
    data: dict[str, str] = {"receipt_date": "2022-03-18"}
    pfizer = [i for i, p in rows.items() if p == "products/pfizer-adult"]
    moderna = [i for i, p in rows.items() if p == "products/moderna"]
    for i, product in rows.items():
        data[f"product_{i}"] = product
        data[f"lot_{i}"] = data[f"expiry_{i}"] = data[f"vials_{i}"] = ""
    data |= {f"lot_{pfizer[0]}": "FK0001", f"expiry_{pfizer[0]}": "2022-06-30", f"vials_{pfizer[0]}": "9"}
    data |= {f"lot_{moderna[0]}": "3004217", f"expiry_{moderna[0]}": "2022-03-31", f"vials_{moderna[0]}": "30"}
    done = await post(client, d.stack, f"{STOCK}/reception/2022-03-07", data)
    assert done.status_code == 303, _main(done.text)


async def test_the_officine_records_its_receipt_pickups_and_a_destruction_with_its_certificate(
    delivered: Delivered,
) -> None:
    d = delivered
    async with d.client(CLAIRE) as claire:
        before = await claire.get(STOCK)
        assert before.status_code == 200 and "Livraisons à réceptionner" in before.text
        # A bad receipt: a lot already expired, letters for vials: French errors, nothing stored.
        form = await claire.get(f"{STOCK}/reception/2022-03-07")
        first = re.search(r'name="product_(\d+)" value="([^"]+)"', form.text)
        assert first
        refused = await post(
            claire,
            d.stack,
            f"{STOCK}/reception/2022-03-07",
            {
                "receipt_date": "2022-03-18",
                f"product_{first.group(1)}": first.group(2),
                f"lot_{first.group(1)}": "OLD1",
                f"expiry_{first.group(1)}": "2022-03-01",
                f"vials_{first.group(1)}": "3",
            },
        )
        assert refused.status_code == 400
        assert "déjà périmé à la réception" in _main(refused.text)
        assert "Livraisons à réceptionner" in (await claire.get(STOCK)).text

        await receive(d, claire)
        page = await claire.get(STOCK)
        text = _main(page.text)
        _no_raw_ids(page.text)
        assert "Livraisons à réceptionner" not in text
        assert "1 de moins" in text  # 9 Pfizer received for 10 confirmed
        assert "utiliser avant le jeudi 31 mars 2022" not in text  # 13 days left: no alert yet
        fk = lot_value(page.text, "FK0001")

        too_many = await post(
            claire,
            d.stack,
            f"{STOCK}/retraits",
            {"effecteur": "effecteurs/rpps:99700000104", "lot": fk, "vials": "40", "pickup_date": "2022-03-18"},
        )
        assert too_many.status_code == 400 and "réservé" in _main(too_many.text)
        picked = await post(
            claire,
            d.stack,
            f"{STOCK}/retraits",
            {"effecteur": "effecteurs/rpps:99700000104", "lot": fk, "vials": "2", "pickup_date": "2022-03-18"},
        )
        assert picked.status_code == 303

        page = await claire.get(STOCK)
        above = await post(claire, d.stack, f"{STOCK}/destructions", {"lot": fk, "vials": "50", "reason": "BROKEN"})
        assert above.status_code == 400 and "impossible d'en détruire 50" in _main(above.text)
        destroyed = await post(claire, d.stack, f"{STOCK}/destructions", {"lot": fk, "vials": "1", "reason": "BROKEN"})
        assert destroyed.status_code == 303 and "certificat=DES-2022-000001" in destroyed.headers["location"]
        after = await claire.get(destroyed.headers["location"])
        assert "DES-2022-000001" in _main(after.text) and "flacons cassés" in _main(after.text)
        pdf = await claire.get(f"{STOCK}/certificats/DES-2022-000001.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    async with d.client(KARIM) as karim:
        assert (await karim.get(STOCK)).status_code in (403, 404)
        assert (await karim.get(f"{STOCK}/certificats/DES-2022-000001.pdf")).status_code in (403, 404)
    async with d.client(OPERATOR) as op:
        national = await op.get("/operateur/stock")
        assert national.status_code == 200 and "75 — Paris" in _main(national.text)
        _no_raw_ids(national.text)
        lilas = await op.get(f"/operateur/stock/{LILAS}")
        assert lilas.status_code == 200 and "1 de moins" in _main(lilas.text)
        assert "Enregistrer le retrait" not in lilas.text  # operators read, never write


async def test_uncollected_vials_are_offered_claimed_by_a_medecin_and_handed_over(delivered: Delivered) -> None:
    d = delivered
    async with d.client(CLAIRE) as claire:
        await receive(d, claire)
    d.clock.set(WEEK_LATER)
    async with d.client(CLAIRE) as claire:
        page = await claire.get(STOCK)
        text = _main(page.text)
        assert "ne sont pas retirés depuis la réception du vendredi 18 mars 2022" in text
        assert "à utiliser avant le jeudi 31 mars 2022 inclus (dans 5 jours)" in text  # the 7-day alert
        offered = await post(
            claire,
            d.stack,
            f"{STOCK}/redistribution",
            {"lot": lot_value(page.text, "3004217"), "vials": "3", "action": "offrir", "request_id": str(uuid.uuid4())},
        )
        assert offered.status_code == 303
    async with d.client(DR_DUBOIS) as dubois:
        space = await dubois.get("/effecteurs/rpps:99700000104")
        text = _main(space.text)
        _no_raw_ids(space.text)
        assert "vous attend" in text and "Flacons proposés dans mon département" in text
        action = re.search(r'action="(/effecteurs/rpps:99700000104/offres/[^"]+/reserver)"', space.text)
        assert action and "Pharmacie des Lilas" in text
        too_many = await post(dubois, d.stack, action.group(1), {"vials": "9"})
        assert too_many.status_code == 409 and "Il ne reste que 3" in _main(too_many.text)
        claimed = await post(dubois, d.stack, action.group(1), {"vials": "3"})
        assert claimed.status_code == 303
    async with d.client(CLAIRE) as claire:
        page = await claire.get(STOCK)
        assert "Jeanne Dubois" in _main(page.text)
        hand_over = re.search(r'action="(/officines/759900111/stock/offres/[^"]+/remise)"', page.text)
        assert hand_over
        done = await post(claire, d.stack, hand_over.group(1), {"request_id": str(uuid.uuid4())})
        assert done.status_code == 303
        assert "remis le" in _main((await claire.get(STOCK)).text)


async def test_the_api_serves_the_stock_to_its_officine_only(delivered: Delivered) -> None:
    d = delivered
    async with d.stack.client(headers=bearer(d.stack.psc.token_for(CLAIRE))) as claire:
        stock = await claire.get(f"/api/v1/officines/{LILAS}/stock")
        assert stock.status_code == 200 and stock.json()["stock"]["sessionsToReceive"] == ["sessions/2022-03-07"]
        bad = await claire.post(
            f"/api/v1/officines/{LILAS}/receipts",
            json={"session": "sessions/2022-03-07", "receiptDate": "2022-03-18", "lots": []},
        )
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "lots"
    async with d.stack.client(headers=bearer(d.stack.psc.token_for(KARIM))) as karim:
        assert (await karim.get(f"/api/v1/officines/{LILAS}/stock")).status_code == 404
    async with d.stack.client() as anonymous:
        openapi = (await anonymous.get("/api/v1/openapi.json")).json()
        assert "/api/v1/officines/{finess}/stock" in openapi["paths"]

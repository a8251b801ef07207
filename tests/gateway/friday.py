"""The reference week after its close, for the tests of the Friday pages and
routes: the suite on a manual clock set inside the reference session
(2022-03-07, open until 2022-03-08 23:00 Paris), orders placed through the
API by two officines for themselves and their effecteurs (Moderna ordered
beyond what the supply will cover), then the clock moved past the close."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from services.common.clock import ManualClock
from tests.gateway.helpers import (
    CLAIRE,
    CONFLUENT,
    KARIM,
    LILAS,
    LILAS_SELF,
    OPERATOR,
    bearer,
)
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack

PARIS = ZoneInfo("Europe/Paris")
SESSION = "2022-03-07"
DURING = datetime(2022, 3, 7, 10, 0, tzinfo=PARIS)
AFTER_CLOSE = datetime(2022, 3, 9, 9, 0, tzinfo=PARIS)

DUBOIS = "effecteurs/rpps:99700000104"  # médecin at Lilas
TRAORE = "effecteurs/rpps:99700000120"  # sage-femme at Lilas
FONTAINE = "effecteurs/rpps:99700000146"  # infirmier at Lilas (no personal e-mail)
TILLEULS = "effecteurs/finess:759901010"  # EHPAD at Lilas
ROUX = "effecteurs/rpps:99700000138"  # chirurgien-dentiste at Confluent
CONFLUENT_SELF = "effecteurs/finess:699900122"

# (officine, orderer, effecteur, product, vials): Moderna 60 ordered, Pfizer 13.
ORDERS = [
    (LILAS, CLAIRE, LILAS_SELF, "moderna", 20),
    (LILAS, CLAIRE, DUBOIS, "moderna", 10),
    (LILAS, CLAIRE, DUBOIS, "pfizer-adult", 6),
    (LILAS, CLAIRE, TRAORE, "pfizer-adult", 4),
    (LILAS, CLAIRE, FONTAINE, "moderna", 5),
    (LILAS, CLAIRE, TILLEULS, "moderna", 10),
    (CONFLUENT, KARIM, CONFLUENT_SELF, "moderna", 15),
    (CONFLUENT, KARIM, ROUX, "pfizer-adult", 3),
]
MODERNA_ORDERED = 60
MODERNA_SUPPLY = 45
PFIZER_SUPPLY = 20


@asynccontextmanager
async def closed_reference_week(
    database_url_for: DatabaseUrlFor, tmp_path: Path, service_public_key_file: str = ""
) -> AsyncIterator[Stack]:
    """The suite with the reference session's orders placed, then closed (conftest's `friday`)."""
    clock = ManualClock(DURING)
    running = await start_stack(
        database_url_for, tmp_path, clock=clock, service_public_key_file=service_public_key_file
    )
    try:
        await place_orders(running)
        clock.set(AFTER_CLOSE)
        yield running
    finally:
        await running.close()


async def place_orders(stack: Stack) -> None:
    async with stack.client() as client:
        for finess, who, effecteur, product, vials in ORDERS:
            response = await client.post(
                f"/api/v1/sessions/{SESSION}/officines/{finess}/lines",
                json={
                    "line": {"effecteur": effecteur, "product": f"products/{product}", "vials": vials},
                    "requestId": str(uuid.uuid4()),
                },
                headers=bearer(stack.psc.token_for(who)),
            )
            assert response.status_code == 200, response.text


def operator(stack: Stack) -> dict[str, str]:
    return bearer(stack.psc.token_for(OPERATOR))


async def record_supply_and_publish(stack: Stack) -> dict:
    """What the operator does first on Friday, through the API: the published allocation."""
    async with stack.client(headers=operator(stack)) as client:
        supply = (await client.get(f"/api/v1/sessions/{SESSION}/supply")).json()["supply"]
        updated = await client.put(
            f"/api/v1/sessions/{SESSION}/supply",
            json={
                "supply": {
                    "etag": supply.get("etag", ""),
                    "products": [
                        {"product": "products/moderna", "vials": MODERNA_SUPPLY},
                        {"product": "products/pfizer-adult", "vials": PFIZER_SUPPLY},
                    ],
                },
                "requestId": str(uuid.uuid4()),
            },
        )
        assert updated.status_code == 200, updated.text
        published = await client.post(
            f"/api/v1/sessions/{SESSION}:publishAllocation",
            json={"supplyEtag": updated.json()["supply"]["etag"], "requestId": str(uuid.uuid4())},
        )
        assert published.status_code == 200, published.text
        return published.json()["allocation"]

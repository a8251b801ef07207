"""Forms of the pages, driven over HTTP as a browser without JavaScript
would: errors land next to the field they concern, what was typed stays, and
a refused write changes nothing."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import httpx

from services.common.timefmt import PARIS
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, LILAS_SELF, OPERATOR, bearer, csrf_token, login
from tests.gateway.stack import Stack

DOCTOR = "effecteurs/rpps:99700000104"


async def post_form(stack: Stack, client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    data = {"csrf_token": await csrf_token(client), **data}
    return await client.post(url, data=data, headers={"origin": stack.base_url})


def text(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


async def test_a_soft_threshold_warns_in_the_grid_without_blocking(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as api:
        table = (await api.get("/api/v1/sessions/demo/quotaTables/current:exportCsv")).text
        table = re.sub(r"^PHARMACIEN,illimité", "PHARMACIEN,illimité (alerte 5)", table, flags=re.M)
        published = await api.post(
            "/api/v1/sessions/demo/quotaTables:importCsv", content=table.encode(), headers={"content-type": "text/csv"}
        )
        assert published.status_code == 200, published.text
    async with stack.client() as client:
        await login(client, CLAIRE)
        key = f"{LILAS_SELF}|products/moderna"
        saved = await post_form(
            stack, client, f"/officines/{LILAS}/commande?session=demo", {f"v|{key}": "8", f"o|{key}": ""}
        )
        assert saved.status_code == 200
        page = text(saved)
        assert "au-delà du seuil indicatif" in page and "Enregistré" in page
        assert "Commandes enregistrées, avec 1 avertissement" in page
        lines = (await client.get(f"/api/v1/sessions/demo/officines/{LILAS}/lines")).json()["lines"]
        assert [(line["effecteur"], line["vials"]) for line in lines] == [(LILAS_SELF, 8)]


async def test_a_grid_save_keeps_the_accepted_cells_and_shows_each_refusal_on_its_cell(stack: Stack) -> None:
    async with stack.client(headers=bearer(stack.psc.token_for(OPERATOR))) as api:
        table = (await api.get("/api/v1/sessions/demo/quotaTables/current:exportCsv")).text
        table = re.sub(r"^PHARMACIEN,illimité", "PHARMACIEN,5", table, flags=re.M)  # Moderna capped at 5
        published = await api.post(
            "/api/v1/sessions/demo/quotaTables:importCsv", content=table.encode(), headers={"content-type": "text/csv"}
        )
        assert published.status_code == 200, published.text
    async with stack.client() as client:
        await login(client, CLAIRE)
        moderna, pfizer = f"{LILAS_SELF}|products/moderna", f"{LILAS_SELF}|products/pfizer-adult"
        grid = f"/officines/{LILAS}/commande?session=demo"
        saved = await post_form(stack, client, grid, {f"v|{moderna}": "8", f"o|{moderna}": "", f"v|{pfizer}": "3"})
        page = text(saved)
        assert saved.status_code == 200 and 'value="8"' in saved.text
        assert "1 case n'a pas été enregistrée" in page and "dépasse le maximum de 5 flacons" in page
        lines = (await client.get(f"/api/v1/sessions/demo/officines/{LILAS}/lines")).json()["lines"]
        assert [(line["product"], line["vials"]) for line in lines] == [("products/pfizer-adult", 3)]
        line = lines[0]
        withdrawn = await post_form(
            stack,
            client,
            grid,
            {
                f"v|{pfizer}": "0",
                f"o|{pfizer}": "3",
                f"l|{pfizer}": line["name"],
                f"e|{pfizer}": line["etag"],
                f"v|{moderna}": "5",
                f"o|{moderna}": "",
            },
        )
        assert withdrawn.status_code == 303
        assert "Commandes enregistrées (2 cases modifiées)" in text(await client.get(withdrawn.headers["location"]))
        lines = (await client.get(f"/api/v1/sessions/demo/officines/{LILAS}/lines")).json()["lines"]
        assert [(line["product"], line["vials"]) for line in lines] == [("products/moderna", 5)]


async def test_a_cell_that_is_not_a_number_is_refused_in_place_and_nothing_is_written(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, CLAIRE)
        key = f"{LILAS_SELF}|products/moderna"
        refused = await post_form(
            stack, client, f"/officines/{LILAS}/commande?session=demo", {f"v|{key}": "douze", f"o|{key}": ""}
        )
        assert 'value="douze"' in refused.text and "Saisissez un nombre entier de flacons" in text(refused)
        assert (await client.get(f"/api/v1/sessions/demo/officines/{LILAS}/lines")).json()["lines"] == []


async def _doctor_asks(stack: Stack, vials: int, product: str = "products/moderna") -> str:
    async with stack.client(headers=bearer(stack.psc.token_for(DR_DUBOIS))) as api:
        created = await api.post(
            f"/api/v1/sessions/demo/officines/{LILAS}/requests",
            json={"vialRequest": {"effecteur": DOCTOR, "product": product, "vials": vials}},
        )
        assert created.status_code == 200, created.text
        return created.json()["vialRequest"]["name"]


async def test_the_officine_adjusts_with_a_reason_or_declines_and_the_doctor_sees_why(stack: Stack) -> None:
    adjusted, declined = await _doctor_asks(stack, 6), await _doctor_asks(stack, 3, "products/pfizer-adult")
    async with stack.client() as client:
        await login(client, CLAIRE)
        listed = text(await client.get(f"/officines/{LILAS}/demandes"))
        assert "Jeanne Dubois demande 6 flacons de Spikevax (Moderna)" in listed

        base = f"/officines/{LILAS}/demandes/demo"
        no_reason = await post_form(
            stack, client, f"{base}/{adjusted.rsplit('/', 1)[1]}/ajuster", {"vials": "4", "reason": ""}
        )
        assert no_reason.status_code == 400 and "La décision n'a pas été enregistrée" in text(no_reason)
        ok = await post_form(
            stack,
            client,
            f"{base}/{adjusted.rsplit('/', 1)[1]}/ajuster",
            {"vials": "4", "reason": "Stock limité cette semaine"},
        )
        assert ok.status_code == 303
        no_reason = await post_form(stack, client, f"{base}/{declined.rsplit('/', 1)[1]}/refuser", {"reason": " "})
        assert no_reason.status_code == 400 and "Indiquez au demandeur pourquoi" in text(no_reason)
        ok = await post_form(
            stack, client, f"{base}/{declined.rsplit('/', 1)[1]}/refuser", {"reason": "Déjà livré la semaine dernière"}
        )
        assert ok.status_code == 303

    async with stack.client() as doctor:
        await login(doctor, DR_DUBOIS)
        space = text(await doctor.get(f"/{DOCTOR}"))
        assert "Stock limité cette semaine" in space and "Déjà livré la semaine dernière" in space
        assert "Confirmée" in space and "Refusée" in space


async def test_a_doctor_asking_for_a_closed_product_sees_why_and_keeps_the_form(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, DR_DUBOIS)
        refused = await post_form(
            stack,
            client,
            f"/{DOCTOR}/demandes",
            {"product": "products/moderna", "vials": "beaucoup", "comment": "Rappel"},
        )
        assert refused.status_code == 400
        page = text(refused)
        assert (
            "Indiquez un nombre entier de flacons." in page and 'value="beaucoup"' in refused.text and "Rappel" in page
        )


async def test_an_operator_session_closing_before_it_opens_is_refused_and_nothing_is_created(stack: Stack) -> None:
    async with stack.client() as client:
        await login(client, OPERATOR)
        day = date.today() + timedelta(days=60)  # well after the demo session, whenever the test runs
        opens = datetime.combine(day, time(8, 0), PARIS)
        values = {
            "session_id": day.isoformat(),
            "label": "Session de test",
            "open_time": (opens + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "close_time": opens.replace(hour=23).strftime("%Y-%m-%dT%H:%M"),
        }
        refused = await post_form(stack, client, "/operateur/sessions", values)
        assert refused.status_code == 400
        assert "La session n'a pas été créée" in text(refused) and 'value="Session de test"' in refused.text
        sessions = (await client.get("/api/v1/sessions")).json()["sessions"]
        assert f"sessions/{day.isoformat()}" not in [s["name"] for s in sessions]

        created = await post_form(
            stack, client, "/operateur/sessions", {**values, "open_time": opens.strftime("%Y-%m-%dT%H:%M")}
        )
        assert created.status_code == 303
        session = (await client.get(f"/api/v1/sessions/{day.isoformat()}")).json()["session"]
        # Typed as Paris wall time, stored as the UTC instant of that wall time (winter or summer).
        assert session["openTime"] == opens.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

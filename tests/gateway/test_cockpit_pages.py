"""/operateur/pilotage read as HTML (no browser): who may open it, the live
figures from the owning services and from the services' own metrics, the CSV
files, and the session's window edited from the page with the change shown.
The browser test (it refreshes by itself) is test_cockpit_browser.py."""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from services.common.clock import ManualClock
from tests.gateway.cockpit_stack import live_session
from tests.gateway.friday import SESSION
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, OPERATOR, csrf_token, login
from tests.gateway.stack import DatabaseUrlFor, Stack

PAGE = f"/operateur/pilotage?session={SESSION}"
RAW = re.compile(r"(products|effecteurs|officines|sessions)/[\w:.-]+|rpps:\d|finess:\d|8997\d{8}|EFFECTEUR_TYPE_")


@pytest.fixture
async def live(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[tuple[Stack, ManualClock]]:
    async with live_session(database_url_for, tmp_path) as running:
        yield running


def text_of(page: str, start: str = "<main", end: str = "</main>") -> str:
    part = page.split(start, 1)[1].split(end, 1)[0]
    return (
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))).replace("\u202f", " ").replace("\u00a0", " ")
    )


def table(page: str, table_id: str) -> str:
    return text_of(page, f'<table id="{table_id}"', "</table>")


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


async def test_only_operators_open_the_cockpit_and_its_files(live: tuple[Stack, ManualClock]) -> None:
    stack, _ = live
    paths = [PAGE, f"/operateur/pilotage/{SESSION}/sans-commande.csv", f"/operateur/pilotage/{SESSION}/totaux.csv"]
    async with stack.client() as anonymous:
        for path in paths:
            answer = await anonymous.get(path)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/login"), path
    for who in (CLAIRE, DR_DUBOIS):
        async with stack.client() as other:
            await login(other, who)
            for path in paths:
                assert (await other.get(path)).status_code == 403, (who, path)
    async with stack.client() as op:
        await login(op, OPERATOR)
        page = await op.get("/operateur/pilotage")  # the open session by default
        assert page.status_code == 200
        assert 'href="/operateur/pilotage" aria-current="page"' in page.text  # in the operator's menu


async def test_the_cockpit_shows_activity_totals_and_who_has_not_ordered(live: tuple[Stack, ManualClock]) -> None:
    stack, clock = live
    async with stack.client() as op:
        await login(op, OPERATOR)
        page = (await op.get(PAGE)).text
        main = text_of(page)
        assert not RAW.search(main), RAW.search(main)
        # Eight lines written at 10:00 by two officines, both active now; one officine of three has not ordered.
        # At 10:00 sharp the minute is still filling: the tile says so, not a rate that seems to fall.
        assert "8 lignes saisies la minute de 10 h 00 (en cours)" in main
        assert "2 officines actives ces 5 dernières minutes" in main
        assert "2 officines ont commandé, sur 3 inscrites" in main
        assert "1 officine n'a pas encore commandé" in main and "1 officine sur 3" in main
        assert "13 — Bouches-du-Rhône 1 0 1" in table(page, "sans-commande")
        assert "75 — Paris 0 1 1" in table(page, "sans-commande")
        minutes = table(page, "commandes-par-minute")
        assert "07/03/2022 10 h 00 8 8,0" in minutes
        # The chart's scale is a count of lines per minute: "8", not "8,0".
        assert "Pic : 8 par minute." in page and "Pic : 8,0" not in page
        totals = table(page, "totaux-produits")
        assert "Spikevax (Moderna) 60" in totals and "Total général 73" in totals
        services = table(page, "sante-services")
        assert re.search(r"Commandes Répond 8 0,0 % [\d ]+ ms depuis le démarrage du service", services), services
        assert "E-mails et support Ne répond pas" in services
        assert "Export consolidé pour la logistique : disponible à la clôture" in main

        # The live part alone, as the page's script fetches it: same figures, no page around them.
        clock.advance(timedelta(minutes=6))
        fragment = await op.get(PAGE + "&partiel=1")
        assert fragment.status_code == 200 and "<html" not in fragment.text and "<main" not in fragment.text
        live_text = text_of("<main>" + fragment.text + "</main>")
        assert "0 officine active ces 5 dernières minutes" in live_text
        assert "la minute de 10 h 00 (en cours)" not in live_text and "la minute de 10 h 00" in live_text


async def test_the_files_list_officines_without_orders_totals_and_after_the_close_the_export(
    live: tuple[Stack, ManualClock],
) -> None:
    stack, clock = live
    async with stack.client() as op:
        await login(op, OPERATOR)
        waiting = await op.get(f"/operateur/pilotage/{SESSION}/sans-commande.csv")
        assert waiting.status_code == 200 and waiting.headers["content-type"].startswith("text/csv")
        lines = rows(waiting.content)
        assert lines[0][:3] == ["finess", "officine", "departement"]
        assert [line[0] for line in lines[1:]] == ["139900138"]
        assert lines[1][2] == "13 — Bouches-du-Rhône"

        totals = rows((await op.get(f"/operateur/pilotage/{SESSION}/totaux.csv")).content)
        national = {line[1]: line[2] for line in totals if line[0] == "France entière"}
        assert national == {
            "Spikevax (Moderna)": "60",
            next(k for k in national if "Comirnaty 12" in k): "13",
            "Tous produits": "73",
        }
        assert totals[-1][:3] == ["France entière", "Tous produits", "73"]

        early = await op.get(f"/operateur/pilotage/{SESSION}/export.csv")
        assert early.status_code == 409 and "clôtur" in early.text
        clock.advance(timedelta(days=2))
        await login(op, OPERATOR)  # the web session did not survive two days
        page = text_of((await op.get(PAGE)).text)
        assert "Export consolidé pour la logistique : une ligne par officine" in page
        export = await op.get(f"/operateur/pilotage/{SESSION}/export.csv")
        assert export.status_code == 200
        assert export.content.decode().splitlines()[0] == "finess,departement,produit,flacons,doses"
        api = await op.get(f"/api/v1/sessions/{SESSION}:export")
        if api.status_code == 200:  # the same bytes as the API's file
            assert api.content == export.content


async def test_an_operator_extends_the_session_from_the_cockpit_and_the_change_is_shown(
    live: tuple[Stack, ManualClock],
) -> None:
    stack, _ = live
    async with stack.client() as op:
        await login(op, OPERATOR)
        page = (await op.get(PAGE)).text
        etag = re.search(r'name="etag" value="([^"]*)"', page)
        assert etag
        token = await csrf_token(op)
        form = {"csrf_token": token, "etag": etag.group(1), "request_id": str(uuid.uuid4())}
        origin = {"origin": stack.base_url}

        # Closing before opening: refused in French under the field, nothing changed.
        bad = await op.post(
            f"/operateur/pilotage/{SESSION}/fenetre",
            data={**form, "open_time": "2022-03-07T08:00", "close_time": "2022-03-07T07:00"},
            headers=origin,
        )
        assert bad.status_code == 400
        assert 'class="fr-input-group fr-input-group--error"' in bad.text
        assert "La fenêtre n'a pas été modifiée" in html.unescape(bad.text)
        assert "Aucune modification depuis l'ouverture." in text_of((await op.get(PAGE)).text)

        done = await op.post(
            f"/operateur/pilotage/{SESSION}/fenetre",
            data={
                **form,
                "request_id": str(uuid.uuid4()),
                "open_time": "2022-03-07T08:00",
                "close_time": "2022-03-08T23:30",
            },
            headers=origin,
        )
        assert done.status_code == 303
        after = await op.get(done.headers["location"])
        changes = table(after.text, "modifications-fenetre")
        assert "vous (Élise Marchand)" in changes
        assert "du 07/03/2022 8 h 00 au 08/03/2022 23 h 00 du 07/03/2022 8 h 00 au 08/03/2022 23 h 30" in changes
        assert "Fenêtre de la session modifiée." in after.text

        # The page's etag is now stale: a second form sent from the old page is refused, not applied.
        stale = await op.post(
            f"/operateur/pilotage/{SESSION}/fenetre",
            data={
                **form,
                "request_id": str(uuid.uuid4()),
                "open_time": "2022-03-07T08:00",
                "close_time": "2022-03-09T23:00",
            },
            headers=origin,
        )
        assert stale.status_code == 409
        assert "du 07/03/2022 8 h 00 au 08/03/2022 23 h 30" in (await op.get(PAGE)).text.replace("\u00a0", " ")

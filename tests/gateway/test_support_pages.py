"""The support desk through the gateway, as a browser without JavaScript would
use it: the contact form (anonymous and prefilled), its rate limit, the agents'
queue with late and at-risk requests, a request's actions and history, the
read-only officine look-up, the requester's view, and who may open what."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

import tests.support.psc as psc_module
from services.common.clock import ManualClock
from services.common.timefmt import PARIS
from tests.gateway.friday import record_supply_and_publish
from tests.gateway.helpers import ADJOINT, CLAIRE, KARIM, LILAS, OPERATOR, bearer, csrf_token, login
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack

AGENT = OPERATOR  # Élise Marchand, operator and support agent in the dataset
SATURDAY_EVENING = datetime(2022, 3, 5, 19, 30, tzinfo=PARIS)  # due Monday 7 March 10:30


@pytest.fixture
async def desk(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[tuple[Stack, ManualClock]]:
    clock = ManualClock(SATURDAY_EVENING)
    running = await start_stack(database_url_for, tmp_path, clock=clock)
    try:
        yield running, clock
    finally:
        await running.close()


def plain(markup: str) -> str:
    """What a reader sees: tags gone, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def text(response: httpx.Response) -> str:
    return plain(response.text)


def main(response: httpx.Response) -> str:
    return plain(response.text.split('id="contenu"', 1)[1].split(">", 1)[1].split("</main>", 1)[0])


async def contact_form(stack: Stack, client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    page = await client.get("/contact")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
    assert token and request_id
    data = {
        "csrf_token": token.group(1),
        "request_id": request_id.group(1),
        "category": "DELIVERY",
        "contact_email": "pharmacie@example.test",
        "subject": "Date de livraison",
        "body": "Bonjour, quand arrivent nos flacons ?",
        **fields,
    }
    return await client.post("/contact", data=data, headers={"origin": stack.base_url})


async def post_form(stack: Stack, client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    data = {"csrf_token": await csrf_token(client), **data}
    return await client.post(url, data=data, headers={"origin": stack.base_url})


async def test_anonymous_form_errors_stay_in_place_and_a_sent_request_says_when_it_is_due(
    desk: tuple[Stack, ManualClock],
) -> None:
    stack, _ = desk
    async with stack.client() as client:
        missing = await contact_form(stack, client, category="")
        assert missing.status_code == 400
        assert "Choisissez la catégorie de votre demande." in text(missing)
        no_number = await contact_form(stack, client, callback="oui", callback_phone="")
        assert "Indiquez le numéro auquel le support peut vous rappeler." in text(no_number)
        bad_number = await contact_form(stack, client, callback="oui", callback_phone="12 34")
        assert bad_number.status_code == 400
        assert 'id="champ-callback_phone-erreur"' in bad_number.text
        assert "Numéro de téléphone invalide" in text(bad_number)
        assert 'value="12 34"' in bad_number.text  # what was typed stays

        sent = await contact_form(stack, client, callback="oui", callback_phone="06 12 34 56 78")
        assert sent.status_code == 303
        page = text(await client.get(sent.headers["location"]))
        assert "Votre demande a bien été envoyée au support (référence" in page
        assert "au plus tard le lundi 7 mars 2022 à 10 h 30" in page
    async with stack.client(headers=bearer(stack.psc.token_for(AGENT))) as api:
        queue = (await api.get("/api/v1/supportRequests")).json()["supportRequests"]
        assert [(r["callbackPhone"], r["category"], r["state"]) for r in queue] == [
            ("+33612345678", "CATEGORY_DELIVERY", "STATE_OPEN")
        ]


async def test_the_form_is_rate_limited_with_a_french_message(desk: tuple[Stack, ManualClock]) -> None:
    stack, _ = desk
    async with stack.client() as client:
        for _ in range(5):
            assert (await contact_form(stack, client)).status_code == 303
        refused = await contact_form(stack, client)
        assert refused.status_code == 429
        assert "Vous avez déjà envoyé 5 demandes au support en moins d'une heure" in text(refused)
        assert "Bonjour, quand arrivent nos flacons ?" in text(refused)  # nothing typed is lost
    async with stack.client() as api:
        over = await api.post(
            "/api/v1/supportRequests",
            json={"supportRequest": {"contactEmail": "a@example.test", "subject": "Q", "body": "?"}},
        )
        assert over.status_code == 429
        assert over.json()["reason"] == "SUPPORT_RATE_LIMITED"


async def test_a_titulaire_finds_the_form_prefilled_and_follows_their_requests(
    desk: tuple[Stack, ManualClock],
) -> None:
    stack, _ = desk
    async with stack.client() as client:
        await login(client, CLAIRE)
        form = await client.get("/contact")
        assert "Vous écrivez en tant que Claire Moreau, Pharmacie des Lilas" in text(form)
        assert f'name="about" value="{LILAS}"' in form.text
        assert re.search(r'name="contact_email" value="[^"]+@', form.text)
        assert (await contact_form(stack, client, contact_email="claire@example.test")).status_code == 303
        mine = main(await client.get("/contact"))
        assert "Vos demandes au support" in mine and "Reçue, en attente de réponse" in mine
        assert "Réponse au plus tard le lundi 7 mars 2022 à 10 h 30" in mine
        # Not an agent: the queue and the actions are refused.
        assert (await client.get("/support")).status_code == 403
        assert (await client.get("/api/v1/supportRequests")).status_code == 403
        assert (await client.get("/support/officines/699900122")).status_code == 403


async def test_an_agent_sees_late_and_at_risk_requests_answers_calls_and_closes(
    desk: tuple[Stack, ManualClock],
) -> None:
    stack, clock = desk
    async with stack.client() as claire:
        await login(claire, CLAIRE)
        assert (await contact_form(stack, claire, contact_email="claire@example.test")).status_code == 303
    clock.set(datetime(2022, 3, 7, 10, 15, tzinfo=PARIS))  # Monday, 15 minutes before it is due
    async with stack.client() as client:
        await login(client, AGENT)
        queue = main(await client.get("/support"))
        assert "Échéance proche" in queue and "1 à échéance dans moins de 30 minutes" in queue
        assert "Claire Moreau" in queue and "Date de livraison" in queue
        assert CLAIRE not in queue and "CATEGORY_" not in queue  # names and words, never codes
        clock.advance(timedelta(minutes=20))
        await login(client, AGENT)
        queue_page = await client.get("/support")
        assert "En retard" in main(queue_page) and "1 en retard" in main(queue_page)
        link = re.search(r'href="(/support/demandes/[0-9a-f-]{36})"', queue_page.text)
        assert link
        request = link.group(1)

        detail_page = await client.get(request)
        detail = main(detail_page)
        assert "Demande reçue, accusé de réception envoyé" in detail and "par Claire Moreau" in detail
        assert f'href="/support/officines/{LILAS}"' in detail_page.text
        assert "Consulter les commandes et livraisons de Pharmacie des Lilas" in detail

        empty = await post_form(stack, client, request + "/repondre", {"texte": "", "request_id": ""})
        assert empty.status_code == 400 and "Écrivez la réponse à envoyer." in text(empty)
        answered = await post_form(
            stack,
            client,
            request + "/repondre",
            {"texte": "Livraison prévue le vendredi 18 mars.", "request_id": "7a1f4e0c-7c9a-4a53-9d0e-3c1f1d1b2a10"},
        )
        assert answered.status_code == 303
        after = main(await client.get(answered.headers["location"]))
        assert "Votre réponse est partie par e-mail" in after
        assert "Réponse envoyée par e-mail" in after and "par Élise Marchand" in after
        assert "Répondue hors délai" in after
        await post_form(stack, client, request + "/appel", {"texte": "Rappelée, date confirmée.", "request_id": ""})
        closed = await post_form(stack, client, request + "/clore", {"texte": "", "request_id": ""})
        page = main(await client.get(closed.headers["location"]))
        assert "Appel téléphonique" in page and "Rappelée, date confirmée." in page
        assert "Cette demande est close" in page
        assert "Afficher aussi les demandes closes" in main(await client.get("/support"))
        assert "la file est vide" in main(await client.get("/support"))
    async with stack.client() as claire:
        await login(claire, CLAIRE)
        assert "Close" in main(await claire.get("/contact"))


async def test_an_agent_looks_up_an_officine_read_only(desk: tuple[Stack, ManualClock]) -> None:
    stack, _ = desk
    async with stack.client() as client:
        await login(client, AGENT)
        wrong = await client.get("/support/officines?finess=7599")
        assert wrong.status_code == 400 and "Un numéro FINESS compte 9 chiffres" in text(wrong)
        found = await client.get(f"/support/officines?finess={LILAS}", follow_redirects=True)
        page = main(found)
        assert "Pharmacie des Lilas" in page and "Consultation en lecture seule" in page
        assert "Jeanne Dubois" in page  # an attached médecin, by name
        assert "<form" not in found.text.split("Consultation en lecture seule", 1)[1]  # nothing to change here
        wrong_key = await client.get("/support/officines/999999999")
        assert wrong_key.status_code == 400 and "FINESS" in main(wrong_key)  # the backend's French message
    # Any logged-in user may list their own requests through the API.
    async with stack.client(headers=bearer(stack.psc.token_for(KARIM))) as karim:
        assert (await karim.get("/api/v1/supportRequests?mine=true")).status_code == 200


async def test_after_publication_an_agent_reads_when_and_how_much_an_officine_receives(friday: Stack) -> None:
    await record_supply_and_publish(friday)
    async with friday.client() as client:
        await login(client, AGENT)
        page = await client.get(f"/support/officines/{LILAS}")
        shown = main(page)
        assert "Livraison prévue le vendredi 18 mars 2022 ; rendez-vous possibles à partir du samedi 19 mars" in shown
        assert "Jeanne Dubois" in shown and "réduit" in shown and "Spikevax (Moderna)" in shown
        assert "RPPS 99700000104" in shown  # numbers say what they are
        assert not re.search(r"effecteurs/|officines/|8997\d{8}", shown)


async def test_a_support_only_agent_lands_on_the_queue_and_reads_but_changes_no_officine(
    monkeypatch: pytest.MonkeyPatch, database_url_for: DatabaseUrlFor, tmp_path: Path
) -> None:
    # The adjoint acts for no officine; on the allow-list, support is all he is.
    monkeypatch.setattr(psc_module, "_dataset_support_agents", lambda: [OPERATOR, ADJOINT])
    stack = await start_stack(database_url_for, tmp_path)
    try:
        async with stack.client() as client:
            landed = await login(client, ADJOINT)
            assert str(landed.url).endswith("/support")
            assert "File du support" in main(landed)
            assert "Pharmacie des Lilas" in main(await client.get(f"/support/officines/{LILAS}"))
            assert (await client.get("/operateur")).status_code == 403
            token = await csrf_token(client)
            attach = await client.post(
                f"/api/v1/officines/{LILAS}/attachments",
                json={"identifierKind": "IDENTIFIER_KIND_RPPS", "identifier": "99700000153"},
                headers={"x-csrf-token": token, "origin": stack.base_url},
            )
            assert attach.status_code == 403 and attach.json()["reason"] == "SUPPORT_READ_ONLY"
    finally:
        await stack.close()

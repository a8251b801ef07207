"""The pages after a session's close, read as HTML (no browser): who may open
the operator's steps, what each profile reads before and after publication,
and that no page shows a raw identifier. The full walk with a browser is in
test_after_close_browser.py."""

from __future__ import annotations

import html
import re
import uuid

import grpc

from tests.gateway.friday import SESSION, operator, record_supply_and_publish
from tests.gateway.helpers import CLAIRE, DR_DUBOIS, LILAS, OPERATOR, csrf_token, login
from tests.gateway.stack import Stack
from tests.support.service_identity import ServiceIdentityKeys
from vaxorders.mailer.v1 import mailer_service_pb2 as mail_pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as mailer_grpc

STEPS = ("approvisionnement", "allocation", "livraisons", "confirmations")
BASE = f"/operateur/sessions/{SESSION}"
RAW = re.compile(
    r"(products|effecteurs|officines|sessions)/[\w:.-]+|rpps:\d|finess:\d|service:|8997\d{8}|EFFECTEUR_TYPE_|KIND_"
)
ROUX = "899700000138"  # chirurgien-dentiste, ordered for by Pharmacie du Confluent
TILLEULS_DIRECTOR = "899700000161"  # acts for EHPAD Les Tilleuls


def _main(page: str) -> str:
    """The visible text of <main>, roughly (tags out)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def _no_raw_ids(page: str) -> None:
    text = _main(page)
    assert not RAW.search(text), RAW.search(text)


async def test_only_operators_open_the_steps_after_the_close(friday: Stack) -> None:
    async with friday.client() as anonymous:
        for step in STEPS:
            response = await anonymous.get(f"{BASE}/{step}")
            assert response.status_code == 303 and response.headers["location"].startswith("/auth/login")
    async with friday.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        for path in ("/operateur/livraisons", *(f"{BASE}/{step}" for step in STEPS)):
            assert (await pharmacist.get(path)).status_code == 403, path
        token = await csrf_token(pharmacist)
        refused = await pharmacist.post(
            f"{BASE}/confirmations/envoyer", data={"csrf_token": token}, headers={"origin": friday.base_url}
        )
        assert refused.status_code == 403
    async with friday.client() as op:
        await login(op, OPERATOR)
        assert (await op.get("/operateur/sessions/2031-01-05/allocation")).status_code == 404
        home = await op.get("/operateur")
        assert f'href="{BASE}/approvisionnement"' in home.text  # closed sessions link to their steps
        assert 'href="/operateur/livraisons"' in home.text  # and the menu has the entry
        # A form posted without the session's CSRF token changes nothing.
        forged = await op.post(
            f"{BASE}/confirmations/envoyer", data={"request_id": str(uuid.uuid4())}, headers={"origin": friday.base_url}
        )
        assert forged.status_code == 403
        runs = await op.get(f"{BASE}/confirmations")
        assert "Allocation pas encore publiée" in _main(runs.text)


async def test_before_publication_the_steps_say_what_is_missing_and_nothing_can_be_sent(friday: Stack) -> None:
    async with friday.client() as op:
        await login(op, OPERATOR)
        supply = await op.get(f"{BASE}/approvisionnement")
        assert supply.status_code == 200 and "À renseigner" in supply.text
        allocation = await op.get(f"{BASE}/allocation")
        assert "Approvisionnement incomplet" in allocation.text and "Publier l'allocation…" not in allocation.text
        confirmations = await op.get(f"{BASE}/confirmations")
        assert (
            "Allocation pas encore publiée" in confirmations.text and "Faire un essai à blanc" not in confirmations.text
        )
        token = await csrf_token(op)
        early = await op.post(
            f"{BASE}/confirmations/essai", data={"csrf_token": token}, headers={"origin": friday.base_url}
        )
        assert early.status_code == 409 and "fr-alert--error" in early.text
        for page in (supply, allocation, confirmations):
            _no_raw_ids(page.text)


async def test_a_supply_changed_after_the_preview_is_refused_at_publication(friday: Stack) -> None:
    async with friday.client(headers=operator(friday)) as api:
        first = await api.put(
            f"/api/v1/sessions/{SESSION}/supply",
            json={
                "supply": {
                    "products": [
                        {"product": "products/moderna", "vials": 45},
                        {"product": "products/pfizer-adult", "vials": 20},
                    ]
                }
            },
        )
        assert first.status_code == 200, first.text
    async with friday.client() as op:
        await login(op, OPERATOR)
        step = await op.get(f"{BASE}/allocation/publier")
        assert "Confirmer la publication" in step.text
        previewed = re.search(r'name="supply_etag" value="([^"]*)"', step.text).group(1)
        request_id = re.search(r'name="request_id" value="([^"]*)"', step.text).group(1)
        async with friday.client(headers=operator(friday)) as api:
            changed = await api.put(
                f"/api/v1/sessions/{SESSION}/supply",
                json={"supply": {"etag": previewed, "products": [{"product": "products/moderna", "vials": 50}]}},
            )
            assert changed.status_code == 200, changed.text
        token = await csrf_token(op)
        stale = await op.post(
            f"{BASE}/allocation/publier",
            data={"csrf_token": token, "supply_etag": previewed, "request_id": request_id},
            headers={"origin": friday.base_url},
        )
        assert stale.status_code == 409, stale.text[:300]
        assert "L'allocation n'a pas été publiée" in _main(stale.text)
        assert "Aperçu : rien n'est encore publié" in _main((await op.get(f"{BASE}/allocation")).text)


async def test_after_publication_each_profile_reads_its_confirmed_volumes_and_date(friday: Stack) -> None:
    await record_supply_and_publish(friday)
    async with friday.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        dashboard = await pharmacist.get(f"/officines/{LILAS}")
        text = _main(dashboard.text)
        assert "Livraison prévue le vendredi 18 mars 2022 ; rendez-vous possibles à partir du samedi 19 mars ." in text
        assert "Confirmation par e-mail le vendredi 11 mars 2022." in text  # the promise stays until it is sent
        assert "réduit" in text and "Jeanne Dubois" in text and "EHPAD Les Tilleuls" in text
        _no_raw_ids(dashboard.text)
    async with friday.client() as dentist:
        await login(dentist, ROUX)
        space = await dentist.get("/effecteur", follow_redirects=True)
        text = _main(space.text)
        assert "Mes flacons confirmés" in text and "Vos flacons sont livrés à Pharmacie du Confluent ." in text
        assert "Comirnaty 12 ans et plus" in text
        _no_raw_ids(space.text)
    async with friday.client() as establishment:
        await login(establishment, TILLEULS_DIRECTOR)
        mine = await establishment.get("/effecteur")
        assert mine.headers["location"] == "/effecteurs/finess:759901010"  # the one effecteur that exists
        space = await establishment.get("/effecteurs/finess:759901010")
        text = _main(space.text)
        assert "Vos flacons sont livrés à Pharmacie des Lilas ." in text and "Spikevax (Moderna)" in text
        _no_raw_ids(space.text)

    async with friday.client(headers=operator(friday)) as api:
        sent = await api.post(
            f"/api/v1/sessions/{SESSION}:sendDeliveryConfirmations", json={"requestId": str(uuid.uuid4())}
        )
        assert sent.status_code == 200, sent.text
    async with friday.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        text = _main((await pharmacist.get(f"/officines/{LILAS}")).text)
        assert "Confirmation envoyée le mercredi 9 mars 2022 à 9 h 00." in text
        assert "Confirmation par e-mail le vendredi 11 mars 2022" not in text
    async with friday.client(headers=operator(friday)) as api:
        moved = await api.post(
            f"/api/v1/sessions/{SESSION}/deliveryPlan:setDate",
            json={"override": {"finess": LILAS, "date": "2022-03-21"}, "requestId": str(uuid.uuid4())},
        )
        assert moved.status_code == 200, moved.text
    async with friday.client() as pharmacist:
        await login(pharmacist, CLAIRE)
        text = _main((await pharmacist.get(f"/officines/{LILAS}")).text)
        assert "Livraison prévue le lundi 21 mars 2022 ; rendez-vous possibles à partir du mardi 22 mars ." in text
        assert "La date annoncée alors (vendredi 18 mars 2022) a changé depuis" in text
    async with friday.client() as doctor:
        await login(doctor, DR_DUBOIS)
        text = _main((await doctor.get("/effecteur", follow_redirects=True)).text)
        assert "Livraison prévue le lundi 21 mars 2022" in text  # her officine's new date
    async with friday.client() as op:
        await login(op, OPERATOR)
        for step in STEPS:
            page = await op.get(f"{BASE}/{step}")
            assert page.status_code == 200, step
            _no_raw_ids(page.text)
        allocation = _main((await op.get(f"{BASE}/allocation")).text)
        assert "Publiée le mercredi 9 mars 2022 à 9 h 00, par vous (Élise Marchand)." in allocation
        assert "Premiers e-mails de confirmation envoyés le mercredi 9 mars 2022" in allocation
        supply = await op.get(f"{BASE}/approvisionnement")
        assert "l'approvisionnement ne peut plus changer" in _main(supply.text)
        assert "Enregistrer l'approvisionnement" not in _main(supply.text)


async def test_a_run_of_the_scheduled_job_is_shown_as_the_friday_task_never_as_its_identity(
    friday: Stack, service_identity: ServiceIdentityKeys
) -> None:
    await record_supply_and_publish(friday)
    async with grpc.aio.insecure_channel(friday.backends["mailer"].address) as channel:
        reply = await mailer_grpc.MailerServiceStub(channel).SendDeliveryConfirmations(
            mail_pb.SendDeliveryConfirmationsRequest(session=f"sessions/{SESSION}", request_id=str(uuid.uuid4())),
            metadata=service_identity.metadata_for("friday-confirmations"),
            timeout=30,
        )
    assert reply.run.run_by == "service:friday-confirmations" and reply.run.queued > 0
    async with friday.client() as op:
        await login(op, OPERATOR)
        page = await op.get(f"{BASE}/confirmations")
        row = _main(page.text).split("Envois des confirmations de la session", 1)[1]
        assert "tâche planifiée du vendredi" in row
        _no_raw_ids(page.text)


async def test_the_steps_of_a_session_still_open_say_it_is_not_closed(stack: Stack) -> None:
    async with stack.client() as op:
        await login(op, OPERATOR)
        for step in STEPS:
            page = await op.get(f"/operateur/sessions/demo/{step}")
            assert page.status_code == 200, (step, page.status_code, _main(page.text)[:400])
            assert "La session n'est pas encore close" in _main(page.text), step
            _no_raw_ids(page.text)

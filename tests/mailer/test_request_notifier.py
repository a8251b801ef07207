"""Vial-request e-mails against the real services (sessions, effecteurs,
orders, the mailer with its notifier under its own service identity) and the
dev SMTP sink: the officine is told once when a request arrives, the requester
once when it is decided (médecins, dentistes, sages-femmes), nothing twice
across a restart."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest

from services.mailer import repository as repo
from services.mailer.request_notifier import FEED
from tests.conftest import log_events
from tests.mailer.conftest import Relay
from tests.mailer.stack import (
    AMINA,
    CLAIRE,
    JEANNE,
    LILAS,
    MODERNA,
    NADIA,
    OPEN,
    PFIZER,
    SESSION,
    AfterClose,
    after_close,
    rid,
)
from tests.support.polling import eventually
from vaxorders.orders.v1 import orders_service_pb2 as opb

JEANNE_ID, AMINA_ID, NADIA_ID = "899700000104", "899700000120", "899700000146"
LILAS_ADDRESS = "pharmacie.lilas@example.test"
PARENT = f"{SESSION}/officines/{LILAS}"


@pytest.fixture
async def stack(psc, database_url_for, dataset, start_mailer, service_identity) -> AsyncIterator[AfterClose]:  # type: ignore[no-untyped-def]
    async with after_close(
        psc,
        database_url_for,
        dataset,
        start_mailer,
        service_identity,
        orders_taken=False,
        request_poll_seconds=0.05,
        public_base_url="https://vaccins.example.test",
    ) as running:
        running.clock.set(OPEN)
        yield running


async def ask(stack: AfterClose, who: str, effecteur: str, product: str, vials: int, comment: str = "") -> str:
    answer = await stack.order(
        "CreateVialRequest",
        opb.CreateVialRequestRequest(
            parent=PARENT,
            vial_request=opb.VialRequest(effecteur=effecteur, product=product, vials=vials, comment=comment),
            request_id=rid(),
        ),
        as_=who,
    )
    return str(answer.vial_request.name)


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


async def delivered(relay: Relay, wanted: int) -> list[EmailMessage]:
    found = relay.mails()
    return found if len(found) >= wanted else []


async def test_the_officine_is_told_of_each_request_and_the_professional_of_its_decision_once(
    stack: AfterClose, relay: Relay
) -> None:
    jeanne = await ask(stack, JEANNE_ID, JEANNE, MODERNA, 10, "Campagne au cabinet jeudi")
    nadia = await ask(stack, NADIA_ID, NADIA, MODERNA, 2)
    arrivals = await eventually(lambda: delivered(relay, 2))
    assert [str(m["To"]) for m in arrivals] == [LILAS_ADDRESS, LILAS_ADDRESS]
    subjects = sorted(str(m["Subject"]) for m in arrivals)
    assert subjects == [
        "Nouvelle demande de flacons : Jeanne Dubois demande 10 flacons de Spikevax (Moderna)",
        "Nouvelle demande de flacons : Nadia Fontaine demande 2 flacons de Spikevax (Moderna)",
    ]
    text = next(text_of(m) for m in arrivals if "Jeanne" in str(m["Subject"]))
    assert "Jeanne Dubois (médecin) demande à Pharmacie des Lilas 10 flacons de Spikevax (Moderna)." in text
    assert "« Campagne au cabinet jeudi »" in text
    assert f"https://vaccins.example.test/officines/{LILAS}/demandes" in text
    assert "rpps:" not in text and "effecteurs/" not in text

    # Decisions: the médecin hears of hers (adjusted, with the reason); the infirmier does
    # not get a personal e-mail (the Friday rule), she reads it in her web space.
    await stack.order(
        "ConfirmVialRequest",
        opb.ConfirmVialRequestRequest(name=jeanne, vials=6, reason="Stock limité cette semaine", request_id=rid()),
        as_=CLAIRE,
    )
    await stack.order(
        "DeclineVialRequest",
        opb.DeclineVialRequestRequest(name=nadia, reason="Rupture de stock", request_id=rid()),
        as_=CLAIRE,
    )
    mails = await eventually(lambda: delivered(relay, 3))
    decided = [m for m in mails if str(m["To"]) != LILAS_ADDRESS]
    assert [str(m["To"]) for m in decided] == ["jeanne.dubois@example.test"]
    (decision,) = decided
    assert str(decision["Subject"]) == (
        "Votre demande de 10 flacons de Spikevax (Moderna) a été confirmée par Pharmacie des Lilas"
    )
    text = text_of(decision)
    assert "Pharmacie des Lilas a confirmé votre demande de 10 flacons de Spikevax (Moderna) pour 6 flacons." in text
    assert "Motif : « Stock limité cette semaine »" in text
    assert "https://vaccins.example.test/effecteur" in text

    # A restart reads on from its stored position: nothing is sent again, what comes next is sent once.
    await stack.mailer.stop()
    stack.mailer = await stack.start_mailer(clock=stack.clock, **stack.mailer_overrides)
    amina = await ask(stack, AMINA_ID, AMINA, PFIZER, 3)
    await stack.order(
        "DeclineVialRequest",
        opb.DeclineVialRequestRequest(name=amina, reason="Commande déjà passée pour vous", request_id=rid()),
        as_=CLAIRE,
    )
    mails = await eventually(lambda: delivered(relay, 5))
    assert Counter(str(m["To"]) for m in mails) == Counter(
        [LILAS_ADDRESS, LILAS_ADDRESS, "jeanne.dubois@example.test", LILAS_ADDRESS, "amina.traoré@example.test"]
    )
    refusal = next(m for m in mails if str(m["To"]) == "amina.traoré@example.test")
    assert "a été refusée par Pharmacie des Lilas" in str(refusal["Subject"])
    assert "Motif : « Commande déjà passée pour vous »" in text_of(refusal)
    # The requester withdrawing a request sends nothing; a later event still goes out once.
    withdrawn = await ask(stack, JEANNE_ID, JEANNE, PFIZER, 1)
    await stack.order(
        "CancelVialRequest", opb.CancelVialRequestRequest(name=withdrawn, request_id=rid()), as_=JEANNE_ID
    )
    await ask(stack, AMINA_ID, AMINA, MODERNA, 1)
    mails = await eventually(lambda: delivered(relay, 7))
    await stack.mailer.stop()
    stack.mailer = await stack.start_mailer(clock=stack.clock, **stack.mailer_overrides)
    # Once the restarted notifier has caught up (its position is the last event), nothing more was sent.
    last = await stack.order("ListVialRequestEvents", opb.ListVialRequestEventsRequest(page_size=1000))
    final_id = last.events[-1].id

    async def caught_up() -> bool:
        assert stack.mailer.runtime.db is not None
        async with stack.mailer.runtime.db.read() as session:
            return await repo.feed_position(session, FEED) == final_id

    await eventually(caught_up)
    mails = relay.mails()
    assert len(mails) == 7
    assert len({m["Message-ID"] for m in mails}) == 7
    assert Counter(str(m["To"]) for m in mails)[LILAS_ADDRESS] == 5


async def test_without_a_service_key_the_request_notifier_says_so_once_and_stays_idle(
    start_mailer,
    json_logs,  # type: ignore[no-untyped-def]
) -> None:
    await start_mailer(service_key_file="")
    await eventually(lambda: any(e["event"] == "vial_request.notifier_disabled" for e in log_events(json_logs)))
    events = [e["event"] for e in log_events(json_logs)]
    assert events.count("vial_request.notifier_disabled") == 1
    assert "vial_request.notifier_started" not in events

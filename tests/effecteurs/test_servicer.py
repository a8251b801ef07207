"""EffecteurService over gRPC: real server, real PSC tokens, and the real SessionService
(reference calendar seeded, ManualClock shared by both servers) for the maintenance rule."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from services.common.bootstrap import start_service
from services.common.clock import ManualClock
from services.common.db import Database
from services.common.grpc_errors import MAX_ECHO_CHARS, ErrorDetails
from services.effecteurs.settings import EffecteursSettings
from services.effecteurs.spec import SPEC
from services.sessions.seed import seed_dataset as seed_sessions
from services.sessions.service import SessionsService
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC as SESSIONS_SPEC
from tests.effecteurs.conftest import (
    ADJOINT_LILAS,
    CONFLUENT,
    DUBOIS,
    LILAS,
    OPERATOR,
    TITULAIRE_CONFLUENT,
    TITULAIRE_LILAS,
    paris,
    with_key,
)
from tests.effecteurs.test_import import MIXED, MIXED_REJECTIONS
from tests.support.page_tokens import CRAFTED_PAGE_TOKENS
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as pb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as pb_grpc
from vaxorders.type.v1 import effecteur_type_pb2 as types

FRIDAY_PREVIEW = paris(2022, 3, 4, 10, 0)
SUNDAY_MAINTENANCE = paris(2022, 3, 6, 12, 0)
MONDAY_OPEN = paris(2022, 3, 7, 8, 0)
TUESDAY_CLOSED = paris(2022, 3, 8, 23, 30)
MAINTENANCE_MESSAGE = (
    "Service fermé pour les derniers préparatifs techniques. "
    "Retour du service prévu le lundi 7 mars 2022 à 8\u00a0h\u00a000"
)


@dataclass
class Effecteurs:
    stub: pb_grpc.EffecteurServiceStub
    psc: object

    def as_(self, national_id: str) -> list[tuple[str, str]]:
        return self.psc.metadata_for(national_id)  # type: ignore[attr-defined]


async def refused(call) -> ErrorDetails:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return ErrorDetails.from_rpc_error(caught.value)


@pytest.fixture
def shared_clock() -> ManualClock:
    return ManualClock(FRIDAY_PREVIEW)


@pytest.fixture
async def sessions_address(database_url_for, psc, dataset, shared_clock) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """The real SessionService with the reference week's calendar."""
    url = database_url_for(SESSIONS_SPEC)
    db = Database(url)
    await seed_sessions(SessionsService(db, ManualClock(paris(2022, 3, 3, 9, 0))), dataset, operator=OPERATOR)
    await db.dispose()
    settings = SessionsSettings(service="sessions", database_url=url, environment="test", **psc.settings_overrides())
    running, _ = await start_service(
        SESSIONS_SPEC,
        settings,
        address="127.0.0.1:0",
        clock=shared_clock,
        authenticator=psc.authenticator(shared_clock),
    )
    try:
        yield f"127.0.0.1:{running.port}"
    finally:
        await running.stop(0)


async def _serve(seeded: Database, psc, clock: ManualClock, sessions_address: str) -> AsyncIterator[Effecteurs]:  # type: ignore[no-untyped-def]
    settings = EffecteursSettings(
        service="effecteurs",
        database_url=seeded.url,
        environment="test",
        sessions_address=sessions_address,
        **psc.settings_overrides(),
    )
    running, _ = await start_service(
        SPEC, settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield Effecteurs(pb_grpc.EffecteurServiceStub(channel), psc)
    finally:
        await channel.close()
        await running.stop(0)


@pytest.fixture
async def server(seeded, psc, shared_clock, sessions_address) -> AsyncIterator[Effecteurs]:  # type: ignore[no-untyped-def]
    async for running in _serve(seeded, psc, shared_clock, sessions_address):
        yield running


@pytest.fixture
def closed_port() -> Iterator[str]:
    """An address nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    yield address


def attach_request(parent: str, rpps: str, **fields) -> pb.AttachEffecteurRequest:  # type: ignore[no-untyped-def]
    return pb.AttachEffecteurRequest(parent=parent, identifier_kind=pb.IDENTIFIER_KIND_RPPS, identifier=rpps, **fields)


async def test_an_officine_reading_or_changing_another_officines_attachments_gets_not_found(server: Effecteurs) -> None:
    stub, lilas, confluent = server.stub, server.as_(TITULAIRE_LILAS), server.as_(TITULAIRE_CONFLUENT)
    own = await stub.ListAttachments(pb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=lilas)
    assert own.total_size == 7
    dubois = next(a for a in own.attachments if a.effecteur == "effecteurs/rpps:99700000104")
    new = attach_request(
        f"officines/{LILAS}", with_key("9970000998"), type=types.EFFECTEUR_TYPE_INFIRMIER, display_name="Léa Mercier"
    )
    calls = {
        "ListAttachments": lambda md: stub.ListAttachments(
            pb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=md
        ),
        "AttachEffecteur": lambda md: stub.AttachEffecteur(new, metadata=md),
        "DetachEffecteur": lambda md: stub.DetachEffecteur(pb.DetachEffecteurRequest(name=dubois.name), metadata=md),
        "LookupAttachment": lambda md: stub.LookupAttachment(
            pb.LookupAttachmentRequest(effecteur=dubois.effecteur), metadata=md
        ),
        "ListAttachmentEvents": lambda md: stub.ListAttachmentEvents(
            pb.ListAttachmentEventsRequest(parent=f"officines/{LILAS}"), metadata=md
        ),
        "GetOfficine": lambda md: stub.GetOfficine(pb.GetOfficineRequest(name=f"officines/{LILAS}"), metadata=md),
        "GetEffecteur": lambda md: stub.GetEffecteur(pb.GetEffecteurRequest(name=dubois.effecteur), metadata=md),
    }
    for method, call in calls.items():
        for outsider in (confluent, server.as_(ADJOINT_LILAS)):
            error = await refused(call(outsider))
            assert error.code == grpc.StatusCode.NOT_FOUND, method
            assert "introuvable" in error.message, method
    unknown = await refused(
        stub.ListAttachments(pb.ListAttachmentsRequest(parent="officines/759900129"), metadata=confluent)
    )
    theirs = await refused(
        stub.ListAttachments(pb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=confluent)
    )
    assert (unknown.code, unknown.reason) == (theirs.code, theirs.reason)
    # Nothing changed for Lilas.
    after = await stub.ListAttachments(pb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=lilas)
    assert after == own
    missing = await refused(stub.ListAttachments(pb.ListAttachmentsRequest(parent=f"officines/{LILAS}")))
    assert missing.code == grpc.StatusCode.UNAUTHENTICATED


async def test_maintenance_refuses_changes_and_preview_open_and_closed_periods_allow_them(
    server: Effecteurs, shared_clock: ManualClock
) -> None:
    stub, lilas = server.stub, server.as_(TITULAIRE_LILAS)
    rpps = with_key("9970000997")
    new = attach_request(f"officines/{LILAS}", rpps, type=types.EFFECTEUR_TYPE_MEDECIN, display_name="Paul Durand")
    events = pb.ListAttachmentEventsRequest(parent=f"officines/{LILAS}")
    dubois = (
        await stub.LookupAttachment(pb.LookupAttachmentRequest(effecteur="effecteurs/rpps:99700000104"), metadata=lilas)
    ).attachment

    shared_clock.set(SUNDAY_MAINTENANCE)
    before = await stub.ListAttachmentEvents(events, metadata=lilas)  # reading still works
    for call in (
        stub.AttachEffecteur(new, metadata=lilas),
        stub.DetachEffecteur(pb.DetachEffecteurRequest(name=dubois.name), metadata=lilas),
    ):
        error = await refused(call)
        assert (error.code, error.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "MAINTENANCE")
        assert error.message == MAINTENANCE_MESSAGE
    assert await stub.ListAttachmentEvents(events, metadata=lilas) == before

    shared_clock.set(FRIDAY_PREVIEW)
    attached = (await stub.AttachEffecteur(new, metadata=lilas)).attachment
    shared_clock.set(MONDAY_OPEN)
    await stub.DetachEffecteur(pb.DetachEffecteurRequest(name=attached.name), metadata=lilas)
    shared_clock.set(TUESDAY_CLOSED)
    await stub.AttachEffecteur(new, metadata=lilas)
    # Back in the maintenance window: no stale answer lets a change through.
    shared_clock.set(SUNDAY_MAINTENANCE)
    error = await refused(stub.DetachEffecteur(pb.DetachEffecteurRequest(name=dubois.name), metadata=lilas))
    assert error.reason == "MAINTENANCE"
    history = await stub.ListAttachmentEvents(
        pb.ListAttachmentEventsRequest(parent=f"effecteurs/rpps:{rpps}"), metadata=server.as_(OPERATOR)
    )
    assert [e.action for e in history.events] == [
        pb.AttachmentEvent.ACTION_ATTACHED,
        pb.AttachmentEvent.ACTION_DETACHED,
        pb.AttachmentEvent.ACTION_ATTACHED,
    ]


async def test_without_the_sessions_service_changes_are_refused_as_unavailable(
    seeded, psc, shared_clock, closed_port
) -> None:  # type: ignore[no-untyped-def]
    async for server in _serve(seeded, psc, shared_clock, closed_port):
        lilas = server.as_(TITULAIRE_LILAS)
        new = attach_request(
            f"officines/{LILAS}", with_key("9970000996"), type=types.EFFECTEUR_TYPE_MEDECIN, display_name="X"
        )
        error = await refused(server.stub.AttachEffecteur(new, metadata=lilas))
        assert (error.code, error.reason) == (grpc.StatusCode.UNAVAILABLE, "SESSIONS_UNAVAILABLE")
        assert "la modification n'a pas été faite" in error.message
        listed = await server.stub.ListAttachments(
            pb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=lilas
        )
        assert listed.total_size == 7


async def test_attach_lookup_and_history_read_as_each_party_sees_them(server: Effecteurs) -> None:
    stub, lilas = server.stub, server.as_(TITULAIRE_LILAS)
    rpps = with_key("9970000995")
    attached = (
        await stub.AttachEffecteur(
            attach_request(
                f"officines/{LILAS}",
                rpps,
                type=types.EFFECTEUR_TYPE_SAGE_FEMME,
                display_name="Inès Morel",
                email="ines.morel@example.test",
                request_id="0b6f1f3e-4f0c-4a51-9d7e-3c5f7a1b2c3d",
            ),
            metadata=lilas,
        )
    ).attachment
    assert attached.name.startswith(f"officines/{LILAS}/attachments/")
    assert attached.effecteur == f"effecteurs/rpps:{rpps}"
    assert attached.effecteur_detail.kind == pb.EFFECTEUR_KIND_PROFESSIONAL
    assert attached.effecteur_detail.type == types.EFFECTEUR_TYPE_SAGE_FEMME
    assert attached.attached_by == TITULAIRE_LILAS and not attached.HasField("detach_time")

    own = await stub.LookupAttachment(
        pb.LookupAttachmentRequest(effecteur=f"effecteurs/finess:{LILAS}"), metadata=lilas
    )
    assert own.effecteur.kind == pb.EFFECTEUR_KIND_OFFICINE and own.effecteur.type == types.EFFECTEUR_TYPE_PHARMACIEN
    assert own.attachment.name.startswith(f"officines/{LILAS}/attachments/")

    mine = await stub.LookupAttachment(
        pb.LookupAttachmentRequest(effecteur="effecteurs/rpps:99700000104"), metadata=server.as_(DUBOIS)
    )
    assert mine.attachment.name.startswith(f"officines/{LILAS}/") and mine.effecteur.display_name == "Jeanne Dubois"
    free = await stub.LookupAttachment(
        pb.LookupAttachmentRequest(effecteur="effecteurs/rpps:99700000153"), metadata=server.as_(OPERATOR)
    )
    assert not free.HasField("attachment")

    filtered = await stub.ListAttachments(
        pb.ListAttachmentsRequest(
            parent=f"officines/{LILAS}", type=types.EFFECTEUR_TYPE_SAGE_FEMME, name_contains="MOREL"
        ),
        metadata=lilas,
    )
    assert [a.effecteur for a in filtered.attachments] == [f"effecteurs/rpps:{rpps}"] and filtered.total_size == 1

    checked = await stub.CheckIdentifier(
        pb.CheckIdentifierRequest(identifier_kind=pb.IDENTIFIER_KIND_SIRET, identifier="900 000 099 01076"),
        metadata=lilas,
    )
    assert (checked.identifier, checked.effecteur) == ("90000009901076", "effecteurs/siret:90000009901076")
    bad = await refused(
        stub.CheckIdentifier(
            pb.CheckIdentifierRequest(identifier_kind=pb.IDENTIFIER_KIND_RPPS, identifier="99700000105"), metadata=lilas
        )
    )
    assert bad.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in bad.violations] == ["identifier"]

    elsewhere = await refused(
        stub.AttachEffecteur(attach_request(f"officines/{CONFLUENT}", rpps), metadata=server.as_(TITULAIRE_CONFLUENT))
    )
    assert (elsewhere.code, elsewhere.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "ATTACHED_ELSEWHERE")


async def test_officines_are_created_by_operators_and_changed_with_their_etag(server: Effecteurs) -> None:
    stub, operator = server.stub, server.as_(OPERATOR)
    corsica = pb.Officine(
        finess="2A0000019",
        display_name="Pharmacie du Port",
        postal_code="20000",
        city="Ajaccio",
        titulaires=["899700000013"],
    )
    denied = await refused(
        stub.CreateOfficine(pb.CreateOfficineRequest(officine=corsica), metadata=server.as_(TITULAIRE_LILAS))
    )
    assert denied.code == grpc.StatusCode.PERMISSION_DENIED
    created = (await stub.CreateOfficine(pb.CreateOfficineRequest(officine=corsica), metadata=operator)).officine
    assert (created.name, created.department, created.self_effecteur) == (
        "officines/2A0000019",
        "2A",
        "effecteurs/finess:2A0000019",
    )
    again = await refused(stub.CreateOfficine(pb.CreateOfficineRequest(officine=corsica), metadata=operator))
    assert again.code == grpc.StatusCode.ALREADY_EXISTS

    bad = await refused(
        stub.CreateOfficine(
            pb.CreateOfficineRequest(officine=pb.Officine(finess="759900112", display_name="", postal_code="7502")),
            metadata=operator,
        )
    )
    assert sorted(v.field for v in bad.violations) == [
        "officine.display_name",
        "officine.finess",
        "officine.postal_code",
    ]

    lilas = server.as_(TITULAIRE_LILAS)
    current = (await stub.GetOfficine(pb.GetOfficineRequest(name=f"officines/{LILAS}"), metadata=lilas)).officine
    changed = (
        await stub.UpdateOfficine(
            pb.UpdateOfficineRequest(
                officine=pb.Officine(name=current.name, etag=current.etag, email="contact@lilas.example.test"),
                update_mask=FieldMask(paths=["email"]),
            ),
            metadata=lilas,
        )
    ).officine
    assert changed.email == "contact@lilas.example.test" and changed.etag != current.etag
    stale = await refused(
        stub.UpdateOfficine(
            pb.UpdateOfficineRequest(
                officine=pb.Officine(name=current.name, etag=current.etag, city="Lyon"),
                update_mask=FieldMask(paths=["city"]),
            ),
            metadata=lilas,
        )
    )
    assert stale.code == grpc.StatusCode.ABORTED
    own = await stub.GetEffecteur(pb.GetEffecteurRequest(name=current.self_effecteur), metadata=lilas)
    assert own.effecteur.email == "contact@lilas.example.test"


async def test_the_import_rpc_is_for_operators_and_answers_the_report(server: Effecteurs) -> None:
    def stream(dry_run: bool):  # type: ignore[no-untyped-def]
        yield pb.ImportAttachmentsRequest(options=pb.ImportOptions(dry_run=dry_run, filename="portail.csv"))
        for start in range(0, len(MIXED), 50):
            yield pb.ImportAttachmentsRequest(chunk=MIXED[start : start + 50])

    denied = await refused(server.stub.ImportAttachments(stream(False), metadata=server.as_(TITULAIRE_LILAS)))
    assert denied.code == grpc.StatusCode.PERMISSION_DENIED

    expected = [pb.RejectedRow(line=r.line, field=r.field, reason=r.reason) for r in MIXED_REJECTIONS]
    dry = await server.stub.ImportAttachments(stream(True), metadata=server.as_(OPERATOR))
    assert (dry.rows_read, dry.rows_accepted, dry.rows_unchanged, dry.rows_rejected, dry.dry_run) == (
        17,
        4,
        2,
        11,
        True,
    )
    assert list(dry.rejected) == expected
    real = await server.stub.ImportAttachments(stream(False), metadata=server.as_(OPERATOR))
    assert (real.rows_accepted, real.rows_unchanged, real.dry_run) == (4, 2, False)
    again = await server.stub.ImportAttachments(stream(False), metadata=server.as_(OPERATOR))
    assert (again.rows_accepted, again.rows_unchanged, list(again.rejected)) == (0, 6, expected)

    def without_options():  # type: ignore[no-untyped-def]
        yield pb.ImportAttachmentsRequest(chunk=MIXED)

    error = await refused(server.stub.ImportAttachments(without_options(), metadata=server.as_(OPERATOR)))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT and [v.field for v in error.violations] == ["options"]


async def test_every_list_refuses_a_crafted_page_token_as_invalid_argument(server: Effecteurs) -> None:
    stub, operator = server.stub, server.as_(OPERATOR)
    for token in CRAFTED_PAGE_TOKENS:
        for call in (
            stub.ListOfficines(pb.ListOfficinesRequest(page_token=token), metadata=operator),
            stub.ListEffecteurs(pb.ListEffecteursRequest(page_token=token), metadata=operator),
            stub.ListAttachments(
                pb.ListAttachmentsRequest(parent=f"officines/{LILAS}", page_token=token), metadata=operator
            ),
            stub.ListAttachmentEvents(
                pb.ListAttachmentEventsRequest(parent=f"officines/{LILAS}", page_token=token), metadata=operator
            ),
        ):
            error = await refused(call)
            assert error.code == grpc.StatusCode.INVALID_ARGUMENT, (token[:20], error)
            assert [v.field for v in error.violations] == ["page_token"]
            assert "Jeton de page invalide" in error.message


async def test_a_100000_character_identifier_is_a_clean_invalid_argument_with_a_bounded_message(
    server: Effecteurs,
) -> None:
    request = attach_request(f"officines/{LILAS}", "٩" * 100_000, request_id="3f2b1c9e-4a7d-4c1b-9d2e-1a2b3c4d5e6f")
    error = await refused(server.stub.AttachEffecteur(request, metadata=server.as_(TITULAIRE_LILAS)))
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    assert len(error.message) <= MAX_ECHO_CHARS
    assert [v.field for v in error.violations] == ["identifier"]
    assert all(len(v.description) <= MAX_ECHO_CHARS for v in error.violations)

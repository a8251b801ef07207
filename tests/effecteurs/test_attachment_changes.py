"""ListAttachmentChanges: every officine's attachment events after a position, oldest first,
with what orders' mirror needs (effecteur type and name, where it is attached after the change,
the officine's département); orders' service identity only among the jobs, and operators."""

from __future__ import annotations

import grpc

from services.common.numbers import MAX_STORED_INT
from services.effecteurs import repository
from tests.effecteurs.conftest import DUBOIS, LILAS, OPERATOR, TITULAIRE_LILAS
from tests.effecteurs.test_batch_get import JEANNE, refused, stub  # noqa: F401 (the started service)
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as pb
from vaxorders.type.v1 import effecteur_type_pb2


def orders_identity(service_token) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [("authorization", f"Bearer {service_token('orders')}")]


async def test_orders_reads_the_whole_history_from_zero_then_only_what_follows_its_position(  # type: ignore[no-untyped-def]
    stub,  # noqa: F811
    service_token,
    psc,
    seeded,
    clock,
) -> None:
    everything = await stub.ListAttachmentChanges(
        pb.ListAttachmentChangesRequest(after_id=0), metadata=orders_identity(service_token), timeout=5
    )
    ids = [c.id for c in everything.changes]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) > 0
    jeanne = next(c for c in everything.changes if c.effecteur == JEANNE)
    assert (jeanne.officine, jeanne.changed_officine, jeanne.changed_officine_department) == (
        f"officines/{LILAS}",
        f"officines/{LILAS}",
        "75",
    )
    assert jeanne.effecteur_type == effecteur_type_pb2.EFFECTEUR_TYPE_MEDECIN and jeanne.effecteur_display_name

    # A detachment as DetachEffecteur writes it (the RPC itself also asks SessionService's calendar).
    async with seeded.write() as session:
        found = await repository.effecteur_with_current_attachment(session, JEANNE.removeprefix("effecteurs/"))
        assert found is not None and found[1] is not None
        current = found[1]
        assert await repository.end_attachment(session, current.id, at=clock.now(), by=TITULAIRE_LILAS)
        await repository.add_event(session, current, action="DETACHED", actor=TITULAIRE_LILAS, at=clock.now())
    after = await stub.ListAttachmentChanges(
        pb.ListAttachmentChangesRequest(after_id=ids[-1]), metadata=orders_identity(service_token), timeout=5
    )
    assert [(c.effecteur, c.officine, c.changed_officine) for c in after.changes] == [
        (JEANNE, "", f"officines/{LILAS}")  # attached nowhere now
    ]
    assert after.changes[0].id > ids[-1]
    page = await stub.ListAttachmentChanges(
        pb.ListAttachmentChangesRequest(after_id=0, page_size=2), metadata=psc.metadata_for(OPERATOR), timeout=5
    )
    assert [c.id for c in page.changes] == ids[:2]


async def test_people_and_other_jobs_are_refused(stub, psc, service_token) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    request = pb.ListAttachmentChangesRequest(after_id=0)
    for national_id in (TITULAIRE_LILAS, DUBOIS):
        details = await refused(stub.ListAttachmentChanges(request, metadata=psc.metadata_for(national_id), timeout=5))
        assert (details.code, details.reason) == (grpc.StatusCode.PERMISSION_DENIED, "OPERATORS_ONLY")
    mailer = [("authorization", f"Bearer {service_token('mailer')}")]
    details = await refused(stub.ListAttachmentChanges(request, metadata=mailer, timeout=5))
    assert (details.code, details.reason) == (grpc.StatusCode.PERMISSION_DENIED, "SERVICE_NOT_GRANTED")


async def test_a_position_out_of_range_is_refused_on_after_id(stub, service_token) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    for after_id in (-1, MAX_STORED_INT + 1):
        details = await refused(
            stub.ListAttachmentChanges(
                pb.ListAttachmentChangesRequest(after_id=after_id), metadata=orders_identity(service_token), timeout=5
            )
        )
        assert details.code == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in details.violations] == ["after_id"]

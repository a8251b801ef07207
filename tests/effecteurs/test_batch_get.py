"""BatchGetOfficines and BatchGetEffecteurs: up to 1000 names, in the order asked,
unknown ones left out, one SQL query; operators and granted jobs only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import grpc
import pytest
from sqlalchemy import event

from services.common.bootstrap import start_service
from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.common.grpc_errors import ErrorDetails
from services.common.service_identity import service_principal
from services.effecteurs.service import DirectoryService
from services.effecteurs.settings import EffecteursSettings
from services.effecteurs.spec import SPEC
from tests.effecteurs.conftest import CONFLUENT, DUBOIS, LILAS, OPERATOR, TITULAIRE_LILAS, VIEUX_PORT
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as pb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as pb_grpc

UNKNOWN_FINESS = "759900103"  # valid, not in the reference data
UNKNOWN_RPPS = "99700000203"
AMINA = "effecteurs/rpps:99700000120"  # sage-femme, e-mail with a non-ASCII local part
JEANNE = "effecteurs/rpps:99700000104"
EHPAD = "effecteurs/finess:759901010"


@pytest.fixture
async def stub(seeded: Database, psc, clock: ManualClock) -> AsyncIterator[pb_grpc.EffecteurServiceStub]:  # type: ignore[no-untyped-def]
    settings = EffecteursSettings(
        service="effecteurs",
        database_url=seeded.url,
        environment="test",
        sessions_address="127.0.0.1:9",  # batch reads never ask the calendar
        **psc.settings_overrides(),
    )
    running, _ = await start_service(
        SPEC, settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield pb_grpc.EffecteurServiceStub(channel)
    finally:
        await channel.close()
        await running.stop(0)


async def refused(call) -> ErrorDetails:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return ErrorDetails.from_rpc_error(caught.value)


async def test_an_operator_gets_the_officines_in_the_order_asked_without_the_unknown_ones(stub, psc) -> None:  # type: ignore[no-untyped-def]
    names = [f"officines/{VIEUX_PORT}", f"officines/{UNKNOWN_FINESS}", f"officines/{LILAS}", f"officines/{CONFLUENT}"]
    answer = await stub.BatchGetOfficines(
        pb.BatchGetOfficinesRequest(names=names), metadata=psc.metadata_for(OPERATOR), timeout=5
    )
    assert [o.name for o in answer.officines] == [
        f"officines/{VIEUX_PORT}",
        f"officines/{LILAS}",
        f"officines/{CONFLUENT}",
    ]
    lilas = answer.officines[1]
    assert lilas.display_name == "Pharmacie des Lilas" and lilas.department == "75"


async def test_the_friday_job_gets_the_effecteurs_with_their_addresses_in_the_order_asked(stub, service_token) -> None:  # type: ignore[no-untyped-def]
    names = [AMINA, f"effecteurs/rpps:{UNKNOWN_RPPS}", EHPAD, JEANNE]
    answer = await stub.BatchGetEffecteurs(
        pb.BatchGetEffecteursRequest(names=names),
        metadata=[("authorization", f"Bearer {service_token('friday-confirmations')}")],
        timeout=5,
    )
    assert [e.name for e in answer.effecteurs] == [AMINA, EHPAD, JEANNE]
    assert answer.effecteurs[0].email == "amina.traoré@example.test"
    assert answer.effecteurs[2].display_name == "Jeanne Dubois"


async def test_the_mailer_notifier_reads_officines_too(stub, service_token) -> None:  # type: ignore[no-untyped-def]
    answer = await stub.BatchGetOfficines(
        pb.BatchGetOfficinesRequest(names=[f"officines/{LILAS}"]),
        metadata=[("authorization", f"Bearer {service_token('mailer')}")],
        timeout=5,
    )
    assert [o.name for o in answer.officines] == [f"officines/{LILAS}"]


@pytest.mark.parametrize("national_id", [TITULAIRE_LILAS, DUBOIS], ids=["titulaire", "medecin"])
async def test_people_who_are_not_operators_are_refused_even_for_their_own_records(stub, psc, national_id) -> None:  # type: ignore[no-untyped-def]
    for call in (
        stub.BatchGetOfficines(
            pb.BatchGetOfficinesRequest(names=[f"officines/{LILAS}"]), metadata=psc.metadata_for(national_id), timeout=5
        ),
        stub.BatchGetEffecteurs(
            pb.BatchGetEffecteursRequest(names=[JEANNE]), metadata=psc.metadata_for(national_id), timeout=5
        ),
    ):
        details = await refused(call)
        assert (details.code, details.reason) == (grpc.StatusCode.PERMISSION_DENIED, "OPERATORS_ONLY")
        assert "opérateurs" in details.message


async def test_more_than_1000_names_is_refused_on_the_names_field(stub, psc) -> None:  # type: ignore[no-untyped-def]
    names = [f"officines/{LILAS}"] * 1001
    details = await refused(
        stub.BatchGetOfficines(pb.BatchGetOfficinesRequest(names=names), metadata=psc.metadata_for(OPERATOR), timeout=5)
    )
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["names"]
    assert "Au plus 1000 noms" in details.message
    answer = await stub.BatchGetOfficines(
        pb.BatchGetOfficinesRequest(names=names[:1000]), metadata=psc.metadata_for(OPERATOR), timeout=5
    )
    assert len(answer.officines) == 1000  # exactly 1000 is fine; a repeated name comes back each time


async def test_every_malformed_name_is_reported_at_its_position(stub, psc) -> None:  # type: ignore[no-untyped-def]
    names = [JEANNE, "rpps:99700000104", "effecteurs/rpps:99700000105", "effecteurs/foo:1", AMINA]
    details = await refused(
        stub.BatchGetEffecteurs(
            pb.BatchGetEffecteursRequest(names=names), metadata=psc.metadata_for(OPERATOR), timeout=5
        )
    )
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == ["names[1]", "names[2]", "names[3]"]
    assert all(v.description for v in details.violations)
    details = await refused(
        stub.BatchGetOfficines(
            pb.BatchGetOfficinesRequest(names=[f"officines/{LILAS}", "officines/123"]),
            metadata=psc.metadata_for(OPERATOR),
            timeout=5,
        )
    )
    assert [v.field for v in details.violations] == ["names[1]"]
    assert "officines/123" in details.message or "123" in details.violations[0].description


async def test_no_names_is_an_empty_answer(stub, psc) -> None:  # type: ignore[no-untyped-def]
    answer = await stub.BatchGetEffecteurs(
        pb.BatchGetEffecteursRequest(), metadata=psc.metadata_for(OPERATOR), timeout=5
    )
    assert list(answer.effecteurs) == []


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = db.reader.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_batch_of_1000_is_one_query(directory: DirectoryService, seeded: Database) -> None:
    job: Principal = service_principal("friday-confirmations")
    officines = [f"officines/{LILAS}", f"officines/{UNKNOWN_FINESS}"] * 500
    effecteurs = [JEANNE, AMINA, f"effecteurs/rpps:{UNKNOWN_RPPS}", EHPAD] * 250
    with statements(seeded) as seen:
        found = await directory.batch_get_officines(job, officines)
    assert len(found) == 500 and len(seen) == 1
    with statements(seeded) as seen:
        found_effecteurs = await directory.batch_get_effecteurs(job, effecteurs)
    assert len(found_effecteurs) == 750 and len(seen) == 1

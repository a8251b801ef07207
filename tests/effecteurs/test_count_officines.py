"""CountOfficines, for the operators' cockpit ("officines that have not ordered
yet, per département"): one count per département, operators only."""

from __future__ import annotations

import grpc

from tests.effecteurs.conftest import DUBOIS, OPERATOR, TITULAIRE_LILAS
from tests.effecteurs.test_servicer import Effecteurs, refused, server, sessions_address, shared_clock
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as pb

__all__ = ["server", "sessions_address", "shared_clock"]  # fixtures reused from the servicer tests


async def test_operators_count_officines_per_department_and_see_a_new_one(server: Effecteurs) -> None:
    operator = server.as_(OPERATOR)
    before = await server.stub.CountOfficines(pb.CountOfficinesRequest(), metadata=operator)
    assert [(d.department, d.officines) for d in before.departments] == [("13", 1), ("69", 1), ("75", 1)]
    assert before.total == 3

    corsica = pb.Officine(finess="2A0000019", display_name="Pharmacie du Port", postal_code="20000", city="Ajaccio")
    await server.stub.CreateOfficine(pb.CreateOfficineRequest(officine=corsica), metadata=operator)
    second = pb.Officine(finess="759900129", display_name="Pharmacie Gambetta", postal_code="75020", city="Paris")
    await server.stub.CreateOfficine(pb.CreateOfficineRequest(officine=second), metadata=operator)

    after = await server.stub.CountOfficines(pb.CountOfficinesRequest(), metadata=operator)
    assert [(d.department, d.officines) for d in after.departments] == [("13", 1), ("2A", 1), ("69", 1), ("75", 2)]
    assert after.total == 5


async def test_pharmacists_and_effecteurs_may_not_count_officines(server: Effecteurs) -> None:
    for who in (TITULAIRE_LILAS, DUBOIS):
        denied = await refused(server.stub.CountOfficines(pb.CountOfficinesRequest(), metadata=server.as_(who)))
        assert denied.code == grpc.StatusCode.PERMISSION_DENIED
        assert denied.reason == "OPERATORS_ONLY"

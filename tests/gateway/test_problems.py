"""The error edge's mapping for a backend older than the gateway."""

from __future__ import annotations

import grpc
from grpc.aio import AioRpcError, Metadata

from services.gateway.problems import from_rpc_error


def test_a_backend_that_does_not_know_an_rpc_yet_is_a_501_in_french_never_a_500() -> None:
    error = AioRpcError(grpc.StatusCode.UNIMPLEMENTED, Metadata(), Metadata(), details="Method not implemented!")
    problem = from_rpc_error(error)
    assert (problem.status, problem.reason, problem.title) == (501, "NOT_IMPLEMENTED", "Fonction pas encore disponible")
    assert (
        problem.detail == "Cette fonction n'est pas encore disponible sur ce serveur."
    )  # not the English transport text

"""The error edge's mapping: every gRPC status deliberately, a backend older
than the gateway, real quotas against the transport's own limits."""

from __future__ import annotations

import grpc
from grpc.aio import AioRpcError, Metadata

from services.common.errors import QuotaExceeded
from services.common.grpc_errors import status_for
from services.gateway.problems import from_rpc_error, problem_response


def test_a_backend_that_does_not_know_an_rpc_yet_is_a_501_in_french_never_a_500() -> None:
    error = AioRpcError(grpc.StatusCode.UNIMPLEMENTED, Metadata(), Metadata(), details="Method not implemented!")
    problem = from_rpc_error(error)
    assert (problem.status, problem.reason, problem.title) == (501, "NOT_IMPLEMENTED", "Fonction pas encore disponible")
    assert (
        problem.detail == "Cette fonction n'est pas encore disponible sur ce serveur."
    )  # not the English transport text


ORDERS_DOMAIN = "orders.vaxorders.sante.gouv.fr"


def _rpc_error(code: grpc.StatusCode, details: str = "transport text") -> AioRpcError:
    return AioRpcError(code, Metadata(), Metadata(), details=details)


# Every gRPC status, deliberately: (HTTP status, reason) when the backend sent no ErrorInfo.
EVERY_STATUS = {
    grpc.StatusCode.OK: (500, "INTERNAL"),
    grpc.StatusCode.CANCELLED: (503, "DEPENDENCY_UNAVAILABLE"),
    grpc.StatusCode.UNKNOWN: (500, "INTERNAL"),
    grpc.StatusCode.INVALID_ARGUMENT: (400, "INVALID_ARGUMENT"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "DEADLINE_EXCEEDED"),
    grpc.StatusCode.NOT_FOUND: (404, "NOT_FOUND"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "CONFLICT"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "PERMISSION_DENIED"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (502, "BAD_GATEWAY"),  # gRPC's own size limits, not a quota
    grpc.StatusCode.FAILED_PRECONDITION: (409, "CONFLICT"),
    grpc.StatusCode.ABORTED: (409, "CONFLICT"),
    grpc.StatusCode.OUT_OF_RANGE: (400, "INVALID_ARGUMENT"),
    grpc.StatusCode.UNIMPLEMENTED: (501, "NOT_IMPLEMENTED"),
    grpc.StatusCode.INTERNAL: (500, "INTERNAL"),
    grpc.StatusCode.UNAVAILABLE: (503, "DEPENDENCY_UNAVAILABLE"),
    grpc.StatusCode.DATA_LOSS: (500, "INTERNAL"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "UNAUTHENTICATED"),
}


def test_every_grpc_status_has_a_deliberate_http_status_and_a_french_generic_message() -> None:
    assert set(EVERY_STATUS) == set(grpc.StatusCode)
    for code, expected in EVERY_STATUS.items():
        problem = from_rpc_error(_rpc_error(code, details="Received message larger than max (5000000 vs. 4194304)"))
        assert (problem.status, problem.reason) == expected, code
        assert problem.title != "Erreur" and problem.detail, code
        assert "message" not in problem.detail and "max" not in problem.detail, code  # never the transport's text


def test_resource_exhausted_is_429_only_for_a_quota_refused_by_one_of_our_services() -> None:
    quota = AioRpcError(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        Metadata(),
        Metadata(*status_for(QuotaExceeded("Le plafond de 10 flacons est atteint."), ORDERS_DOMAIN).trailing_metadata),
        details="Le plafond de 10 flacons est atteint.",
    )
    problem = from_rpc_error(quota)
    assert (problem.status, problem.reason, problem.detail) == (
        429,
        "QUOTA_EXCEEDED",
        "Le plafond de 10 flacons est atteint.",
    )

    too_big = from_rpc_error(_rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger than max"))
    assert (too_big.status, too_big.title) == (502, "Erreur d'un service interne")
    assert "message" not in too_big.detail


def test_a_deadline_exceeded_at_a_backend_is_a_504_with_retry_after() -> None:
    response = problem_response(from_rpc_error(_rpc_error(grpc.StatusCode.DEADLINE_EXCEEDED)), "rid")
    assert response.status_code == 504
    assert response.headers["retry-after"] == "5"

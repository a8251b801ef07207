"""The gateway's error edge, in ONE place: a gRPC error (or a refusal of the
gateway itself) becomes an HTTP status and an RFC 9457 problem document.

The API answers it as application/problem+json; the pages show the same
French `detail` and field violations in place. Every gRPC status has a
deliberate row in `_STATUS` (a test checks the table covers them all):
INVALID_ARGUMENT/OUT_OF_RANGE 400, NOT_FOUND 404,
ALREADY_EXISTS/ABORTED/FAILED_PRECONDITION 409, UNAUTHENTICATED 401,
PERMISSION_DENIED 403, UNIMPLEMENTED 501 (a backend older than this gateway),
UNAVAILABLE/CANCELLED 503 (retry), DEADLINE_EXCEEDED 504,
UNKNOWN/INTERNAL/DATA_LOSS/OK 500. RESOURCE_EXHAUSTED is 429 only for a real
quota, i.e. with an ErrorInfo from one of our services; gRPC's own
RESOURCE_EXHAUSTED (a message or metadata over the transport's size limit)
is the gateway's fault towards its backend: 502, with a generic French message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import grpc
import structlog
from starlette.responses import JSONResponse

from services.common.grpc_errors import ErrorDetails

log = structlog.get_logger("gateway.errors")

PROBLEM_JSON = "application/problem+json"

# Our services' ErrorInfo domains ("orders.vaxorders.sante.gouv.fr", see services.common.bootstrap).
OUR_DOMAIN_SUFFIX = ".vaxorders.sante.gouv.fr"

_STATUS = {
    grpc.StatusCode.OK: 500,  # an error that says OK is a broken backend
    grpc.StatusCode.CANCELLED: 503,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.DATA_LOSS: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}
# RESOURCE_EXHAUSTED without our ErrorInfo: the transport's limits, not a user's quota.
_TRANSPORT_EXHAUSTED = 502

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action non autorisée",
    404: "Introuvable",
    405: "Méthode non autorisée",
    409: "Conflit avec l'état actuel",
    413: "Fichier trop volumineux",
    415: "Format non pris en charge",
    429: "Limite atteinte",
    500: "Erreur interne",
    501: "Fonction pas encore disponible",
    502: "Erreur d'un service interne",
    503: "Service momentanément indisponible",
    504: "Délai de réponse dépassé",
}

# What a user reads when the backend sent no French message of its own.
_GENERIC_DETAIL = {
    400: "La requête contient des valeurs invalides.",
    401: "Authentification requise : connectez-vous avec Pro Santé Connect.",
    403: "Vous n'êtes pas autorisé à faire cette action.",
    404: "Cette page ou cette ressource n'existe pas, ou vous n'y avez pas accès.",
    409: "L'action n'est pas possible dans l'état actuel. Rechargez la page et réessayez.",
    429: "La limite autorisée est atteinte.",
    500: "Une erreur inattendue est survenue. Réessayez dans un instant ; si elle persiste, contactez le support.",
    501: "Cette fonction n'est pas encore disponible sur ce serveur.",
    502: "Un service interne n'a pas pu traiter la demande. Réessayez ; si l'erreur persiste, contactez le support.",
    503: "Un service nécessaire ne répond pas pour le moment. Réessayez dans un instant.",
    504: "Le traitement a pris trop de temps. Réessayez dans un instant.",
}

_DEFAULT_REASON = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "CONFLICT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "BAD_GATEWAY",
    503: "DEPENDENCY_UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def json_field_path(proto_path: str) -> str:
    """'line.effecteur_type' -> 'line.effecteurType' (protobuf's JSON names)."""

    def camel(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(p[:1].upper() + p[1:] for p in rest)

    return ".".join(camel(p) for p in proto_path.split("."))


@dataclass
class Problem(Exception):
    status: int
    detail: str
    reason: str
    errors: list[dict[str, str]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TITLES.get(self.status, "Erreur")

    @property
    def type(self) -> str:
        return f"urn:vaxorders:problem:{self.reason.lower().replace('_', '-')}"

    def field_errors(self) -> dict[str, str]:
        """JSON field path -> French description (first one wins)."""
        out: dict[str, str] = {}
        for item in self.errors:
            out.setdefault(item["field"], item["detail"])
        return out

    def body(self, request_id: str, instance: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "reason": self.reason,
            "errors": self.errors,
            "request_id": request_id,
        }
        if instance:
            body["instance"] = instance
        if self.metadata:
            body["metadata"] = self.metadata
        return body


def problem(status: int, reason: str = "", detail: str = "", errors: list[dict[str, str]] | None = None) -> Problem:
    """A refusal decided by the gateway itself (no session, bad CSRF, bad JSON...)."""
    return Problem(
        status=status,
        detail=detail or _GENERIC_DETAIL.get(status, _GENERIC_DETAIL[500]),
        reason=reason or _DEFAULT_REASON.get(status, "ERROR"),
        errors=list(errors or []),
    )


def status_for(details: ErrorDetails) -> int:
    """The HTTP status of a backend's gRPC error (every code has a row in _STATUS)."""
    ours = details.domain.endswith(OUR_DOMAIN_SUFFIX)
    if details.code == grpc.StatusCode.RESOURCE_EXHAUSTED and not ours:
        return _TRANSPORT_EXHAUSTED
    return _STATUS.get(details.code, 500)


def from_rpc_error(error: grpc.RpcError) -> Problem:
    details = ErrorDetails.from_rpc_error(error)
    status = status_for(details)
    ours = details.domain.endswith(OUR_DOMAIN_SUFFIX)
    # A message is shown only when it is the backend's deliberate French one
    # (it came with our ErrorInfo); transport texts are English and technical.
    detail = details.message if ours and details.reason else _GENERIC_DETAIL.get(status, _GENERIC_DETAIL[500])
    if status >= 500 and status not in (503, 504) and details.reason != "INTERNAL":
        # The transport's English text goes to the log only.
        log.warning("backend.unexpected_status", code=details.code.name, reason=details.reason, text=details.message)
    return Problem(
        status=status,
        detail=detail,
        reason=(details.reason if ours else "") or _DEFAULT_REASON.get(status, "INTERNAL"),
        errors=[{"field": json_field_path(v.field), "detail": v.description} for v in details.violations]
        if ours
        else [],
        metadata=details.metadata if ours else {},
    )


def as_problem(error: BaseException) -> Problem:
    if isinstance(error, Problem):
        return error
    if isinstance(error, grpc.RpcError):
        return from_rpc_error(error)
    return problem(500, "INTERNAL")


def problem_response(p: Problem, request_id: str, instance: str = "") -> JSONResponse:
    headers = {"Retry-After": "5"} if p.status in (503, 504) else {}
    return JSONResponse(p.body(request_id, instance), status_code=p.status, media_type=PROBLEM_JSON, headers=headers)

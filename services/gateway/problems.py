"""The gateway's error edge, in ONE place: a gRPC error (or a refusal of the
gateway itself) becomes an HTTP status and an RFC 9457 problem document.

The API answers it as application/problem+json; the pages show the same
French `detail` and field violations in place. The mapping of STYLE.md:
INVALID_ARGUMENT 400, NOT_FOUND 404, ALREADY_EXISTS/ABORTED/FAILED_PRECONDITION
409, RESOURCE_EXHAUSTED 429, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
UNIMPLEMENTED 501 (a backend older than this gateway),
UNAVAILABLE/DEADLINE_EXCEEDED 503, anything else 500.
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

_STATUS = {
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
    grpc.StatusCode.DEADLINE_EXCEEDED: 503,
}

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
    503: "Service momentanément indisponible",
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
    503: "Un service nécessaire ne répond pas pour le moment. Réessayez dans un instant.",
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
    503: "DEPENDENCY_UNAVAILABLE",
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


def from_rpc_error(error: grpc.RpcError) -> Problem:
    details = ErrorDetails.from_rpc_error(error)
    status = _STATUS.get(details.code, 500)
    # A message is shown only when it is the backend's deliberate French one
    # (it came with an ErrorInfo); transport texts are English and technical.
    detail = details.message if details.reason else _GENERIC_DETAIL.get(status, _GENERIC_DETAIL[500])
    if status in (500, 501) and details.reason != "INTERNAL":
        log.warning("backend.unexpected_status", code=details.code.name, reason=details.reason)
    return Problem(
        status=status,
        detail=detail,
        reason=details.reason or _DEFAULT_REASON.get(status, "INTERNAL"),
        errors=[{"field": json_field_path(v.field), "detail": v.description} for v in details.violations],
        metadata=details.metadata,
    )


def as_problem(error: BaseException) -> Problem:
    if isinstance(error, Problem):
        return error
    if isinstance(error, grpc.RpcError):
        return from_rpc_error(error)
    return problem(500, "INTERNAL")


def problem_response(p: Problem, request_id: str, instance: str = "") -> JSONResponse:
    headers = {"Retry-After": "5"} if p.status == 503 else {}
    return JSONResponse(p.body(request_id, instance), status_code=p.status, media_type=PROBLEM_JSON, headers=headers)

"""Domain errors: what went wrong, for whom, in French. No gRPC or HTTP here.

Services raise these; the one edge in grpc_errors.py turns them into a gRPC
status with google.rpc details, and the gateway turns that into HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str  # French, for the user


class DomainError(Exception):
    """Base of every error a user may see. `message` is French, `reason` is
    UPPER_SNAKE for machines, `metadata` adds facts (e.g. remaining vials)."""

    default_reason = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: dict[str, str] | None = None,
        violations: list[FieldViolation] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata = dict(metadata or {})
        self.violations = list(violations or [])


class InvalidArgument(DomainError):
    default_reason = "INVALID_ARGUMENT"

    @classmethod
    def field(cls, name: str, description: str, *, reason: str | None = None) -> InvalidArgument:
        return cls(description, reason=reason, violations=[FieldViolation(name, description)])


class NotFound(DomainError):
    """Also what a caller gets for an object that is not theirs."""

    default_reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    default_reason = "ALREADY_EXISTS"


class Aborted(DomainError):
    """Stale etag or lost race: reload and try again."""

    default_reason = "STALE_ETAG"


class FailedPrecondition(DomainError):
    """The world is not in a state that allows it (session closed, product not open...)."""

    default_reason = "FAILED_PRECONDITION"


class QuotaExceeded(DomainError):
    default_reason = "QUOTA_EXCEEDED"


class Unauthenticated(DomainError):
    default_reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    default_reason = "PERMISSION_DENIED"


class Unavailable(DomainError):
    """A service we depend on did not answer in time; safe to retry."""

    default_reason = "DEPENDENCY_UNAVAILABLE"


@dataclass
class Violations:
    """Collects field violations, then raises them all at once."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, name: str, description: str) -> None:
        self.items.append(FieldViolation(name, description))

    def raise_if_any(self, message: str = "Certaines valeurs sont invalides.") -> None:
        if self.items:
            text = self.items[0].description if len(self.items) == 1 else message
            raise InvalidArgument(text, violations=self.items)

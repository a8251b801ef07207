"""Whether changes are allowed now: SessionService.GetServiceState, cached briefly.

Attachments may change at any time except during a MAINTENANCE window. The
calendar belongs to the sessions service, so we ask it over gRPC with a short
deadline and keep the answer for a few seconds (bounded), and never past the
instant it said the state changes next. If it cannot be reached we refuse with
UNAVAILABLE rather than guess.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import grpc
import structlog

from services.common.clock import Clock, monotonic
from services.common.errors import FailedPrecondition, Unavailable
from services.common.timefmt import from_timestamp, paris_long
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1.sessions_service_pb2_grpc import SessionServiceStub

log = structlog.get_logger("effecteurs.clients")

_UNREACHABLE = (
    "Impossible de vérifier le calendrier du service pour le moment : la modification n'a pas été faite. "
    "Réessayez dans un instant."
)
_MAINTENANCE_DEFAULT = "Le service est fermé pour maintenance."


class ChangeGate(Protocol):
    async def ensure_changes_allowed(self) -> None:
        """Raise FailedPrecondition during maintenance, Unavailable when it cannot tell."""
        ...


@dataclass(frozen=True)
class _Answer:
    state: int
    message: str
    next_change: datetime | None
    fetched_at: datetime  # by our clock
    expires: float  # monotonic


class SessionServiceGate:
    """ChangeGate backed by the sessions service."""

    def __init__(
        self,
        stub_factory: Callable[[], SessionServiceStub],
        clock: Clock,
        *,
        ttl_seconds: float,
        timeout_seconds: float,
    ) -> None:
        self._stub_factory = stub_factory
        self._clock = clock
        self._ttl = ttl_seconds
        self._timeout = timeout_seconds
        self._answer: _Answer | None = None
        # One call in flight at a time: a burst of attaches makes one request.
        self._lock = asyncio.Lock()

    def _fresh(self, answer: _Answer | None) -> _Answer | None:
        """The answer while it may still be trusted, else None."""
        if answer is None or monotonic() >= answer.expires:
            return None
        now = self._clock.now()
        # A clock moved back, or past the announced change, makes the answer stale.
        if now < answer.fetched_at:
            return None
        return answer if answer.next_change is None or now < answer.next_change else None

    async def _current(self) -> _Answer:
        if fresh := self._fresh(self._answer):
            return fresh
        async with self._lock:
            if fresh := self._fresh(self._answer):
                return fresh
            stub = self._stub_factory()
            try:
                response = await stub.GetServiceState(sessions_pb.GetServiceStateRequest(), timeout=self._timeout)
            except grpc.aio.AioRpcError as exc:
                log.warning("service_state.unreachable", code=exc.code().name)
                raise Unavailable(_UNREACHABLE, reason="SESSIONS_UNAVAILABLE") from exc
            self._answer = _Answer(
                state=response.state,
                message=response.message,
                next_change=from_timestamp(response.next_change_time)
                if response.HasField("next_change_time")
                else None,
                fetched_at=self._clock.now(),
                expires=monotonic() + self._ttl,
            )
            return self._answer

    async def ensure_changes_allowed(self) -> None:
        answer = await self._current()
        if answer.state != sessions_pb.SERVICE_STATE_MAINTENANCE:
            return
        # The sessions service words the window's message with its end time; we relay it.
        message = answer.message
        metadata = {}
        if answer.next_change is not None:
            metadata["reopens_at"] = answer.next_change.isoformat()
        if not message:
            message = _MAINTENANCE_DEFAULT
            if answer.next_change is not None:
                message += f" Retour du service prévu le {paris_long(answer.next_change)}."
        raise FailedPrecondition(message, reason="MAINTENANCE", metadata=metadata)


class OpenGate:
    """No calendar to ask (the import command run by an operator during a migration)."""

    async def ensure_changes_allowed(self) -> None:
        return None

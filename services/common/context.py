"""Per-RPC context carried in contextvars: request id, caller, deadline.

The server interceptor sets them from incoming metadata; the client
interceptor forwards them on every outgoing call, so a request id and the
original caller's token travel from the gateway through every hop.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

import grpc

from services.common.clock import monotonic

# What gRPC hands every servicer method (typed servicers annotate `context` with it).
# A string: grpc.aio.ServicerContext is generic in its stubs only, not at run time.
ServicerContext: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"

# gRPC metadata keys (lower case, as gRPC requires).
REQUEST_ID_KEY = "x-request-id"
AUTHORIZATION_KEY = "authorization"
# The end user's network address, set by the gateway only (the support form's rate limit
# counts anonymous requests per address).
CLIENT_ADDRESS_KEY = "x-client-address"


@dataclass(frozen=True)
class Principal:
    """Who is calling, as derived from their validated PSC token."""

    national_id: str
    given_name: str = ""
    family_name: str = ""
    profession_code: str = ""
    # "OFFICINE", "EFFECTEUR", "OPERATOR", "SUPPORT"; "SERVICE" for a scheduled job or internal
    # system (service identity, never PSC), which the interceptor limits to its granted RPCs.
    roles: frozenset[str] = field(default_factory=frozenset)
    acts_for: tuple[str, ...] = ()
    explanation: str = ""
    # PSC outage (services/common/psc_outage.py): "" when PSC vouched for the token, "GRACE"
    # (writes allowed and marked) or "READ_ONLY" when it expired while PSC was unreachable;
    # psc_grace_until is when GRACE ends.
    psc_mode: str = ""
    psc_grace_until: datetime | None = None

    @property
    def under_psc_grace(self) -> bool:
        """Writes made now are marked in the audit trail (PSC could not re-check the caller)."""
        return self.psc_mode == "GRACE"

    @property
    def is_operator(self) -> bool:
        return "OPERATOR" in self.roles

    @property
    def is_support_agent(self) -> bool:
        """On the support agents allow-list: reads an officine's data, changes none of it."""
        return "SUPPORT" in self.roles

    @property
    def is_service(self) -> bool:
        """A job's service identity: national_id is "service:{name}"; what it may call
        is decided per RPC by its grants, before any domain code runs."""
        return "SERVICE" in self.roles

    @property
    def reads_everything(self) -> bool:
        """Operators read everything; a service identity reads what its grants let it call."""
        return self.is_operator or self.is_service

    def may_act_for(self, resource: str) -> bool:
        return resource in self.acts_for

    @property
    def officines(self) -> tuple[str, ...]:
        return tuple(r for r in self.acts_for if r.startswith("officines/"))

    @property
    def effecteurs(self) -> tuple[str, ...]:
        return tuple(r for r in self.acts_for if r.startswith("effecteurs/"))


request_id_var: ContextVar[str] = ContextVar("request_id", default="")
principal_var: ContextVar[Principal | None] = ContextVar("principal", default=None)
token_var: ContextVar[str] = ContextVar("token", default="")
# Monotonic instant by which the current RPC must be answered, if the caller set one.
deadline_var: ContextVar[float | None] = ContextVar("deadline", default=None)
client_address_var: ContextVar[str] = ContextVar("client_address", default="")


def new_request_id() -> str:
    return str(uuid.uuid4())


def current_principal() -> Principal | None:
    return principal_var.get()


def caller_id() -> str:
    principal = principal_var.get()
    return principal.national_id if principal else "anonymous"


def time_left() -> float | None:
    deadline = deadline_var.get()
    return None if deadline is None else deadline - monotonic()

"""The server interceptor every service installs.

For each RPC it binds the request id, caller and deadline to contextvars,
authenticates the bearer token (unless the method is public), lets a
service identity call only the RPCs granted to it (services.common.grants:
PERMISSION_DENIED, reason SERVICE_NOT_GRANTED, before the servicer runs), maps domain
errors to gRPC status in one place, answers a lost database UNAVAILABLE
(services.common.db_failures), hides other unexpected exceptions behind
INTERNAL, and emits one log event and the metrics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import structlog
from google.protobuf.message import DecodeError

from services.common import context as ctx
from services.common.authn import Authenticator, is_infrastructure
from services.common.clock import Clock, SystemClock
from services.common.context import ServicerContext
from services.common.dates import check_timestamps
from services.common.db_failures import database_unavailable
from services.common.errors import DomainError, InvalidArgument, PermissionDenied, Unauthenticated
from services.common.grants import is_granted, is_known
from services.common.grpc_errors import internal_status, status_for
from services.common.metrics import MethodMetrics, RpcMetrics
from services.common.psc_outage import check_outage_mode
from services.common.service_identity import identity_of

log = structlog.get_logger("rpc")
_rpc_logger = logging.getLogger("rpc")  # what structlog's stdlib factory logs through

Req = TypeVar("Req")
Resp = TypeVar("Resp")

_MISSING_TOKEN = "Authentification requise : connectez-vous avec Pro Santé Connect."
_UNKNOWN_SERVICE = "Identité de service inconnue : l'appel est refusé."


class ServerInterceptor(grpc.aio.ServerInterceptor):
    def __init__(
        self,
        domain: str,
        metrics: RpcMetrics,
        authenticator: Authenticator | None,
        public_methods: Iterable[str] = (),
        clock: Clock | None = None,
    ) -> None:
        self._domain = domain
        self._metrics = metrics
        self._authenticator = authenticator
        self._public = frozenset(public_methods)
        # Every Timestamp of every request is checked against the accepted dates
        # (services.common.dates) before the servicer sees it: INVALID_ARGUMENT, never INTERNAL.
        self._clock = clock or SystemClock()
        self._wrapped: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Req, Resp] | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Req, Resp] | None:
        method = handler_call_details.method
        # A server's handlers are registered before it starts: the wrapped handler of a method is
        # built once, not per call (unknown methods are not kept: any name can be sent).
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = await continuation(handler_call_details)
            if handler is None:
                return None
            wrapped = self._wrapped[method] = self._wrap(method, handler)
        return wrapped

    def _wrap(self, method: str, handler: grpc.RpcMethodHandler[Req, Resp]) -> grpc.RpcMethodHandler[Req, Resp]:
        decode, encode = _lenient(handler.request_deserializer), handler.response_serializer
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(self._unary(method, handler.unary_unary), decode, encode)
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(self._streaming(method, handler.unary_stream), decode, encode)
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                self._unary(method, handler.stream_unary, streamed=True), decode, encode
            )
        if handler.stream_stream:
            return grpc.stream_stream_rpc_method_handler(
                self._streaming(method, handler.stream_stream, streamed=True), decode, encode
            )
        return handler

    def _checked(self, request: Any, streamed: bool) -> Any:
        """The request after the checks every RPC gets; a streamed request is checked message by
        message as the servicer reads it (what it raises reaches the same error edge)."""
        if not streamed:
            return self._check(request)

        async def messages() -> AsyncIterator[Any]:
            async for message in request:
                yield self._check(message)

        return messages()

    def _check(self, message: Any) -> Any:
        if isinstance(message, _Undecodable):
            log.info("rpc.undecodable_request", error=message.error)
            raise InvalidArgument(UNDECODABLE, reason="UNDECODABLE_REQUEST")
        check_timestamps(message, self._clock.now())
        return message

    # The servicer's method as grpc.aio holds it: a coroutine function (unary answer) or an
    # async generator function (streamed answer); the grpc stubs type handlers the sync way.
    # One coroutine per call around the servicer's: each extra await layer was a measurable
    # share of an empty RPC's cost (docs/benchmarks.md).
    def _unary(
        self, method: str, behavior: Callable[..., Any], *, streamed: bool = False
    ) -> Callable[[Any, ServicerContext], Awaitable[Any]]:
        metrics = self._metrics.for_method(method)

        async def wrapper(request: Any, context: ServicerContext) -> Any:
            call = _Call(self, method, metrics, context)
            try:
                await call.authenticate()
                try:
                    return await behavior(self._checked(request, streamed), context)
                except Exception as exc:
                    await call.fail(exc)
                    raise
            except BaseException:
                call.interrupted()
                raise
            finally:
                call.end()

        return wrapper

    def _streaming(
        self, method: str, behavior: Callable[..., Any], *, streamed: bool = False
    ) -> Callable[[Any, ServicerContext], AsyncIterator[Any]]:
        metrics = self._metrics.for_method(method)

        async def wrapper(request: Any, context: ServicerContext) -> AsyncIterator[Any]:
            call = _Call(self, method, metrics, context)
            try:
                await call.authenticate()
                try:
                    async for item in behavior(self._checked(request, streamed), context):
                        yield item
                except Exception as exc:
                    await call.fail(exc)
                    raise
            except BaseException:
                call.interrupted()
                raise
            finally:
                call.end()

        return wrapper


class _Call:
    """One RPC going through the interceptor: its context is bound on creation, and `end()`
    records it (metrics, one log event) and unbinds it."""

    __slots__ = ("_tokens", "code", "context", "method", "metrics", "owner", "started")

    def __init__(self, owner: ServerInterceptor, method: str, metrics: MethodMetrics, context: ServicerContext) -> None:
        self.owner, self.method, self.metrics, self.context = owner, method, metrics, context
        self.code = "OK"
        self.started = time.perf_counter()
        request_id = token = ""
        for key, value in self.context.invocation_metadata() or ():
            if key == ctx.REQUEST_ID_KEY and isinstance(value, str):
                request_id = value
            elif key == ctx.AUTHORIZATION_KEY and isinstance(value, str):
                token = value
        request_id = request_id or ctx.new_request_id()
        token = token[7:].strip() if token[:7].lower() == "bearer " else ""
        remaining = self.context.time_remaining()
        self._tokens = (
            ctx.request_id_var.set(request_id),
            ctx.token_var.set(token),
            ctx.principal_var.set(None),
            ctx.deadline_var.set(None if remaining is None else time.monotonic() + remaining),
            structlog.contextvars.bind_contextvars(request_id=request_id, rpc_method=self.method, caller="anonymous"),
        )

    async def authenticate(self) -> None:
        owner = self.owner
        if owner._authenticator is None or is_infrastructure(self.method):
            return
        token = ctx.token_var.get()
        try:
            if token:
                principal = await owner._authenticator.authenticate(token)
                ctx.principal_var.set(principal)
                structlog.contextvars.bind_contextvars(caller=principal.national_id)
                if principal.is_service:
                    _check_grant(principal, self.method)
                elif principal.psc_mode and self.method not in owner._public:
                    check_outage_mode(principal, self.method)  # PSC outage: GRACE or READ_ONLY
            elif self.method not in owner._public:
                raise Unauthenticated(_MISSING_TOKEN, reason="MISSING_TOKEN")
        except DomainError as error:
            await self._abort_domain(error)

    async def fail(self, exc: Exception) -> None:
        """What a handler (unary or streaming) raised becomes its status (abort raises)."""
        if isinstance(exc, DomainError):
            await self._abort_domain(exc)
        elif isinstance(exc, grpc.aio.AbortError):
            self.code = _code_name(self.context)
        elif (lost := database_unavailable(exc)) is not None:
            # Retryable, never INTERNAL: see services/common/db_failures.py.
            log.warning("rpc.database_unavailable", error=f"{type(exc).__name__}: {exc}"[:500])
            await self._abort_domain(lost)
        else:
            await self._abort_internal()

    async def _abort_domain(self, error: DomainError) -> None:
        status = status_for(error, self.owner._domain)
        self.code = status.code.name
        log.info("rpc.refused", reason=error.reason, error=error.message)
        await self.context.abort_with_status(status)

    async def _abort_internal(self) -> None:
        self.code = "INTERNAL"
        log.exception("rpc.unexpected_error")
        await self.context.abort_with_status(internal_status(self.owner._domain))

    def interrupted(self) -> None:
        if self.code == "OK":
            # Cancelled by the client or the server shutting down.
            self.code = "CANCELLED"

    def end(self) -> None:
        duration = time.perf_counter() - self.started
        self.metrics.observe(self.code, duration)
        if _rpc_logger.isEnabledFor(logging.INFO):  # one event per RPC: not even built at WARNING
            log.info("rpc", code=self.code, duration_ms=round(duration * 1000, 2))
        request_id, token, principal, deadline, bound = self._tokens
        structlog.contextvars.reset_contextvars(**bound)
        ctx.deadline_var.reset(deadline)
        ctx.principal_var.reset(principal)
        ctx.token_var.reset(token)
        ctx.request_id_var.reset(request_id)


# protobuf refuses some bytes the wire allows (invalid UTF-8 in a string field, a truncated
# message): grpc would answer UNKNOWN with the parser's English text before any handler runs.
# The request is handed on as _Undecodable instead, and refused as INVALID_ARGUMENT in French
# once the caller is authenticated, like any other bad input.
UNDECODABLE = "Requête illisible : un champ texte n'est pas en UTF-8 valide ou le message est mal formé."


@dataclass(frozen=True)
class _Undecodable:
    error: str


def _lenient(decode: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if decode is None:
        return None
    strict = decode

    def lenient(data: bytes) -> Any:
        try:
            return strict(data)
        except DecodeError as error:
            return _Undecodable(str(error))

    return lenient


def _check_grant(principal: ctx.Principal, method: str) -> None:
    """A service identity calls only what services.common.grants lets it, whatever the servicer says."""
    identity = identity_of(principal)
    if not identity or not is_known(identity):
        raise Unauthenticated(_UNKNOWN_SERVICE, reason="UNKNOWN_SERVICE_IDENTITY")
    if not is_granted(identity, method):
        raise PermissionDenied(
            f"L'identité de service « {identity} » n'est pas autorisée à appeler {method}.",
            reason="SERVICE_NOT_GRANTED",
            metadata={"identity": identity, "method": method},
        )


def _code_name(context: ServicerContext) -> str:
    code: object = context.code()  # None until a code is set
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "UNKNOWN"

"""Start one service: settings -> logging -> migrations -> server -> drain on signal.

Each service describes itself with a ServiceSpec; its __main__ is one line:
`run(SPEC, OrdersSettings)`. Tests call `start_service(spec, settings, ...)`
to get the same server on port 0.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from services.common.authn import Authenticator
from services.common.channels import Channels
from services.common.clock import Clock, clock_from_start
from services.common.db import Database, PoolSizes, migrate
from services.common.logging import configure_logging
from services.common.metrics import RpcMetrics
from services.common.planner_statistics import warn_if_autovacuum_off
from services.common.psc_reachability import PscReachability
from services.common.server import Registration, RunningServer, create_server, serve_until_signalled
from services.common.service_authn import with_service_identity
from services.common.settings import ServiceSettings
from services.common.workers import run_workers

log = structlog.get_logger("bootstrap")

# How long stopping background tasks and closing the database may take at shutdown.
_CLOSE_SECONDS = 5.0


@dataclass
class Runtime:
    """What a service's build function receives: its dependencies, created once."""

    settings: ServiceSettings
    clock: Clock
    db: Database | None
    channels: Channels
    authenticator: Authenticator | None
    # The registry /metrics serves: a service may add its own gauges to it.
    metrics: RpcMetrics = field(default_factory=RpcMetrics)
    # What build hands to the background tasks (e.g. orders' attachment mirror, which the
    # servicer reads and a background task keeps up to date), by name.
    shared: dict[str, object] = field(default_factory=dict)


@dataclass
class ServiceSpec:
    name: str  # "orders": the settings' service, the log field, the ErrorInfo domain prefix
    service_names: Sequence[str]  # full gRPC names, e.g. "vaxorders.orders.v1.OrderService"
    build: Callable[[Runtime], Awaitable[Iterable[Registration]]]
    migrations_dir: Path | None = None
    public_methods: Sequence[str] = ()
    # Background tasks started with the server (e.g. the mail dispatcher) and cancelled at stop:
    # once per service, in its first worker.
    background: Sequence[Callable[[Runtime], Coroutine[Any, Any, None]]] = field(default_factory=tuple)
    # Tasks every worker runs for itself, because they keep what that process answers from
    # fresh (orders' attachment mirror and its freshness bound).
    every_worker: Sequence[Callable[[Runtime], Coroutine[Any, Any, None]]] = field(default_factory=tuple)

    @property
    def domain(self) -> str:
        return f"{self.name}.vaxorders.sante.gouv.fr"


def default_authenticator(settings: ServiceSettings, clock: Clock) -> Authenticator:
    from services.common.psc_tokens import PscAuthenticator  # noqa: PLC0415 (keeps import cost off tests that pass their own)

    return PscAuthenticator(settings, clock)


def migrate_service(spec: ServiceSpec, settings: ServiceSettings) -> None:
    if spec.migrations_dir is not None:
        migrate(settings.resolved_database_url(), spec.migrations_dir, f"alembic_version_{spec.name}")


async def start_service(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    address: str | None = None,
    clock: Clock | None = None,
    authenticator: Authenticator | None = None,
    background: bool = True,
) -> tuple[RunningServer, Runtime]:
    """Build and start the service (migrations must have run). Port 0 binds any free port.
    `background=False` leaves out the spec's background tasks (workers other than the first);
    `every_worker` tasks always run."""
    clock = clock or clock_from_start(settings.clock_start)
    runtime = Runtime(
        settings=settings,
        clock=clock,
        db=Database(settings.resolved_database_url(), pools=PoolSizes.of(settings))
        if spec.migrations_dir is not None
        else None,
        channels=Channels(settings.call_timeout_seconds),
        authenticator=authenticator or default_authenticator(settings, clock),
    )
    if runtime.db is not None and background:  # once per service, not per worker process
        await warn_if_autovacuum_off(runtime.db)
    registrations = await spec.build(runtime)
    running = await create_server(
        address or f"{settings.grpc_host}:{settings.resolved_grpc_port()}",
        domain=spec.domain,
        service_names=spec.service_names,
        registrations=registrations,
        # Job tokens (iss "vaxorders-service") are verified next to PSC ones, whatever PSC
        # authenticator the runtime has; their grants are enforced by the interceptor.
        authenticator=None
        if runtime.authenticator is None
        else with_service_identity(runtime.authenticator, settings, clock),
        public_methods=spec.public_methods,
        metrics=runtime.metrics,
        clock=clock,
    )
    jobs = [*spec.every_worker, *(spec.background if background else ())]
    tasks = [asyncio.create_task(job(runtime)) for job in jobs]
    reachability = getattr(runtime.authenticator, "reachability", None)
    if isinstance(reachability, PscReachability):
        # PSC outage: the vaxorders_psc_reachable gauge, kept fresh (docs/psc-outage.md).
        reachability.register_gauge(runtime.metrics.registry)
        tasks.append(asyncio.create_task(reachability.watch()))

    async def _close() -> None:
        # Bounded: a process must exit after its grace period, whatever a task is doing.
        for task in tasks:
            task.cancel()
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=_CLOSE_SECONDS)
            if stuck:
                log.warning("server.background_task_did_not_stop", tasks=len(stuck))
        await runtime.channels.close()
        if runtime.db is not None:
            try:
                await asyncio.wait_for(runtime.db.dispose(), _CLOSE_SECONDS)
            except TimeoutError:
                log.warning("server.database_dispose_timed_out")

    running.on_stop.append(_close)
    return running, runtime


def run(spec: ServiceSpec, settings_cls: type[ServiceSettings]) -> None:
    """Entry point of `python -m services.<name>`: one process, or `settings.workers`
    processes on the same port (services/common/workers.py)."""
    settings = settings_cls(service=spec.name)
    configure_logging(spec.name, settings.log_format, settings.log_level)
    migrate_service(spec, settings)
    if settings.workers == 1:
        _serve(spec, settings, 0)
        return
    status = run_workers(settings.workers, functools.partial(_worker, spec.name, settings_cls))
    if status:
        raise SystemExit(status)


def _worker(name: str, settings_cls: type[ServiceSettings], index: int) -> None:
    """One spawned worker: it imports its service's spec again (the parent's is not pickled)."""
    spec: ServiceSpec = importlib.import_module(f"services.{name}.spec").SPEC
    settings = settings_cls(service=name)
    configure_logging(name, settings.log_format, settings.log_level)
    structlog.contextvars.bind_contextvars(worker=index)
    _serve(spec, settings, index)


def _serve(spec: ServiceSpec, settings: ServiceSettings, index: int) -> None:
    async def _main() -> None:
        # Background tasks (dispatchers, notifiers) run once per service, in the first worker;
        # each worker serves its own /metrics, on the metrics port plus its index.
        running, _ = await start_service(spec, settings, background=index == 0)
        running.metrics.serve(settings.resolved_metrics_port() + index, settings.grpc_host)
        await serve_until_signalled(running, settings.grace_seconds)

    asyncio.run(_main())

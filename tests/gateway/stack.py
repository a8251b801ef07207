"""The whole suite, really running, for the gateway's tests: the five gRPC
services in-process (the shared bootstrap, port 0, fresh databases, seeded
from the reference dataset), a local PSC issuer whose registered redirect URI
is this gateway's, an SMTP sink for the mailer, and the gateway under uvicorn
on a socket bound first (so its public URL carries the real port).

Everything runs on the test's event loop: gRPC's asyncio stack and the
gateway's channels must share one loop.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import uvicorn

from services.auth.dev_issuer.server import ThreadedIssuer
from services.auth.settings import AuthSettings
from services.common.bootstrap import ServiceSpec, start_service
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.server import RunningServer
from services.common.settings import ServiceSettings
from services.gateway.app import create_app
from services.gateway.metrics import HttpMetrics
from services.gateway.settings import GatewaySettings
from services.gateway.spec import DATABASE
from services.mailer.sink import MailSink, start_smtp
from tests.support.polling import eventually
from tests.support.psc import DATASET_PATH, Psc

# Start order: a service is started after those it calls.
BACKENDS = ("auth", "sessions", "effecteurs", "orders", "mailer")

# The `database_url_for` fixture (tests/conftest.py): a fresh, migrated database per service.
DatabaseUrlFor = Callable[[ServiceSpec], str]


@dataclass
class Backend:
    name: str
    spec: ServiceSpec
    settings: ServiceSettings
    running: RunningServer

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.running.port}"


@dataclass
class Stack:
    base_url: str
    psc: Psc
    backends: dict[str, Backend]
    gateway_settings: GatewaySettings
    _server: uvicorn.Server
    _task: asyncio.Task[None]
    _issuer: ThreadedIssuer
    metrics: HttpMetrics = field(default_factory=HttpMetrics)
    _closers: list[Callable[[], Any]] = field(default_factory=list)

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=30.0, **kwargs)

    async def stop_backend(self, name: str) -> None:
        await self.backends[name].running.stop(0)

    async def close(self) -> None:
        self._server.should_exit = True
        await asyncio.wait_for(self._task, 30)
        for backend in reversed(list(self.backends.values())):
            await backend.running.stop(0)
        for closer in reversed(self._closers):
            result = closer()
            if asyncio.iscoroutine(result):
                await result
        self._issuer.stop()


def _settings_class(name: str) -> type[ServiceSettings]:
    module = __import__(f"services.{name}.settings", fromlist=["*"])
    classes = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, ServiceSettings)
        and obj is not ServiceSettings
        and obj.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"services.{name}.settings: expected one settings class, got {classes}"
    return classes[0]


def _spec(name: str) -> ServiceSpec:
    return __import__(f"services.{name}.spec", fromlist=["SPEC"]).SPEC


async def _seed(name: str, settings: ServiceSettings, clock: Clock) -> None:
    """Each service seeds its own data from the dataset, as `python -m services.<name> seed` does."""
    if name == "sessions":
        from services.sessions.seed import seed_file  # noqa: PLC0415
        from services.sessions.settings import SessionsSettings  # noqa: PLC0415

        await seed_file(DATASET_PATH, cast(SessionsSettings, settings))
    elif name == "effecteurs":
        from services.effecteurs.seed import seed_file as seed_effecteurs  # noqa: PLC0415

        db = Database(settings.resolved_database_url())
        try:
            await seed_effecteurs(DATASET_PATH, db, clock)
        finally:
            await db.dispose()
    # auth, orders and mailer have no seed data: users create theirs.


async def start_stack(
    database_url_for: DatabaseUrlFor,
    tmp: Path,
    *,
    clock: Clock | None = None,
    service_public_key_file: str = "",
    gateway_overrides: dict[str, Any] | None = None,
    common_settings: dict[str, Any] | None = None,
) -> Stack:
    """The suite on one clock (the system's unless given: issuer, services and gateway share it);
    with a service-identity public key, every service also accepts the job tokens tests mint;
    gateway_overrides are more GatewaySettings (the cockpit's metrics addresses);
    `common_settings` (CommonSettings fields) go to every service and the gateway."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    clock = clock or SystemClock()
    operators = [str(x) for x in json.loads(DATASET_PATH.read_text(encoding="utf-8"))["operators"]]

    issuer = ThreadedIssuer.start(
        AuthSettings(
            service="auth",
            environment="test",
            data_dir=tmp / "issuer",
            issuer_dataset=DATASET_PATH,
            redirect_uris=[f"{base_url}/auth/callback"],
            post_logout_redirect_uris=[f"{base_url}/"],
        ),
        clock=clock,
    )
    psc = Psc(issuer, operators, service_public_key_file)
    closers: list[Callable[[], Any]] = []
    backends: dict[str, Backend] = {}
    addresses: dict[str, str] = {}
    extra: dict[str, dict[str, Any]] = {
        "auth": {"redirect_uris": [f"{base_url}/auth/callback"], "post_logout_redirect_uris": [f"{base_url}/"]},
    }
    try:
        smtp = await start_smtp(MailSink(tmp / "mail"), "127.0.0.1", 0)
        closers.append(smtp.close)
        extra["mailer"] = {"smtp_port": smtp.sockets[0].getsockname()[1], "mail_poll_seconds": 0.2}
        for name in BACKENDS:
            spec = _spec(name)
            settings = _settings_class(name)(
                service=name,
                environment="test",
                data_dir=tmp / name,
                database_url=database_url_for(spec),
                **psc.settings_overrides(),
                **addresses,
                **extra.get(name, {}),
                **(common_settings or {}),
            )
            await _seed(name, settings, clock)
            running, _ = await start_service(spec, settings, address="127.0.0.1:0", clock=clock)
            backends[name] = Backend(name, spec, settings, running)
            addresses[f"{name}_address"] = backends[name].address
        gateway_settings = GatewaySettings(
            environment="test",
            data_dir=tmp / "gateway",
            public_base_url=base_url,
            database_url=database_url_for(DATABASE),
            **psc.settings_overrides(),
            **addresses,
            **(gateway_overrides or {}),
            **(common_settings or {}),
        )
        metrics = HttpMetrics()
        app = create_app(gateway_settings, clock=clock, metrics=metrics)
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        await eventually(lambda: server.started or task.done(), timeout=30)
        if task.done():
            task.result()
    except BaseException:
        for backend in backends.values():
            await backend.running.stop(0)
        for closer in closers:
            closer()
        issuer.stop()
        raise
    return Stack(base_url, psc, backends, gateway_settings, server, task, issuer, metrics, closers)

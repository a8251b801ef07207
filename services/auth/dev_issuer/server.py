"""Running the local issuer: as a process (`python -m services.auth issuer`) or in a
background thread of a test session, on a socket bound before the app is built so
the issuer URL can carry the real port."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import uvicorn

from services.auth.dev_issuer.app import Issuer, IssuerConfig, create_app
from services.auth.dev_issuer.grants import Client
from services.auth.dev_issuer.identities import Identity, load_identities
from services.auth.dev_issuer.keys import KeyStore
from services.auth.settings import AuthSettings
from services.common.clock import Clock, clock_from_start

ISSUER_PATH = "/auth/realms/esante-wallet"


class ProductionRefused(RuntimeError):
    pass


def refuse_production(settings: AuthSettings) -> None:
    if settings.environment == "production":
        raise ProductionRefused("the local PSC issuer never runs with VAXORDERS_ENVIRONMENT=production")


def config_from_settings(
    settings: AuthSettings,
    *,
    origin: str | None = None,
    identities: dict[str, Identity] | None = None,
    keys: KeyStore | None = None,
    clock: Clock | None = None,
) -> IssuerConfig:
    """The issuer of `settings.psc_issuer` (or the same path under `origin`)."""
    refuse_production(settings)
    issuer = settings.psc_issuer.rstrip("/")
    authorize_url = settings.authorize_url
    if origin is not None:
        path = urlsplit(issuer).path or ISSUER_PATH
        issuer = f"{origin}{path}"
        authorize_url = f"{origin}{urlsplit(authorize_url).path or '/authorize'}"
    client = Client(
        settings.psc_client_id,
        settings.secret,
        tuple(settings.redirect_uris),
        tuple(settings.post_logout_redirect_uris),
    )
    return IssuerConfig(
        issuer=issuer,
        authorize_url=authorize_url,
        clients={client.client_id: client},
        identities=identities if identities is not None else load_identities(settings.issuer_dataset),
        keys=keys or KeyStore(settings.issuer_keys_dir),
        clock=clock or clock_from_start(settings.clock_start),
    )


def serve(settings: AuthSettings) -> None:
    """Blocking: the issuer on issuer_host:issuer_port until SIGINT/SIGTERM."""
    parts = urlsplit(settings.psc_issuer)
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    app = create_app(config_from_settings(settings, origin=origin))
    uvicorn.run(app, host=settings.issuer_host, port=settings.issuer_port, log_config=None, access_log=False)


@dataclass
class ThreadedIssuer:
    """An issuer in a daemon thread on 127.0.0.1, port chosen by the OS (tests)."""

    config: IssuerConfig
    state: Issuer
    server: uvicorn.Server
    thread: threading.Thread
    origin: str

    @classmethod
    def start(
        cls,
        settings: AuthSettings,
        *,
        timeout: float = 20.0,
        identities: dict[str, Identity] | None = None,
        keys: KeyStore | None = None,
        clock: Clock | None = None,
    ) -> ThreadedIssuer:
        sock = _bound(0)
        origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = config_from_settings(settings, origin=origin, identities=identities, keys=keys, clock=clock)
        app = create_app(config)
        server, thread = _serve_in_thread(app, sock)
        issuer = cls(config, app.state.psc, server, thread, origin)
        issuer._wait_ready(timeout)
        return issuer

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def restart(self, timeout: float = 20.0) -> None:
        """Serve again on the same address after stop(): PSC back from an outage, with the
        same keys and the same sessions (its refresh tokens still work)."""
        if self.running:
            return
        port = int(self.origin.rsplit(":", 1)[1])
        self.server, self.thread = _serve_in_thread(self.server.config.app, _bound(port))
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.config.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                raise RuntimeError("the local PSC issuer thread died at start-up")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.02)  # polling with a deadline, not waiting for a guessed duration
        raise RuntimeError("the local PSC issuer did not become ready")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop answering (the listening socket is closed): also what tests of a PSC outage do."""
        self.server.should_exit = True
        self.thread.join(timeout)


def _bound(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


def _serve_in_thread(app: Any, sock: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))

    def run() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=run, name="psc-dev-issuer", daemon=True)
    thread.start()
    return server, thread

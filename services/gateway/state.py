"""Everything the gateway process creates once and every request shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from starlette.templating import Jinja2Templates

from services.common.channels import Channels
from services.common.clock import Clock
from services.common.db import Database, PoolSizes
from services.common.psc_outage import OutagePolicy
from services.common.psc_reachability import PscReachability, discovery_url
from services.gateway.backends import Backends
from services.gateway.cockpit.service_metrics import ServiceMetrics
from services.gateway.principals import AuthServiceRefresher
from services.gateway.settings import GatewaySettings
from services.gateway.web.cookies import Cookies
from services.gateway.web.secrets import Keys
from services.gateway.web.sessions import WebSessions

HERE = Path(__file__).resolve().parent


@dataclass
class Gateway:
    settings: GatewaySettings
    clock: Clock
    channels: Channels
    backends: Backends
    db: Database
    sessions: WebSessions
    keys: Keys
    cookies: Cookies
    templates: Jinja2Templates
    service_metrics: ServiceMetrics
    # PSC outage (docs/psc-outage.md): whether PSC answers, and what a session may do when not.
    psc: PscReachability
    outage: OutagePolicy

    @classmethod
    def build(cls, settings: GatewaySettings, clock: Clock, templates: Jinja2Templates) -> Gateway:
        channels = Channels(settings.call_timeout_seconds)
        backends = Backends.connect(channels, settings)
        db = Database(settings.resolved_database_url(), pools=PoolSizes.of(settings))
        keys = Keys(settings.session_secret.get_secret_value())
        psc = PscReachability(discovery_url(settings.psc_issuer), clock, interval=settings.psc_probe_interval_seconds)
        outage = OutagePolicy.from_settings(settings)
        sessions = WebSessions(
            db,
            keys,
            clock,
            AuthServiceRefresher(backends.auth),
            idle=timedelta(seconds=settings.session_idle_seconds),
            absolute=timedelta(seconds=settings.session_absolute_seconds),
            refresh_margin=timedelta(seconds=settings.token_refresh_margin_seconds),
            outage=outage,
            psc=psc,
        )
        service_metrics = ServiceMetrics(
            settings.cockpit_metrics_urls, settings.cockpit_metrics_timeout_seconds, window=timedelta(minutes=5)
        )
        return cls(
            settings,
            clock,
            channels,
            backends,
            db,
            sessions,
            keys,
            Cookies(settings),
            templates,
            service_metrics,
            psc,
            outage,
        )

    async def close(self) -> None:
        await self.channels.close()
        await self.service_metrics.close()
        await self.db.dispose()

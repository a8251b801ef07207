"""Is ProSantéConnect answering? One watcher per process.

PSC is outside our control. What a service may do for a caller whose last PSC
token has expired depends on *why* it could not be renewed (docs/psc-outage.md):
PSC unreachable gives a bounded grace, PSC saying no never does. This module
only answers "unreachable or not", from a probe of PSC's discovery document
(connection error, timeout or 5xx = unreachable; any other answer = PSC is
there) and from what real calls to PSC reported.

A probe is made when the last answer is older than `interval` (single flight:
concurrent callers share it), so a flood of expired tokens costs PSC one
request per interval; `watch()` keeps the answer, the gauge and the logs
fresh in the background. Its time is the monotonic clock: freshness is about
real seconds, even when the service runs on a demo clock.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from datetime import datetime

import httpx
import structlog
from prometheus_client import CollectorRegistry, Gauge

from services.common.clock import Clock

log = structlog.get_logger("psc")


def discovery_url(issuer: str) -> str:
    return f"{issuer.rstrip('/')}/.well-known/openid-configuration"


class PscReachability:
    def __init__(
        self,
        url: str,
        clock: Clock,
        *,
        interval: float = 10.0,
        timeout: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._clock = clock
        self._interval = interval
        self._timeout = timeout
        self._transport = transport
        self._reachable = True  # until told otherwise: a start-up is not an outage
        self._checked_at: float | None = None
        self._lock = asyncio.Lock()
        self.unreachable_since: datetime | None = None
        self.probes = 0
        self._gauges: list[Gauge] = []
        # Made once: building an SSL context (the CA bundle) costs ~0.2 s of CPU, per client.
        self._ssl: ssl.SSLContext | None = None

    @property
    def known_reachable(self) -> bool:
        """The last answer, without probing (pages, health)."""
        return self._reachable

    async def reachable(self, max_age: float | None = None) -> bool:
        """Whether PSC answers, probed again when the last answer is older than the interval, or
        than `max_age` when it was a "yes" the caller cannot afford stale (a stale "no" waits for
        the interval: a hanging PSC must not cost every call a probe)."""
        if self._fresh(max_age):
            return self._reachable
        async with self._lock:
            if not self._fresh(max_age):
                await self.probe()
        return self._reachable

    async def reachable_for_login(self, max_age: float = 1.0) -> bool:
        """Whether a new login may go to PSC: a "no" older than `max_age` is asked again at once.
        A login is one click, not a flood, and the user who clicks just after PSC came back must
        not wait the whole interval; a hanging PSC still costs at most one probe per `max_age`."""
        if self._reachable or self._checked_at is None or time.monotonic() - self._checked_at < max_age:
            return await self.reachable()
        async with self._lock:
            if not self._reachable and self._checked_at is not None and time.monotonic() - self._checked_at >= max_age:
                await self.probe()
        return self._reachable

    def _fresh(self, max_age: float | None) -> bool:
        limit = self._interval
        if max_age is not None and self._reachable:
            limit = min(limit, max_age)
        return self._checked_at is not None and time.monotonic() - self._checked_at < limit

    async def probe(self) -> bool:
        """Ask PSC; a failed attempt is tried once more at once, so that one lost packet or one
        slow answer under load is not taken for an outage (logins would be refused for it)."""
        answered = await self._attempt() or await self._attempt()
        self.record(answered)
        return answered

    async def _attempt(self) -> bool:
        self.probes += 1
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport, verify=self._ssl) as client:
                response = await client.get(self.url, headers={"accept": "application/json"})
        except httpx.HTTPError as exc:
            log.info("psc.probe_failed", error=type(exc).__name__)
            return False
        if response.status_code >= 500:
            log.info("psc.probe_failed", status=response.status_code)
            return False
        return True

    def record(self, answered: bool) -> None:
        """What a probe or a real call to PSC found: it answered, or it could not be reached."""
        self._checked_at = time.monotonic()
        if answered == self._reachable:
            return
        self._reachable = answered
        if answered:
            log.warning("psc.reachable_again", unreachable_since=str(self.unreachable_since))
            self.unreachable_since = None
        else:
            self.unreachable_since = self._clock.now()
            log.warning("psc.unreachable")
        for gauge in self._gauges:
            gauge.set(1 if answered else 0)

    def register_gauge(self, registry: CollectorRegistry) -> None:
        """`vaxorders_psc_reachable` (1 or 0) on the process's /metrics."""
        gauge = Gauge(
            "vaxorders_psc_reachable",
            "1 while ProSantéConnect answers, 0 during an outage (degraded mode, docs/psc-outage.md).",
            registry=registry,
        )
        gauge.set(1 if self._reachable else 0)
        self._gauges.append(gauge)

    async def watch(self) -> None:
        """Background task: keep the answer fresh (probe once per interval)."""
        while True:
            await self.reachable()
            await asyncio.sleep(self._interval)

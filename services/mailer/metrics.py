"""The outbox as Prometheus sees it: messages waiting to be sent (QUEUED, including
those waiting for a retry) and messages given up (FAILED), counted by the
dispatcher loop on the registry the service's /metrics serves. Every replica
counts the same table: alert on max(), not sum()."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge

from services.mailer.models import FAILED, QUEUED

COUNTED_STATES = (QUEUED, FAILED)


class OutboxMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.messages = Gauge(
            "vaxorders_mailer_outbox_messages",
            "Messages in the outbox by state: QUEUED (waiting or retrying), FAILED (given up).",
            ["state"],
            registry=registry,
        )

    def publish(self, counts: dict[str, int]) -> None:
        for state in COUNTED_STATES:
            self.messages.labels(state).set(counts.get(state, 0))

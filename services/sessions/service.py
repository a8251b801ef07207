"""The business rules of the sessions service, in three parts sharing one database and clock.

- catalogue: products (public reads, operator writes);
- schedule: order sessions, calendar windows, GetServiceState;
- quotas: quota table versions, CSV import/export, ResolveQuota.

No gRPC or protobuf here: callers are the servicer, the seed and the tests.
Writes need an OPERATOR principal, reads of quota tables any logged-in one:
methods that check the caller take it as their first argument (the servicer
passes the principal the interceptor authenticated; None for a visitor).
Public reads (catalogue, calendar, service state) take no caller.
"""

from __future__ import annotations

from services.common.clock import Clock
from services.common.db import Database
from services.sessions.catalogue import CatalogueService
from services.sessions.quotas import QuotaService
from services.sessions.schedule import ScheduleService


class SessionsService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.clock = clock
        self.catalogue = CatalogueService(db, clock)
        self.schedule = ScheduleService(db, clock)
        self.quotas = QuotaService(db, clock)

"""Where effecteurs are attached, known locally: no call to EffecteurService per order write.

EffecteurService appends an event to its attachment feed at every attach and detach (ids
visible in commit order, services/common/feeds.py). Orders follows that feed
(ListAttachmentChanges after its position, under its service identity "orders") and keeps the
result in two tables (mirrored_attachments, mirrored_officines); its position is the highest
event applied, so a restart resumes where it stopped, and an empty mirror catches up from 0
(the whole history, hence the current state).

The bound: a detachment is never honoured later than `attachment_mirror_max_lag_seconds`.
A round that comes back caught up (fewer changes than a page) proves every change committed
before it was *sent* is applied; order writes are refused (UNAVAILABLE, "réessayez") when the
last such round was sent longer ago than the bound: effecteurs unreachable, the feed behind,
or orders just started. So a write at t accepts an effecteur only if no detachment of it
committed before t - bound.

An attachment read from the mirror is remembered (RecentAttachments) with the moment the
mirror was last proved caught up before that read, and answered again only while that moment
is within the bound: the same guarantee as reading the mirror again, without a read per write
(an officine's rush asks for the same few effecteurs six times in a second). The process's own
follower forgets an effecteur as soon as it applies a change of it, so a detachment is honoured
at once where it is applied, and within the bound in the other workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager

import structlog
from prometheus_client import CollectorRegistry, Gauge

from services.common.clock import monotonic
from services.common.db import Database
from services.common.errors import Unavailable
from services.common.feeds import follow_forever
from services.common.lru import Lru
from services.orders import errors
from services.orders import repository_mirror as repo
from services.orders.clients import TtlCache
from services.orders.models import AnyRow
from services.orders.ports import EffecteurAttachment
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

log = structlog.get_logger("orders.attachment_mirror")

PAGE = 500
SHARED_KEY = "orders.attachment_mirror"


class Freshness:
    """When the mirror last proved itself caught up (monotonic: a duration, not business time)."""

    def __init__(self, max_lag_seconds: float) -> None:
        self.max_lag = max_lag_seconds
        self._caught_up_at: float | None = None

    def caught_up(self, as_of: float) -> None:
        if self._caught_up_at is None or as_of > self._caught_up_at:
            self._caught_up_at = as_of

    def is_fresh(self) -> bool:
        return self._caught_up_at is not None and self.covers(self._caught_up_at)

    def as_of(self) -> float | None:
        """When the mirror was last proved caught up: it holds every change committed before."""
        return self._caught_up_at

    def covers(self, as_of: float) -> bool:
        """A mirror state proved caught up at `as_of` may still be answered from."""
        return monotonic() - as_of <= self.max_lag

    def register_gauge(self, registry: CollectorRegistry) -> None:
        """`vaxorders_attachment_mirror_caught_up` (1 or 0) on the process's /metrics: 0 means
        order writes are being refused (UNAVAILABLE) until the mirror hears from effecteurs."""
        gauge = Gauge(
            "vaxorders_attachment_mirror_caught_up",
            "1 while the attachment mirror is within its bound (order writes accepted), else 0.",
            registry=registry,
        )
        gauge.set_function(lambda: 1.0 if self.is_fresh() else 0.0)

    def require_fresh(self) -> None:
        if not self.is_fresh():
            log.warning("orders.attachment_mirror_stale", max_lag_seconds=self.max_lag)
            raise Unavailable(
                "La liste des effecteurs rattachés n'est pas à jour pour le moment. Réessayez dans quelques secondes."
            )


def _change(message: epb.AttachmentChange) -> repo.Change:
    return repo.Change(
        id=message.id,
        effecteur=message.effecteur,
        type=effecteur_type_pb2.EffecteurType.Name(message.effecteur_type).removeprefix("EFFECTEUR_TYPE_"),
        display_name=message.effecteur_display_name,
        officine=message.officine.removeprefix("officines/") or None,
        changed_officine=message.changed_officine.removeprefix("officines/"),
        department=message.changed_officine_department,
    )


class RecentAttachments:
    """Attachments read from the mirror, by effecteur, each with the `Freshness.as_of` of its
    read; bounded, the least recently used dropped first. `forget` bumps a generation, so a
    read that started before a change was applied is not remembered after it."""

    def __init__(self, max_entries: int) -> None:
        self._entries: Lru[str, tuple[float, EffecteurAttachment | None]] = Lru(max_entries)
        self.generation = 0

    def get(self, effecteur: str, freshness: Freshness) -> tuple[bool, EffecteurAttachment | None]:
        """(known, attachment): known only while the read it came from is within the bound."""
        entry = self._entries.get(effecteur)
        if entry is None or not freshness.covers(entry[0]):
            return False, None
        return True, entry[1]

    def put(self, generation: int, as_of: float, found: Mapping[str, EffecteurAttachment | None]) -> None:
        if generation != self.generation:
            return  # a change was applied during the read: it may not show it
        for effecteur, attachment in found.items():
            self._entries.put(effecteur, (as_of, attachment))

    def forget(self, effecteurs: Iterable[str]) -> None:
        self.generation += 1
        for effecteur in effecteurs:
            self._entries.pop(effecteur)


class AttachmentFeed:
    """The background follower: polls effecteurs' feed and applies it to the mirror."""

    def __init__(
        self,
        db: Database,
        stub: epb_grpc.EffecteurServiceStub,
        freshness: Freshness,
        recent: RecentAttachments,
        *,
        poll_seconds: float,
        timeout_seconds: float,
    ) -> None:
        self._db = db
        self._stub = stub
        self.freshness = freshness
        self._recent = recent
        self._poll = poll_seconds
        self._timeout = timeout_seconds

    async def run_once(self) -> int:
        """One round: the changes after the stored position, applied; returns how many."""
        sent_at = monotonic()
        after = await self._db.run_read(repo.position)
        answer = await self._stub.ListAttachmentChanges(
            epb.ListAttachmentChangesRequest(after_id=after, page_size=PAGE), timeout=self._timeout
        )
        changes = [_change(c) for c in answer.changes]
        if changes:
            await self._db.run_write(lambda c: repo.apply(c, changes))
            self._recent.forget(c.effecteur for c in changes)
            log.info("orders.attachment_mirror_applied", after=after, changes=len(changes), position=changes[-1].id)
        if len(changes) < PAGE:
            self.freshness.caught_up(sent_at)
        return len(changes)

    async def run_forever(self, acting: Callable[[], AbstractContextManager[object]]) -> None:
        """Until cancelled. `acting()` puts orders' service token on the calls of one round. While
        effecteurs is down or restarting the rounds fail and, past the bound, writes are refused."""
        log.info("orders.attachment_mirror_started", poll_seconds=self._poll, max_lag=self.freshness.max_lag)
        await follow_forever(
            "orders.attachment_mirror", self.run_once, page=PAGE, poll_seconds=self._poll, acting=acting
        )


def _attachment(row: AnyRow) -> EffecteurAttachment:
    return EffecteurAttachment(
        effecteur=row.effecteur,
        type=row.type,
        display_name=row.display_name,
        officine=f"officines/{row.officine}" if row.officine else None,
    )


class MirroredAttachmentDirectory:
    """AttachmentDirectory (ports.py) answered from the mirror: one indexed read, no RPC."""

    def __init__(
        self, db: Database, freshness: Freshness, recent: RecentAttachments, departments: TtlCache[str]
    ) -> None:
        self._db = db
        self.freshness = freshness
        self._recent = recent
        # The département only changes with the officine's address; cached as the RPC directory's is.
        self._departments = departments

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        return (await self.lookup_many([effecteur]))[effecteur]

    async def lookup_many(self, effecteurs: Sequence[str]) -> dict[str, EffecteurAttachment | None]:
        """A grid save's effecteurs in one read; None for one never attached anywhere (unknown to orders)."""
        self.freshness.require_fresh()
        found: dict[str, EffecteurAttachment | None] = {}
        missing = []
        for effecteur in effecteurs:
            known, attachment = self._recent.get(effecteur, self.freshness)
            if known:
                found[effecteur] = attachment
            else:
                missing.append(effecteur)
        if missing:
            as_of, generation = self.freshness.as_of(), self._recent.generation
            rows = await self._db.run_read(lambda c: repo.attachments(c, missing))
            read = {e: _attachment(rows[e]) if e in rows else None for e in missing}
            if as_of is not None:
                self._recent.put(generation, as_of, read)
            found |= read
        return {e: found[e] for e in effecteurs}

    async def officine_department(self, finess: str) -> str:
        async def load() -> str:
            department = await self._db.run_read(lambda c: repo.department(c, finess))
            if department is None:
                raise errors.not_found("Officine")
            return department

        return await self._departments.get(finess, load)

"""Weekly quota tables: publish whole, keep every version, resolve one cell.

A version applies from its publish time; the one in force at an instant is
the latest published at or before it (before the first publication: the
first version, so a table prepared ahead of its session already answers).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import structlog
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.common.idempotency import Idempotency, check_request_id, fingerprint
from services.common.lru import Lru
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.common.timefmt import as_utc
from services.sessions import errors
from services.sessions import repository as repo
from services.sessions.access import require_caller, require_operator
from services.sessions.domain import (
    EffecteurType,
    EffectiveTable,
    Product,
    QuotaTable,
    ResolvedQuota,
    RuleDraft,
    parse_name,
    parse_quota_table_name,
)
from services.sessions.models import idempotency_keys
from services.sessions.quota_csv import format_csv, parse_csv
from services.sessions.quota_rules import effective_table, resolve, validate_rules, version_in_force

log = structlog.get_logger("sessions.quotas")


class PublishedVersions:
    """Quota table versions with their rules, read once per process: a version is published
    whole and never changed afterwards. Kept by session, version and publication time (a
    session deleted before it opened and made again publishes its versions at other times).
    Every officine asks for the current table at the Monday opening; the session and the
    headers, which say which version is in force, are still read every time. Bounded, the least
    recently used dropped; shared by the reader threads."""

    def __init__(self, max_entries: int = 256) -> None:
        self._tables: Lru[tuple[str, int, datetime | None], QuotaTable] = Lru(max_entries)

    def with_rules(self, db: Connection, header: QuotaTable) -> QuotaTable:
        key = (header.session_id, header.version, header.publish_time)
        found = self._tables.get(key)
        if found is None:
            found = repo.with_rules(db, header)
            self._tables.put(key, found)
        return found


class QuotaService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.once = Idempotency(db, idempotency_keys, clock)
        self.versions = PublishedVersions()

    async def publish(
        self,
        caller: Principal | None,
        parent: str,
        drafts: list[RuleDraft],
        *,
        request_id: str = "",
        operation: str = "PublishQuotaTable",
    ) -> QuotaTable:
        """Validates the whole table and stores it as the session's next version."""
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        session_id = parse_name(parent, "sessions", "parent", "session")
        digest = fingerprint(principal.national_id, {"parent": session_id, "rules": [asdict(d) for d in drafts]})

        async def write(db: AsyncSession, now: datetime) -> QuotaTable:
            # Locks the session row (PostgreSQL) so two publishers cannot take the same version number.
            if await db.run_sync(repo.get_session, session_id, for_update=True) is None:
                raise errors.session_not_found(session_id)
            rules = validate_rules(drafts, await db.run_sync(repo.all_products))
            version = await repo.last_version_number(db, session_id) + 1
            table = QuotaTable(session_id, version, now, principal.national_id, rules)
            await repo.insert_version(db, table)
            log.info("quota_table.published", quota_table=table.name, rules=len(table.rules))
            return table

        return await self.once.run(
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda table: {"version": table.version},
            load=lambda outcome: self.get_table(principal, f"sessions/{session_id}/quotaTables/{outcome['version']}"),
        )

    async def import_csv(
        self, caller: Principal | None, parent: str, data: bytes, *, validate_only: bool = False, request_id: str = ""
    ) -> QuotaTable:
        """Parses a spreadsheet export; errors name the line and column of the cell."""
        principal = require_operator(caller)
        session_id = parse_name(parent, "sessions", "parent", "session")

        def read(db: Connection) -> dict[str, Product]:
            if repo.get_session(db, session_id) is None:
                raise errors.session_not_found(session_id)
            return repo.all_products(db)

        catalogue = await self.db.run_read(read)
        drafts = parse_csv(data, catalogue)
        if not validate_only:
            return await self.publish(principal, parent, drafts, request_id=request_id, operation="ImportQuotaTableCsv")
        return QuotaTable(session_id, 0, None, principal.national_id, validate_rules(drafts, catalogue))

    async def get_table(self, caller: Principal | None, name: str) -> QuotaTable:
        """A version by number, or "current": the one in force at the server's clock."""
        require_caller(caller)
        now = self.clock.now()
        table, _ = await self.db.run_read(lambda db: _version(db, self.versions, name, now))
        return table

    async def effective_table(self, caller: Principal | None, name: str, at: datetime) -> EffectiveTable:
        """The version (by number, or "current": the one in force at `at`) with
        each rule as effective at `at`: whether a product can be ordered is
        answered here, for orders and the gateway alike."""
        require_caller(caller)
        at = as_utc(at)

        def read(db: Connection) -> EffectiveTable:
            table, next_version_at = _version(db, self.versions, name, at)
            return effective_table(table, repo.all_products(db), at, next_version_at)

        return await self.db.run_read(read)

    async def list_tables(
        self, caller: Principal | None, parent: str, *, page_size: int = 0, page_token: str = ""
    ) -> tuple[list[QuotaTable], str]:
        """Newest version first."""
        require_caller(caller)
        session_id = parse_name(parent, "sessions", "parent", "session")
        limit = clamp_page_size(page_size, 50, 500)
        filters = {"list": "quotaTables", "parent": session_id}
        before = decode_token(page_token, filters)

        def read(db: Connection) -> list[QuotaTable]:
            if repo.get_session(db, session_id) is None:
                raise errors.session_not_found(session_id)
            return repo.list_versions(db, session_id, before=before, limit=limit + 1)

        tables = await self.db.run_read(read)
        more = len(tables) > limit
        tables = tables[:limit]
        return tables, encode_token(tables[-1].version, filters) if more else ""

    async def export_csv(self, caller: Principal | None, name: str) -> bytes:
        """Byte-stable: types in enum order, products in catalogue display order."""
        table = await self.get_table(caller, name)
        catalogue = await self.db.run_read(repo.all_products)  # ordered by display_order, id
        in_table = set(table.product_ids())
        return format_csv(table, [p for p in catalogue if p in in_table])

    async def resolve(
        self,
        caller: Principal | None,
        session_name: str,
        effecteur_type: str,
        product_name: str,
        at: datetime | None = None,
    ) -> ResolvedQuota:
        """The rule for one type and product; NOT_OPEN when the product cannot be ordered then."""
        require_caller(caller)
        session_id = parse_name(session_name, "sessions", "session", "session")
        kind = EffecteurType.from_code(effecteur_type)
        if kind is None:
            raise InvalidArgument.field("effecteur_type", "Indiquez un type d'effecteur connu.")
        product_id = parse_name(product_name, "products", "product", "produit")
        at = as_utc(at) if at else self.clock.now()

        def read(db: Connection) -> ResolvedQuota:
            if repo.get_session(db, session_id) is None:
                raise errors.session_not_found(session_id)
            product = repo.get_product(db, product_id)
            if product is None:
                raise errors.product_not_found(product_id)
            chosen = version_in_force(repo.version_headers(db, session_id), at)
            table = self.versions.with_rules(db, chosen) if chosen else None
            return ResolvedQuota(resolve(table, kind, product, at), table)

        return await self.db.run_read(read)


def _version(
    db: Connection, versions: PublishedVersions, name: str, at: datetime
) -> tuple[QuotaTable, datetime | None]:
    """The named version (or the one in force at `at` for "current"), and for
    "current" the publication of the next version after `at`, if any."""
    session_id, version = parse_quota_table_name(name)
    if repo.get_session(db, session_id) is None:
        raise errors.session_not_found(session_id)
    if version is None:
        headers = repo.version_headers(db, session_id)
        chosen = version_in_force(headers, at)
        if chosen is None:
            raise errors.no_quota_table(session_id)
        next_version_at = min(
            (h.publish_time for h in headers if h.version > chosen.version and h.publish_time and h.publish_time > at),
            default=None,
        )
        return versions.with_rules(db, chosen), next_version_at
    table = repo.get_version(db, session_id, version)
    if table is None:
        raise errors.quota_table_version_not_found(session_id, version)
    return table, None

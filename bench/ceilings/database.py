"""The database ceiling: the statements of one order-line write, through the same
driver and the same Database tuning as the orders service, with no RPC at all.

    python -m bench.ceilings.database --url URL --concurrency C --seconds S --out FILE

The schema is the orders service's own, created by its public migration entry
point (`python -m services.orders migrate`, as the bench seeds every service
through its own command); the tables are reflected from that database. Each
write issues, in SQLAlchemy Core written here, the statement shape of a real
CreateOrderLine (orders README, "Concurrency" and "Idempotency"): the
request_id read, then one write transaction taking its locks in the service's
order — idempotency key inserted first (ON CONFLICT DO NOTHING), quota ledger
upsert with its conditional update (`vials + delta <= cap`), line insert
(ON CONFLICT DO NOTHING on its unique key), audit row, outcome stored on the
key. What the service asks SessionService and EffecteurService (window,
catalogue, rule, attachment) is left out: that is what makes this "the
database alone". No code of the orders service runs in this process.

It runs in its own process pinned to the server cores, like the orders service,
with `concurrency` writers in flight (the same as every other measurement), and
writes its latencies to FILE as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import Database

SESSION_ID = "2022-03-07"
# The session's opening instant, as the rush writes it.
NOW = datetime(2022, 3, 7, 7, 0, tzinfo=UTC)
FINESS = "759900111"
DEPARTMENT = "75"
ACTOR = "899700000013"
PRODUCTS = {"products/moderna": 10, "products/pfizer-adult": 6}  # doses per vial
# The same capped rule the rush's quota table gives a médecin (bench/dataset.py).
CAP = 1000
TABLES = ("idempotency_keys", "quota_usage", "order_lines", "changes")


def migrate(url: str) -> None:
    """The orders schema, through the service's own command."""
    env = {**os.environ, "VAXORDERS_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "services.orders", "migrate"], env=env, check=True)


class Statements:
    """One order-line write on the reflected orders tables."""

    def __init__(self, tables: dict[str, Table], dialect: str) -> None:
        self.keys = tables["idempotency_keys"]
        self.usage = tables["quota_usage"]
        self.lines = tables["order_lines"]
        self.changes = tables["changes"]
        self.insert = (postgresql if dialect == "postgresql" else sqlite).insert

    async def recorded(self, s: AsyncSession, request_id: str) -> Any:
        """A retry is answered before any other check."""
        return (await s.execute(select(self.keys.c.result).where(self.keys.c.request_id == request_id))).first()

    async def create_line(
        self, s: AsyncSession, request_id: str, digest: str, effecteur: str, product: str, vials: int
    ) -> None:
        claimed = await s.execute(
            self.insert(self.keys)
            .values(request_id=request_id, operation="CreateOrderLine", fingerprint=digest, result="{}", created_at=NOW)
            .on_conflict_do_nothing()
            .returning(self.keys.c.request_id)
        )
        if claimed.first() is None:
            return  # a twin already wrote it
        usage = self.usage
        total = await s.execute(
            self.insert(usage)
            .values(session_id=SESSION_ID, effecteur=effecteur, product=product, vials=vials)
            .on_conflict_do_update(
                index_elements=[usage.c.session_id, usage.c.effecteur, usage.c.product],
                set_={"vials": usage.c.vials + vials},
                where=usage.c.vials + vials <= CAP,
            )
            .returning(usage.c.vials)
        )
        if total.scalar_one_or_none() is None:
            raise RuntimeError("the bench's cap was reached: the statements differ from a real write")
        line_id = uuid.uuid4().hex
        lines = self.lines
        row = await s.execute(
            self.insert(lines)
            .values(
                id=line_id,
                session_id=SESSION_ID,
                finess=FINESS,
                effecteur=effecteur,
                product=product,
                vials=vials,
                vials_from_requests=0,
                effecteur_type="MEDECIN",
                department=DEPARTMENT,
                doses_per_unit=PRODUCTS[product],
                etag=uuid.uuid4().hex,
                created_by=ACTOR,
                updated_by=ACTOR,
                create_time=NOW,
                update_time=NOW,
            )
            .on_conflict_do_nothing(
                index_elements=[lines.c.session_id, lines.c.finess, lines.c.effecteur, lines.c.product]
            )
            .returning(lines)
        )
        if row.first() is None:
            raise RuntimeError("twin line: every bench write is a new (effecteur, product)")
        name = f"sessions/{SESSION_ID}/officines/{FINESS}/lines/{line_id}"
        await s.execute(
            insert(self.changes),
            [
                {
                    "subject": name,
                    "finess": FINESS,
                    "effecteur": effecteur,
                    "actor": ACTOR,
                    "change_time": NOW,
                    "action": "CREATE",
                    "vials_before": 0,
                    "vials_after": vials,
                    "request_id": request_id,
                    "note": "",
                }
            ],
        )
        await s.execute(
            update(self.keys)
            .where(self.keys.c.request_id == request_id)
            .values(result=json.dumps({"line": name, "warnings": []}))
        )


async def reflect(db: Database) -> dict[str, Table]:
    metadata = MetaData()
    async with db.writer.connect() as conn:
        await conn.run_sync(lambda sync: metadata.reflect(sync, only=list(TABLES)))
    return {name: metadata.tables[name] for name in TABLES}


async def write(db: Database, statements: Statements, effecteur: str, product: str, vials: int) -> None:
    request_id = str(uuid.uuid4())
    payload = {"parent": f"sessions/{SESSION_ID}/officines/{FINESS}", "effecteur": effecteur, "product": product}
    digest = hashlib.sha256(json.dumps([ACTOR, payload | {"vials": vials}], sort_keys=True).encode()).hexdigest()
    async with db.read() as s:
        if await statements.recorded(s, request_id) is not None:
            return
    async with db.write() as s:
        await statements.create_line(s, request_id, digest, effecteur, product, vials)


async def run(url: str, concurrency: int, seconds: float) -> dict[str, object]:
    """`concurrency` writers for `seconds` on an orders database already migrated."""
    db = Database(url)
    statements = Statements(await reflect(db), db.dialect)
    products = list(PRODUCTS)
    numbers = itertools.count()
    samples: list[tuple[float, float]] = []
    # Warm the pools and the statement caches, as the services are warm by the time the rush starts.
    for n in range(concurrency):
        await write(db, statements, f"effecteurs/rpps:warm{n}", products[0], 5)
    cpu = time.process_time()
    start = time.perf_counter()
    deadline = start + seconds

    async def writer() -> None:
        while time.perf_counter() < deadline:
            n = next(numbers)
            began = time.perf_counter()
            # A new (effecteur, product) each time, as the rush writes new lines.
            await write(db, statements, f"effecteurs/rpps:b{n}", products[n % len(products)], 1 + n % 20)
            ended = time.perf_counter()
            samples.append((ended - start, ended - began))

    await asyncio.gather(*(writer() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    await db.dispose()
    return {"wall_seconds": wall, "cpu_seconds": cpu, "samples": samples, "dialect": db.dialect}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceilings.database")
    parser.add_argument("--url", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    migrate(args.url)
    result = asyncio.run(run(args.url, args.concurrency, args.seconds))
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()

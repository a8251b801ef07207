"""The database ceiling: the statements of one order-line write, through the same
driver and the same Database tuning as the orders service, with no RPC at all.

    python -m bench.ceilings.database --url URL --concurrency C --seconds S --out FILE

It runs the orders service's own write code, LineService.create (the request_id
read, then one write transaction: idempotency claim, twin-line check, quota
ledger upsert + conditional update, line insert, audit row, idempotency
settle), so the statements are exactly those of a real CreateOrderLine. What
that code would ask SessionService and EffecteurService over gRPC (the session
window, the catalogue, the quota rule, the attachment) is answered from memory
here: those answers are what the real service caches or fetches over gRPC, and
leaving them out is what makes this "the database alone".

It runs in its own process pinned to the server cores, like the orders service,
with `concurrency` writers in flight (the same as every other measurement), and
writes its latencies to FILE as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
import uuid
from datetime import datetime
from pathlib import Path

from services.common.clock import ShiftedClock
from services.common.context import Principal
from services.common.db import Database, migrate
from services.orders.lines import LineService
from services.orders.ports import EffecteurAttachment, Maintenance, ProductInfo, QuotaRule, QuotaTable, SessionWindow
from services.orders.service import OrderRules
from services.orders.spec import SPEC

SESSION = SessionWindow(
    id="2022-03-07",
    label="Session du 7 mars 2022",
    open_time=datetime.fromisoformat("2022-03-07T08:00:00+01:00"),
    close_time=datetime.fromisoformat("2022-03-08T23:00:00+01:00"),
)
PRODUCTS = {
    "products/moderna": ProductInfo("products/moderna", "Spikevax (Moderna)", 10),
    "products/pfizer-adult": ProductInfo("products/pfizer-adult", "Comirnaty 12 ans et plus", 6),
}
# The reference week's maintenance window, which closes as the session opens.
MAINTENANCE = Maintenance(
    start=datetime.fromisoformat("2022-03-06T00:00:00+01:00"),
    end=datetime.fromisoformat("2022-03-07T08:00:00+01:00"),
    message="Service fermé pour les derniers préparatifs techniques.",
)
FINESS = "759900111"
# The same capped rule the rush's quota table gives a médecin (bench/dataset.py).
RULE = QuotaRule(kind="CAPPED", max_vials=1000)


class HeldSessions:
    """SessionService's answers, held in memory (what the real service caches)."""

    async def session(self, session_id: str) -> SessionWindow | None:
        return SESSION if session_id == SESSION.id else None

    async def sessions(self) -> list[SessionWindow]:
        return [SESSION]

    async def maintenance(self) -> list[Maintenance]:
        return [MAINTENANCE]

    async def products(self) -> dict[str, ProductInfo]:
        return PRODUCTS

    async def quota_table(self, session_id: str) -> QuotaTable | None:
        return QuotaTable(
            f"sessions/{session_id}/quotaTables/1", {("MEDECIN", name): RULE for name in PRODUCTS}
        )


class HeldAttachments:
    """EffecteurService's answers, held in memory: every médecin is attached here."""

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        return EffecteurAttachment(effecteur, "MEDECIN", "Dr Bench", f"officines/{FINESS}")

    async def officine_department(self, finess: str) -> str:
        return finess[:2]


async def run(url: str, concurrency: int, seconds: float) -> dict[str, object]:
    db = Database(url)
    clock = ShiftedClock(SESSION.open_time)
    lines = LineService(OrderRules(db, clock, HeldSessions(), HeldAttachments(), max_vials_per_line=10_000))
    principal = Principal(national_id="899700000013", roles=frozenset({"OFFICINE"}), acts_for=(f"officines/{FINESS}",))
    parent = f"sessions/{SESSION.id}/officines/{FINESS}"
    products = list(PRODUCTS)
    numbers = itertools.count()
    samples: list[tuple[float, float]] = []
    # Warm the pools and the statement caches, as the services are warm by the time the rush starts.
    for n in range(concurrency):
        await lines.create(principal, parent, f"effecteurs/rpps:warm{n}", products[0], 5, str(uuid.uuid4()))
    cpu = time.process_time()
    start = time.perf_counter()
    deadline = start + seconds

    async def writer() -> None:
        while time.perf_counter() < deadline:
            n = next(numbers)
            began = time.perf_counter()
            # A new (effecteur, product) each time, as the rush writes new lines.
            await lines.create(
                principal, parent, f"effecteurs/rpps:b{n}", products[n % len(products)], 1 + n % 20, str(uuid.uuid4())
            )
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
    assert SPEC.migrations_dir is not None
    migrate(args.url, SPEC.migrations_dir, "alembic_version_orders")
    result = asyncio.run(run(args.url, args.concurrency, args.seconds))
    args.out.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()

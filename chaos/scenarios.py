"""The scenarios: which writers run, and what is done to the suite under them.

Each one: the writers start; once they have some acknowledged writes (warm-up),
the fault is applied and the suite brought back; the load goes on for a while
after; the writers stop (an in-flight write finishes its bounded retries); the
data is checked. A scenario passes when nothing acknowledged is missing,
nothing is there twice, no line is above its cap, no client got a non-retryable
error, and writes were acknowledged again after the fault.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx

from bench.dataset import REFERENCE, Officine, orderable
from bench.tokens import officine_identity
from chaos.calls import CHANNEL_OPTIONS, MAX_RETRY_SECONDS, Tally
from chaos.checks import Findings, check_all
from chaos.stack import CHAOS_CAP, SERVICES, ChaosStack
from chaos.writers import AttachWriter, HttpOrderWriter, MailWriter, OrderWriter, WindowWriter, Writer, all_acks
from services.auth.dev_issuer.identities import identities_from_dataset
from tests.support.pg_server import ThrowawayPostgres


@dataclass(frozen=True)
class Pace:
    """How long and how hard: the full run, or CI's short one."""

    writers: int  # per kind of writer
    warmup_acks: int  # acknowledged writes before the fault
    after_seconds: float  # load after the suite is back
    smtp_down_seconds: float
    mails: int  # per mail writer in the SMTP scenario
    drain_seconds: float = 120.0


FULL = Pace(writers=6, warmup_acks=150, after_seconds=20.0, smtp_down_seconds=10.0, mails=60)
SHORT = Pace(writers=3, warmup_acks=40, after_seconds=5.0, smtp_down_seconds=4.0, mails=15)


@dataclass
class Context:
    stack: ChaosStack
    pace: Pace
    postgres: ThrowawayPostgres | None
    officines: list[Officine]
    channels: list[grpc.aio.Channel] = field(default_factory=list)
    say: Callable[[str], Any] = print
    http: httpx.AsyncClient | None = None
    _next_officine: int = 0
    _next_base: int = 0

    def __post_init__(self) -> None:
        reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
        operator = identities_from_dataset(reference)[reference["operators"][0]]
        self.operator_token = self.stack.suite.mint.token(operator)
        self.orderable = orderable(self.stack.suite.quota_rules)

    def channel(self, service: str) -> grpc.aio.Channel:
        channel = grpc.aio.insecure_channel(self.stack.addresses[service], options=CHANNEL_OPTIONS)
        self.channels.append(channel)
        return channel

    def officine(self) -> tuple[Officine, str]:
        """An officine no other writer of the run uses, and its titulaire's token."""
        o = self.officines[self._next_officine]
        self._next_officine += 1
        return o, self.stack.suite.mint.token(officine_identity(o))

    def base(self) -> int:
        """A numbering range of its own (RPPS of new infirmiers, calendar windows)."""
        self._next_base += 1
        return self._next_base * 2000

    def order_writers(self, tally: Tally) -> list[Writer]:
        return [
            OrderWriter(tally, self.channel("orders"), *self.officine(), self.orderable)
            for _ in range(self.pace.writers)
        ]

    def http_order_writers(self, tally: Tally) -> list[Writer]:
        if self.http is None:
            self.http = httpx.AsyncClient(base_url=self.stack.gateway_url)
        return [
            HttpOrderWriter(tally, self.channel("orders"), self.http, *self.officine(), self.orderable)
            for _ in range(max(1, self.pace.writers // 2))
        ]

    def attach_writers(self, tally: Tally) -> list[Writer]:
        writers: list[Writer] = []
        for _ in range(max(1, self.pace.writers // 2)):
            o, token = self.officine()
            writers.append(AttachWriter(tally, self.channel("effecteurs"), o, token, self.base()))
        return writers

    def window_writers(self, tally: Tally) -> list[Writer]:
        return [
            WindowWriter(tally, self.channel("sessions"), self.operator_token, self.base())
            for _ in range(max(1, self.pace.writers // 2))
        ]

    def mail_writers(self, tally: Tally, label: str, limit: int | None = None) -> list[Writer]:
        return [
            MailWriter(tally, self.channel("mailer"), self.operator_token, f"{label}{n}", limit)
            for n in range(max(1, self.pace.writers // 2))
        ]

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()
        if self.http is not None:
            await self.http.aclose()


@dataclass
class Row:
    scenario: str
    findings: Findings
    tally: Tally
    acked_after_fault: int
    seconds: float
    skipped: str = ""
    serve_after: bool = True

    @property
    def passed(self) -> bool:
        f = self.findings
        return bool(self.skipped) or (
            f.lost == 0
            and f.duplicated == 0
            and f.over_cap == 0
            and not self.tally.errors
            and (self.acked_after_fault > 0 or not self.serve_after)
        )


Fault = Callable[[Context], Awaitable[None]]
Writers = Callable[[Context, Tally], list[Writer]]


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    writers: Writers
    fault: Fault
    needs_postgres: bool = False
    # Writes acknowledged before the fault: a number, or a share of what the writers will write.
    warmup_share: float | None = None
    # Writes must be acknowledged again after the fault (the service restarts and serves).
    serve_after: bool = True


def _kill(service: str) -> Fault:
    async def fault(ctx: Context) -> None:
        ctx.stack.kill(service)
        await ctx.stack.start(service)

    return fault


async def _restart_postgres(ctx: Context) -> None:
    assert ctx.postgres is not None
    pids = {name: ctx.stack.pid(name) for name in SERVICES}
    await asyncio.to_thread(ctx.postgres.restart, "fast")
    await asyncio.sleep(ctx.pace.after_seconds / 2)  # load on the reconnected pools before the crash
    await asyncio.to_thread(ctx.postgres.restart, "immediate")
    # Nobody restarted the services: each reconnected by itself.
    for name, pid in pids.items():
        if not ctx.stack.alive(name) or ctx.stack.pid(name) != pid:
            raise RuntimeError(f"{name} did not survive the PostgreSQL restart")


async def _smtp_down(ctx: Context) -> None:
    await ctx.stack.terminate("smtp-sink")
    await asyncio.sleep(ctx.pace.smtp_down_seconds)  # the relay stays down this long while mails are queued
    await ctx.stack.start("smtp-sink")


async def _rolling_restart(ctx: Context) -> None:
    for name in SERVICES:
        began = time.monotonic()
        await ctx.stack.terminate(name)
        drained = time.monotonic()
        await ctx.stack.start(name)
        back = time.monotonic() - drained
        ctx.say(f"   {name}: drained in {drained - began:.1f} s, serving again {back:.1f} s later")


def _everything(ctx: Context, tally: Tally) -> list[Writer]:
    return [
        *ctx.order_writers(tally),
        *ctx.http_order_writers(tally),
        *ctx.attach_writers(tally),
        *ctx.window_writers(tally),
        *ctx.mail_writers(tally, "load", ctx.pace.mails * 3),
    ]


SCENARIOS = [
    Scenario(
        "kill -9 orders", "orders killed mid-load, started again", lambda c, t: c.order_writers(t), _kill("orders")
    ),
    Scenario(
        "kill -9 effecteurs",
        "effecteurs killed while orders asks it for attachments and titulaires attach",
        lambda c, t: [*c.order_writers(t), *c.attach_writers(t)],
        _kill("effecteurs"),
    ),
    Scenario(
        "kill -9 sessions",
        "sessions killed while orders asks it for the window and quota rules, operators write windows",
        lambda c, t: [*c.order_writers(t), *c.window_writers(t)],
        _kill("sessions"),
    ),
    Scenario(
        "PostgreSQL restarted",
        "the database server restarted (fast) then crashed (immediate) under every kind of write",
        _everything,
        _restart_postgres,
        needs_postgres=True,
    ),
    Scenario(
        "SMTP relay down",
        "the relay stopped while a batch of mails is queued, then back",
        lambda c, t: c.mail_writers(t, "smtp", c.pace.mails),
        _smtp_down,
        warmup_share=0.25,  # three quarters of the batch are queued while the relay is down
        serve_after=False,  # the batch may be all queued before the relay is back: delivery is what counts
    ),
    Scenario(
        "rolling restart",
        "every service and the gateway in turn: SIGTERM (drain), start again",
        _everything,
        _rolling_restart,
    ),
]


async def _progress(writers: list[Writer], tasks: list[asyncio.Task[None]], acks: int, within: float) -> None:
    deadline = time.monotonic() + within
    while len(all_acks(writers)) < acks and time.monotonic() < deadline:
        if all(t.done() for t in tasks):
            break
        await asyncio.sleep(0.1)


async def run_scenario(ctx: Context, scenario: Scenario, say: Callable[[str], Any]) -> Row:
    if scenario.needs_postgres and ctx.postgres is None:
        return Row(scenario.name, Findings(), Tally(), 0, 0.0, skipped="SQLite run")
    started = time.monotonic()
    tally = Tally()
    writers = scenario.writers(ctx, tally)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.run(stop)) for w in writers]
    try:
        warmup = ctx.pace.warmup_acks
        if scenario.warmup_share is not None:
            warmup = int(scenario.warmup_share * sum(getattr(w, "limit", 0) or 0 for w in writers))
        await _progress(writers, tasks, warmup, within=120)
        say(f"{scenario.name}: {len(all_acks(writers))} writes acknowledged, applying the fault")
        await scenario.fault(ctx)
        back = time.monotonic()
        say(f"{scenario.name}: suite back after {back - started:.1f} s; load goes on")
        await asyncio.sleep(ctx.pace.after_seconds)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), MAX_RETRY_SECONDS + 60)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise RuntimeError(f"a writer of {scenario.name} crashed") from task.exception()
    findings = await check_all(writers, CHAOS_CAP, ctx.stack.sink_dir, ctx.pace.drain_seconds)
    after = sum(1 for ack in all_acks(writers) if ack.at > back)
    return Row(scenario.name, findings, tally, after, time.monotonic() - started, serve_after=scenario.serve_after)

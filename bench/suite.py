"""The suite as production runs it, on loopback: every service its own process
(`python -m services.<svc>`), JSON logs at WARNING, its own database (an SQLite
file in the run's folder, or a fresh PostgreSQL database per service, dropped at
the end), the local PSC issuer for the JWKS, and the services' clock starting at
the session's opening, Monday 7 March 2022 08:00 Paris.

Seeding goes through each service's own seed command (bench/dataset.py).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psycopg
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy.engine import make_url

from bench import dataset
from bench.procs import Child, Children, free_port
from bench.tokens import TokenMint
from services.common.planner_statistics import analyze_after_bulk_load
from services.common.service_keys import generate_key_pair

GRPC_SERVICES = ("auth", "sessions", "effecteurs", "orders", "mailer")
DATABASE_SERVICES = ("auth", "sessions", "effecteurs", "orders", "mailer", "gateway")
# The database ceiling gets its own fresh orders schema.
DATABASES = (*DATABASE_SERVICES, "dbceiling")
ISSUER_PATH = "/auth/realms/esante-wallet"


class PostgresDatabases:
    """One fresh database per service on the given server, dropped when the run ends."""

    def __init__(self, server_url: str, run_id: str) -> None:
        self.server = make_url(server_url)
        self.run_id = run_id
        self.created: list[str] = []

    def _admin(self) -> psycopg.Connection:
        u = self.server
        return psycopg.connect(
            host=u.host or "127.0.0.1",
            port=u.port or 5432,
            user=u.username or "postgres",
            password=u.password or None,
            dbname=u.database or "postgres",
            autocommit=True,
        )

    def create(self, service: str) -> str:
        name = f"vaxbench_{self.run_id}_{service}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def autovacuum_as_in_production(self) -> Iterator[str]:
        """Autovacuum on for the run (a production server has it; the bench machine's server
        is configured without it, for CI): yields what the figures record, restores the
        server's setting on the way out."""
        with self._admin() as admin:
            row = admin.execute("SELECT current_setting('autovacuum')").fetchone()
            already_on = row is not None and row[0] == "on"
            if not already_on:
                admin.execute("ALTER SYSTEM SET autovacuum = on")
                admin.execute("SELECT pg_reload_conf()")
        if already_on:
            yield "on"
            return
        try:
            yield "on for the run (the server had it off)"
        finally:
            with self._admin() as admin:
                admin.execute("ALTER SYSTEM RESET autovacuum")
                admin.execute("SELECT pg_reload_conf()")

    def drop_all(self) -> None:
        if not self.created:
            return
        with self._admin() as admin:
            for name in self.created:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


@dataclass
class Suite:
    workdir: Path
    env: dict[str, str]
    addresses: dict[str, str]  # service -> "127.0.0.1:port"
    gateway_url: str
    issuer: str
    mint: TokenMint
    dataset_path: Path
    officines: list[dataset.Officine]
    quota_rules: list[dict]
    database: str
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, Child] = field(default_factory=dict)
    seed_seconds: float = 0.0
    start_seconds: float = 0.0

    def server_children(self) -> list[Child]:
        return list(self.processes.values())


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def signing_env(suite: Suite, svc: str) -> dict[str, str]:
    """The private service-identity key, for orders only (its attachment mirror signs as "orders")."""
    if svc != "orders":
        return {}
    return {"VAXORDERS_SERVICE_KEY_FILE": str(suite.workdir / "service-identity" / "service-identity.key")}


def _mirror_caught_up(metrics_url: str) -> bool:
    try:
        with urllib.request.urlopen(metrics_url, timeout=2) as response:  # loopback only
            return b"vaxorders_attachment_mirror_caught_up 1.0" in response.read()
    except (urllib.error.URLError, OSError):
        return False


async def _serving(address: str) -> bool:
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.aio.AioRpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


async def _wait(check: Callable[[], object], what: str, children: list[Child], within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        for child in children:
            if not child.alive():
                raise RuntimeError(
                    f"{child.name} exited ({child.process.returncode}) before {what}:\n{child.log_tail()}"
                )
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


@contextmanager
def databases(database_url: str, workdir: Path, run_id: str):  # type: ignore[no-untyped-def]
    """(service -> database URL for this run, the server's autovacuum as recorded with the
    figures); PostgreSQL ones are dropped on exit, and autovacuum runs as in production meanwhile."""
    if not database_url:
        yield {svc: f"sqlite:///{workdir / f'{svc}.db'}" for svc in DATABASES}, None
        return
    pg = PostgresDatabases(database_url, run_id)
    try:
        with pg.autovacuum_as_in_production() as autovacuum:
            yield {svc: pg.create(svc) for svc in DATABASES}, autovacuum
    finally:
        pg.drop_all()


def analyze_as_autovacuum_would(urls: dict[str, str]) -> None:
    """ANALYZE the services' PostgreSQL databases after the warm-up. Orders' tables start empty
    in the bench (a production server holds the weeks before, analyzed): the plans its connections
    prepare during the warm-up are plans for empty tables (an officine's lines read through the
    totals index, the whole session's lines), which autovacuum's first pass would invalidate
    within its one-minute nap, past the end of a 25-second rush. Nothing to do on SQLite."""
    for svc in DATABASE_SERVICES:
        analyze_after_bulk_load(urls[svc])


async def prepare(children: Children, workdir: Path, count: int, database: str) -> Suite:
    """Ports, environment, dataset, the signing key and the PSC issuer (which the
    interceptor ceiling needs too); the services are started by start_services."""
    ports = {svc: free_port() for svc in (*GRPC_SERVICES, "gateway", "issuer")}
    addresses = {svc: f"127.0.0.1:{ports[svc]}" for svc in GRPC_SERVICES}
    issuer = f"http://127.0.0.1:{ports['issuer']}{ISSUER_PATH}"
    data = dataset.build(count)
    # Orders follows effecteurs' attachment feed under its own service identity (its mirror);
    # every service verifies with the public key, orders alone signs.
    _, service_public_key = generate_key_pair(workdir / "service-identity")
    dataset_path = workdir / "bench-dataset.json"
    dataset_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = {
        "VAXORDERS_ENVIRONMENT": "production",
        "VAXORDERS_LOG_FORMAT": "json",
        "VAXORDERS_LOG_LEVEL": "WARNING",
        "VAXORDERS_DATA_DIR": str(workdir),
        "VAXORDERS_CLOCK_START": dataset.RUSH_START,
        "VAXORDERS_PSC_ISSUER": issuer,
        "VAXORDERS_OPERATORS": json.dumps(data["operators"]),
        "VAXORDERS_CLIENT_SECRET": secrets.token_urlsafe(24),
        "VAXORDERS_MAIL_FROM": "Commande de vaccins <ne-pas-repondre@bench.example.test>",
        "VAXORDERS_SUPPORT_ADDRESS": "support@bench.example.test",
        "VAXORDERS_QUALITY_ADDRESS": "qualite@bench.example.test",
        # Production settings refuse the public development key of the page tokens.
        "VAXORDERS_PAGE_TOKEN_SECRET": secrets.token_urlsafe(32),
        "VAXORDERS_SMTP_PORT": str(free_port()),  # nothing listens: no mail is sent in a rush
        # So that a person can log in to this run's gateway too (make peak): PSC sends back there.
        "VAXORDERS_REDIRECT_URIS": json.dumps([f"http://127.0.0.1:{ports['gateway']}/auth/callback"]),
        "VAXORDERS_POST_LOGOUT_REDIRECT_URIS": json.dumps([f"http://127.0.0.1:{ports['gateway']}/"]),
        "PYTHONUNBUFFERED": "1",
        "VAXORDERS_SERVICE_PUBLIC_KEY_FILE": str(service_public_key),
        **{f"VAXORDERS_{svc.upper()}_ADDRESS": address for svc, address in addresses.items()},
    }
    children.env.update(env)
    mint = TokenMint(issuer, workdir / "psc-dev-issuer")  # creates the key the issuer then publishes
    suite = Suite(
        workdir,
        env,
        addresses,
        f"http://127.0.0.1:{ports['gateway']}",
        issuer,
        mint,
        dataset_path,
        dataset.officines(count),
        data["quota_tables"][dataset.SESSION_ID],
        database,
        ports=ports,
    )
    suite.processes["issuer"] = children.spawn(
        "psc-issuer",
        ["-m", "services.auth", "issuer"],
        env={"VAXORDERS_ENVIRONMENT": "dev", "VAXORDERS_ISSUER_PORT": str(ports["issuer"])},
    )
    await _wait(
        lambda: _http_ok(f"{issuer}/.well-known/openid-configuration"), "the PSC issuer", suite.server_children(), 60
    )
    return suite


async def seed(suite: Suite, children: Children, urls: dict[str, str]) -> None:
    """Each service seeds its own part of the dataset, in parallel (separate databases)."""
    began = time.perf_counter()
    seeds = [
        children.spawn(
            f"seed-{svc}",
            ["-m", f"services.{svc}", "seed", str(suite.dataset_path)],
            env={"VAXORDERS_DATABASE_URL": urls[svc]},
        )
        for svc in ("sessions", "effecteurs")
    ]
    try:
        await _wait(lambda: all(not s.alive() for s in seeds), "the seeds", [], 3600)
    finally:
        for s in seeds:
            s.stop()
            children.started.remove(s)
    for s in seeds:
        if s.process.returncode != 0:
            raise RuntimeError(f"{s.name} failed:\n{s.log_tail()}")
    suite.seed_seconds = time.perf_counter() - began


async def start_services(suite: Suite, children: Children, urls: dict[str, str], workers: int = 1) -> None:
    """Every service and the gateway, each as `workers` processes on its port (its worker i
    serves metrics on the metrics port + i); returns once each reports healthy."""
    started = time.perf_counter()
    ports = suite.ports
    metrics_ports = {svc: free_port(span=workers) for svc in (*GRPC_SERVICES, "gateway")}
    for svc in GRPC_SERVICES:
        suite.processes[svc] = children.spawn(
            svc,
            ["-m", f"services.{svc}"],
            env={
                "VAXORDERS_DATABASE_URL": urls[svc],
                "VAXORDERS_GRPC_PORT": str(ports[svc]),
                "VAXORDERS_METRICS_PORT": str(metrics_ports[svc]),
                "VAXORDERS_WORKERS": str(workers),
                **signing_env(suite, svc),
            },
        )
    gateway_port = ports["gateway"]
    suite.processes["gateway"] = children.spawn(
        "gateway",
        ["-m", "services.gateway"],
        env={
            # The gateway refuses plain http in production; on loopback it runs as in dev.
            "VAXORDERS_ENVIRONMENT": "dev",
            "VAXORDERS_DATABASE_URL": urls["gateway"],
            "VAXORDERS_HTTP_PORT": str(gateway_port),
            "VAXORDERS_PUBLIC_BASE_URL": f"http://127.0.0.1:{gateway_port}",
            "VAXORDERS_METRICS_PORT": str(metrics_ports["gateway"]),
            "VAXORDERS_WORKERS": str(workers),
            # The operators' cockpit reads each process's own metrics on the ports of this run
            # (worker 0's when there are several).
            "VAXORDERS_COCKPIT_METRICS_URLS": json.dumps(
                {svc: f"http://127.0.0.1:{port}/metrics" for svc, port in metrics_ports.items()}
            ),
            "VAXORDERS_SESSION_SECRET": secrets.token_urlsafe(32),
        },
    )
    everyone = suite.server_children()
    for svc, address in suite.addresses.items():
        await _wait(lambda address=address: _serving(address), f"{svc} to serve", everyone, 120)
    await _wait(lambda: _http_ok(f"{suite.gateway_url}/healthz"), "the gateway", everyone, 120)
    # Orders refuses writes until its attachment mirror has caught up (from 0 on a fresh database).
    for worker in range(workers):  # each worker keeps its own mirror freshness
        mirror = f"http://127.0.0.1:{metrics_ports['orders'] + worker}/metrics"
        await _wait(lambda mirror=mirror: _mirror_caught_up(mirror), "orders' attachment mirror", everyone, 600)
    suite.start_seconds = time.perf_counter() - started


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]

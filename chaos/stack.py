"""The suite under chaos: every service its own OS process on free loopback ports
(never `make run`'s fixed ones), as the bench starts it (bench/suite.py: the
run's databases, the dataset seeded through each service's own seed, the local
PSC issuer), plus the dev SMTP sink on a free port; and the faults: kill -9,
SIGTERM, start again, stop the sink, restart PostgreSQL.

Each service is started from a recorded command and environment, so starting it
again after a kill is the same start (migrations run, then it serves), as
Kubernetes restarts a container.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset as bench_dataset
from bench.procs import Child, Children, free_port, port_open
from bench.suite import GRPC_SERVICES, Suite, _http_ok, _serving, prepare, seed, signing_env

# Cap of every orderable (type, product) cell: small, so the load reaches it and the
# "no quota exceeded" check bites.
CHAOS_CAP = 25
SERVICES = (*GRPC_SERVICES, "gateway")
# How long a process may take to start serving (migrations included) on a loaded machine.
START_SECONDS = 90.0

# The outbox retries fast in a chaos run, and never gives up on a relay that is only down for a while.
MAILER_ENV = {
    "VAXORDERS_MAIL_RETRY_BASE_SECONDS": "0.5",
    "VAXORDERS_MAIL_RETRY_MAX_SECONDS": "2",
    "VAXORDERS_MAIL_MAX_ATTEMPTS": "100",
    "VAXORDERS_MAIL_POLL_SECONDS": "0.2",
    "VAXORDERS_SMTP_TIMEOUT_SECONDS": "5",
    "VAXORDERS_MAIL_CLAIM_SECONDS": "20",
}


@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]


@dataclass
class ChaosStack:
    suite: Suite
    children: Children
    urls: dict[str, str]
    sink_dir: Path
    smtp_port: int
    launches: dict[str, Launch] = field(default_factory=dict)
    procs: dict[str, Child] = field(default_factory=dict)
    clock_origin: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def addresses(self) -> dict[str, str]:
        return self.suite.addresses

    @property
    def gateway_url(self) -> str:
        return self.suite.gateway_url

    # -- processes ---------------------------------------------------------------------------
    def spawn(self, name: str) -> Child:
        launch = self.launches[name]
        # One timeline for every process, restarts included: each starts its clock where the
        # suite's is now (a restarted mailer whose clock went back to the session's opening would
        # hold its retries until it caught up; production runs on the real clock).
        now = datetime.fromisoformat(bench_dataset.RUSH_START) + (datetime.now(UTC) - self.clock_origin)
        env = {**launch.env, "VAXORDERS_CLOCK_START": now.isoformat()}
        child = self.children.spawn(name, launch.argv, env=env)
        self.procs[name] = child
        return child

    async def wait_serving(self, name: str, within: float = START_SECONDS) -> None:
        child = self.procs[name]
        deadline = time.monotonic() + within
        while True:
            if name == "gateway":
                ready = await asyncio.to_thread(_http_ok, f"{self.gateway_url}/healthz")
            elif name == "smtp-sink":
                ready = port_open(self.smtp_port)
            else:
                ready = await _serving(self.addresses[name])
            if ready:
                return
            if not child.alive():
                raise RuntimeError(f"{name} exited ({child.process.returncode}) while starting:\n{child.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not serve within {within:.0f} s:\n{child.log_tail()}")
            await asyncio.sleep(0.1)

    async def start(self, name: str) -> None:
        self.spawn(name)
        await self.wait_serving(name)

    def kill(self, name: str) -> None:
        """kill -9: no drain, no cleanup, whatever was in flight."""
        child = self.procs[name]
        child.process.send_signal(signal.SIGKILL)
        child.process.wait(timeout=30)
        self.children.started.remove(child)

    async def terminate(self, name: str, grace: float = 30.0) -> None:
        """SIGTERM and wait: the service drains (health NOT_SERVING, in-flight RPCs finish)."""
        child = self.procs[name]
        child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while child.alive():
            if time.monotonic() > deadline:
                child.process.kill()
                raise RuntimeError(f"{name} did not stop within {grace:.0f} s of SIGTERM")
            await asyncio.sleep(0.05)
        self.children.started.remove(child)

    def alive(self, name: str) -> bool:
        return self.procs[name].alive()

    def pid(self, name: str) -> int:
        return self.procs[name].pid


async def build_stack(children: Children, workdir: Path, urls: dict[str, str], officines: int) -> ChaosStack:
    """Seed the run's databases and start the sink, the five services and the gateway."""
    suite = await prepare(
        children, workdir, officines, "postgresql" if urls["orders"].startswith("postgres") else "sqlite"
    )
    # The bench's dataset with a small cap on every orderable cell.
    data = json.loads(suite.dataset_path.read_text(encoding="utf-8"))
    for row in data["quota_tables"][bench_dataset.SESSION_ID]:
        if row["kind"] == "CAPPED":
            row["max_vials"] = CHAOS_CAP
    suite.dataset_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    suite.quota_rules = data["quota_tables"][bench_dataset.SESSION_ID]
    await seed(suite, children, urls)

    smtp_port = int(suite.env["VAXORDERS_SMTP_PORT"])
    stack = ChaosStack(suite, children, urls, workdir / "mail-sink", smtp_port)
    stack.launches["smtp-sink"] = Launch(
        ["-m", "services.mailer", "sink"],
        {
            "VAXORDERS_ENVIRONMENT": "dev",
            "VAXORDERS_SINK_SMTP_PORT": str(smtp_port),
            "VAXORDERS_SINK_HTTP_PORT": str(free_port()),
        },
    )
    for name in GRPC_SERVICES:
        env = {
            "VAXORDERS_DATABASE_URL": urls[name],
            "VAXORDERS_GRPC_PORT": str(suite.ports[name]),
            "VAXORDERS_METRICS_PORT": str(free_port()),
            **signing_env(suite, name),
        }
        if name == "mailer":
            env.update(MAILER_ENV)
        stack.launches[name] = Launch(["-m", f"services.{name}"], env)
    gateway_port = suite.ports["gateway"]
    stack.launches["gateway"] = Launch(
        ["-m", "services.gateway"],
        {
            "VAXORDERS_ENVIRONMENT": "dev",  # plain http on loopback, as the bench runs it
            "VAXORDERS_DATABASE_URL": urls["gateway"],
            "VAXORDERS_HTTP_PORT": str(gateway_port),
            "VAXORDERS_PUBLIC_BASE_URL": f"http://127.0.0.1:{gateway_port}",
            "VAXORDERS_METRICS_PORT": str(free_port()),
            "VAXORDERS_SESSION_SECRET": secrets.token_urlsafe(32),
        },
    )
    for name in ("smtp-sink", *SERVICES):
        stack.spawn(name)
    for name in ("smtp-sink", *SERVICES):
        await stack.wait_serving(name)
    return stack

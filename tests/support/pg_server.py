"""A throwaway PostgreSQL server of our own, to restart and crash at will.

The machine's shared PostgreSQL (5432) serves other test runs and CI: a test or
chaos run that restarts the database uses this instead, made by `initdb` in a
temporary folder, on a free port, and removed at the end. PostgreSQL refuses to
run as root, so when we are root its commands run as the `postgres` user.

    with ThrowawayPostgres.start() as pg:
        url = pg.create_database("orders")
        pg.restart("fast")            # or "immediate": a crash, recovered from the WAL
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]
_RUN_AS = "postgres"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, None when PostgreSQL is not installed."""
    for folder in BIN_DIRS:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def unavailable_reason() -> str | None:
    """Why a throwaway server cannot be made here (None when it can)."""
    if binaries() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(_RUN_AS)
        except KeyError:
            return "running as root and there is no 'postgres' user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    folder: Path
    port: int
    bin_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def server_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str, timeout: float = 120) -> None:
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", _RUN_AS, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({result.returncode}): {result.stdout}\n{result.stderr}")

    def _options(self) -> str:
        # Loopback only, its own socket folder; fsync off: this server's data lives
        # minutes and a PostgreSQL crash (not the OS's) loses no committed transaction.
        return f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"

    def pg_ctl(self, action: str, *extra: str) -> None:
        self._run(
            "pg_ctl", action, "-D", str(self.data_dir), "-o", self._options(), "-l", str(self.folder / "log"), *extra
        )

    @classmethod
    @contextmanager
    def start(cls) -> Iterator[ThrowawayPostgres]:
        reason = unavailable_reason()
        if reason is not None:
            raise RuntimeError(reason)
        bin_dir = binaries()
        assert bin_dir is not None
        folder = Path(tempfile.mkdtemp(prefix="vaxorders-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam(_RUN_AS)
            os.chown(folder, user.pw_uid, user.pw_gid)
        server = cls(folder, _free_port(), bin_dir)
        try:
            server._run("initdb", "-D", str(server.data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8")
            server.pg_ctl("start", "-w", "-t", "60")
            yield server
        finally:
            try:
                server.pg_ctl("stop", "-m", "immediate", "-w", "-t", "30")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            shutil.rmtree(folder, ignore_errors=True)

    def restart(self, mode: str = "fast") -> None:
        """Stop (fast: sessions are terminated, AdminShutdown; immediate: a crash) and start again."""
        self.pg_ctl("restart", "-m", mode, "-w", "-t", "60")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode, "-w", "-t", "60")

    def start_again(self) -> None:
        self.pg_ctl("start", "-w", "-t", "60")

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.server_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.server_url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

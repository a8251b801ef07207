"""Child processes of the bench: started pinned, awaited with a deadline, measured, stopped.

Servers never run in the load generator's process: each is `python -m ...` in its
own process, pinned to the server cores (os.sched_setaffinity right after the
spawn, before the interpreter has started any thread, so every thread it creates
inherits the mask). Peak RSS is the kernel's high-water mark (VmHWM in
/proc/PID/status), read just before the process is stopped, so no sampling can
miss a peak. CPU time comes from /proc/PID/stat.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text(encoding="ascii").split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port(span: int = 1) -> int:
    """A free loopback port for a server we are about to start (bound and released at once),
    and the `span - 1` ports after it (a service's workers serve metrics on consecutive ports).

    Picked below the kernel's ephemeral range: a port the kernel itself picked (bind to 0)
    is one it may hand to any outgoing connection on this busy machine before our server
    binds it ("Address already in use"); below the range only another listener can take it."""
    low, _ = _ephemeral_range()
    for _ in range(200):
        port = random.randrange(max(1024, low - 12_000), low - span)
        if all(_bindable(candidate) for candidate in range(port, port + span)):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def peak_rss_bytes(pid: int) -> int | None:
    """The process's peak resident set size (VmHWM), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds the process has used so far (every thread)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # Fields after the command name start at index 3 (state); utime and stime are 14 and 15.
    return (int(fields[11]) + int(fields[12])) / _TICKS


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (a service's workers, VAXORDERS_WORKERS)."""
    tree, index = [pid], 0
    while index < len(tree):
        try:
            for task in Path(f"/proc/{tree[index]}/task").iterdir():
                tree += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
        index += 1
    return tree


def pin(pid: int, cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(pid, cpus)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    cpus: set[int] | None
    peak_rss: int | None = None
    cpu_at_start: float = 0.0

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def cpu(self) -> float:
        """CPU seconds of the process and of its workers, if it has any."""
        return sum(cpu_seconds(pid) or 0.0 for pid in process_tree(self.pid))

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM (the services drain), then SIGKILL after `grace` seconds."""
        if not self.alive():
            return
        # Workers together: the memory the service takes on its host.
        self.peak_rss = sum(peak_rss_bytes(pid) or 0 for pid in process_tree(self.pid)) or self.peak_rss
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@dataclass
class Children:
    """Every process the bench started; all stopped on exit, whatever happened."""

    log_dir: Path
    server_cpus: set[int] | None
    env: dict[str, str] = field(default_factory=dict)
    started: list[Child] = field(default_factory=list)

    def spawn(
        self, name: str, argv: Sequence[str], *, env: dict[str, str] | None = None, cpus: set[int] | None = None
    ) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        handle = log_path.open("ab")
        process = subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            env={**os.environ, **self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C on the bench does not reach the servers mid-drain
        )
        handle.close()
        target = cpus if cpus is not None else self.server_cpus
        pin(process.pid, target)
        child = Child(name, process, log_path, target)
        self.started.append(child)
        return child

    def run(self, name: str, argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> None:
        """Run a one-shot command (migrate, seed) to completion; raise with its log on failure."""
        child = self.spawn(name, argv, env=env)
        try:
            code = child.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait(timeout=5)
            raise RuntimeError(f"{name} did not finish within {timeout:.0f} s:\n{child.log_tail()}") from None
        finally:
            self.started.remove(child)
        if code != 0:
            raise RuntimeError(f"{name} failed with exit code {code}:\n{child.log_tail()}")

    def stop_all(self) -> None:
        for child in reversed(self.started):
            try:
                child.stop()
            except OSError:
                pass


def wait_until(check: Callable[[], bool], what: str, timeout: float, children: Sequence[Child] = ()) -> None:
    """Poll `check` until it holds; fail early with the log of a child that died."""
    deadline = time.monotonic() + timeout
    while not check():
        for child in children:
            if not child.alive():
                raise RuntimeError(
                    f"{child.name} exited ({child.process.returncode}) while waiting for {what}:\n{child.log_tail()}"
                )
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)

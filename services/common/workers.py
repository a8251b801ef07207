"""Several worker processes serving one port (VAXORDERS_WORKERS), to use every core.

One Python process runs on one core: a service given N workers starts N spawned
processes, each with its own event loop, database engine and channels, all bound to
the same port with SO_REUSEPORT, so the kernel spreads new connections over them
(a connection stays with the worker that accepted it). The parent only supervises:
SIGTERM or SIGINT is passed on to every worker, each drains as a single process
does, and the parent returns when all have exited. A worker that dies on its own
stops the others too, so the orchestrator restarts the whole pod rather than
leaving it short of a worker. A worker whose parent is killed outright (SIGKILL) gets SIGTERM
from the kernel and drains: no orphan keeps serving the port.

Spawned, not forked: grpc's threads and a database pool do not survive a fork.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import wait
from types import FrameType

import structlog

log = structlog.get_logger("workers")


def run_workers(count: int, target: Callable[[int], None]) -> int:
    """Run `target(index)` in `count` spawned processes until they all exit; the exit status
    is 0 when every worker exited cleanly. `target` must be importable (module level)."""
    spawn = multiprocessing.get_context("spawn")
    parent = os.getpid()
    workers = [
        spawn.Process(target=_run_worker, args=(target, parent, index), name=f"worker-{index}")
        for index in range(count)
    ]
    stopping = stopping_by_signal = False

    def stop_all(signum: int = signal.SIGTERM) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.pid is not None and worker.exitcode is None:
                os.kill(worker.pid, signum)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping_by_signal
        stopping_by_signal = True
        stop_all(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for worker in workers:
            worker.start()
        log.info("workers.started", pids=[worker.pid for worker in workers])
        while running := [worker for worker in workers if worker.exitcode is None]:
            wait([worker.sentinel for worker in running])
            for worker in workers:
                worker.join(0)
            if not stopping and any(worker.exitcode is not None for worker in workers):
                died = [(worker.name, worker.exitcode) for worker in workers if worker.exitcode is not None]
                log.error("workers.worker_exited", workers=died)
                stop_all()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("workers.stopped", exit_codes=[worker.exitcode for worker in workers])
    # uvicorn re-raises the signal it drained on: killed by the signal passed on is a clean stop.
    clean = {0, -signal.SIGTERM, -signal.SIGINT} if stopping_by_signal else {0}
    return 0 if all(worker.exitcode in clean for worker in workers) else 1


def _run_worker(target: Callable[[int], None], parent: int, index: int) -> None:
    # Linux: SIGTERM (a drain) when the parent dies, even killed by SIGKILL, so that no orphan
    # worker keeps serving the port; and at once if it died before this line ran.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        return
    target(index)


_PR_SET_PDEATHSIG = 1

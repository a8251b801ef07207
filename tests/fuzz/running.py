"""The whole suite (tests/gateway/stack.py: five gRPC services, the gateway, a local PSC issuer,
an SMTP sink) running on its own event loop in a background thread, so that synchronous
clients — hypothesis' and schemathesis' test loops — can call it from the test's thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack

T = TypeVar("T")


class BackgroundStack:
    def __init__(self, stack: Stack, loop: asyncio.AbstractEventLoop) -> None:
        self.stack = stack
        self._loop = loop

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Runs `coroutine` on the stack's loop and waits for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def addresses(self) -> dict[str, str]:
        """Full gRPC service name -> the address of the process serving it, from each
        service's own spec (a service added to a process later is found the same way)."""
        return {
            name: backend.address for backend in self.stack.backends.values() for name in backend.spec.service_names
        }


@contextmanager
def background_stack(database_url_for: DatabaseUrlFor, tmp: Path) -> Iterator[BackgroundStack]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fuzz-stack", daemon=True)
    thread.start()
    try:
        stack = asyncio.run_coroutine_threadsafe(start_stack(database_url_for, tmp), loop).result(120)
        try:
            yield BackgroundStack(stack, loop)
        finally:
            asyncio.run_coroutine_threadsafe(stack.close(), loop).result(60)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()

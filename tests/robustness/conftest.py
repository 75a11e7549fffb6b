"""The abuse suite's helpers: a real uvicorn server in a thread, and a deliberately slow store.

The server listens on 127.0.0.1 on a free port and serves the app over the store a test
gives it, so the suite runs on both stores; every wait here is bounded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette

from graphmodel import deadline
from graphmodel.store import NamedQuery, Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(app: Starlette) -> Iterator[int]:
    """Serve `app` with uvicorn on 127.0.0.1 for the block; yields the port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    give_up = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < give_up, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=60)


class SlowStore:
    """A store whose every call takes `delay` seconds first, counting the calls it starts:
    a stand-in for a slow database, to watch work stop at the deadline."""

    def __init__(self, inner: Store, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.kind = inner.kind
        self.started = 0
        self.lock = threading.Lock()

    def run(self, query: NamedQuery, /, **args: Any) -> Any:
        deadline.check()
        with self.lock:
            self.started += 1
        time.sleep(self.delay)
        return self.inner.run(query, **args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

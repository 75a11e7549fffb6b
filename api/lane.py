"""The heavy lane: a second event loop, in its own thread, for queries over `heavy_cost`.

Why: graphql-core resolves a list's items concurrently, so one costly query puts hundreds
of callbacks on the event loop at once, and every other request waits behind all of them
(a 2 ms query took seconds while four costly ones ran). Costly queries run here instead,
at most `concurrency` at a time (the others wait, within their deadline); cheap queries,
/healthz and /readyz keep the main loop. Both loops share the GIL, so the main loop gets
its turn at least every switch interval (lowered to 1 ms while a lane runs) instead of
after a whole burst.

Cancelling the awaiting request (timeout, client gone) cancels the query in the lane.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

SWITCH_INTERVAL = 0.001
# Costly queries' store calls, at most this many at once (asyncio.to_thread in the lane):
# a costly query of twenty aliases would otherwise keep six Neo4j queries running at once
# against the database that cheap queries need too.
STORE_THREADS = 2
_open = 0  # lanes open in this process; the first lowers the switch interval, the last restores
_interval = sys.getswitchinterval()
_lock = threading.Lock()


class Lane:
    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.loop = asyncio.new_event_loop()
        self.loop.set_default_executor(
            ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="alliancegraph-heavy")
        )
        self._thread = threading.Thread(target=self._serve, name="alliancegraph-heavy",
                                        daemon=True)  # fmt: skip
        self._slots: asyncio.Semaphore | None = None
        self._thread.start()
        global _open, _interval
        with _lock:
            if _open == 0:
                _interval = sys.getswitchinterval()
                sys.setswitchinterval(min(_interval, SWITCH_INTERVAL))
            _open += 1

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    async def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """`await work()` in the lane; cancelling this cancels it there."""

        async def queued() -> T:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.concurrency)
            async with self._slots:
                return await work()

        future = asyncio.run_coroutine_threadsafe(queued(), self.loop)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self.loop.close()
        global _open
        with _lock:
            _open -= 1
            if _open == 0:
                sys.setswitchinterval(_interval)

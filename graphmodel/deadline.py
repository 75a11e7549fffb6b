"""A per-request deadline that store calls check between round trips.

The API sets one for each request (`within`); `asyncio.to_thread` copies the context into
the worker thread, so a store call running there sees the same `Deadline` object. A thread
cannot be killed, so stopping work means: `check()` before each round trip raises
`DeadlineError` once the time is up or the request was cancelled, and Neo4j gets the time
that is left as its transaction timeout (`remaining()`). Code outside a request (the CLI,
the loaders) has no deadline and is never stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from graphmodel.errors import DeadlineError


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.cancelled = False

    def remaining(self) -> float:
        return 0.0 if self.cancelled else max(0.0, self.at - time.monotonic())

    def cancel(self) -> None:
        """Stop the work: the client went away or the answer was given up on."""
        self.cancelled = True

    def check(self) -> None:
        if self.cancelled:
            raise DeadlineError("the request was cancelled")
        if time.monotonic() >= self.at:
            raise DeadlineError(f"the request took longer than {self.seconds:g} s")


_current: ContextVar[Deadline | None] = ContextVar("alliancegraph_deadline", default=None)


def current() -> Deadline | None:
    return _current.get()


def check() -> None:
    """Raise `DeadlineError` if the current request is out of time; no-op outside one."""
    deadline = _current.get()
    if deadline is not None:
        deadline.check()


@contextmanager
def within(seconds: float) -> Iterator[Deadline]:
    """Run the block (and the threads it starts) under a deadline `seconds` from now.

    >>> with within(60) as d:
    ...     current() is d, d.remaining() > 59
    (True, True)
    >>> current() is None
    True
    """
    deadline = Deadline(seconds)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)

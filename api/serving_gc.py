"""The cyclic garbage collector's settings for a serving process (`alliancegraph serve`,
its `--workers`, the heavy worker): what is alive once the app is made is frozen, and the
youngest generation is collected every `YOUNG` container allocations instead of 700.

Why: a nested read decodes and writes thousands of dicts and lists per answer, so with
the defaults the collector ran about ten times a request and every few requests walked
the whole heap (the schema, the parsed documents, the compiled plans, the driver): the
peer benchmark's nested read spent 8.8-10.0 ms of server CPU per request with the
defaults against 5.2-7.3 ms with these, alternating in the same minutes (bench/README.md).
A request's own cycles are still collected, only in larger batches; nothing here changes
an answer. Tests build apps in one long process and keep the defaults.
"""

from __future__ import annotations

import gc

YOUNG = 20_000  # container allocations between collections of the youngest generation
MIDDLE = 50  # young collections between collections of the middle one
OLD = 100  # middle collections between full ones (also bounded by gc's own 25 % rule)


def tune() -> None:
    """Call once the app is made, just before serving."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)

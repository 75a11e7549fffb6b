"""Substring search over the institutions' primary name keys, without a scan in Python.

`institution_search` asks for the institutions whose name key contains a text, shortest
names first, then by id, at most `limit` of them: what Neo4j answers from its TEXT index on
`name_key`. A scan of a million keys in Python takes ~50-140 ms (bench/embedded.py).

Here the keys are sorted once in that answer order and joined into one string, separated by
a character no key can hold (NUL: names refuse control characters); `str.find` then walks
the string at C speed, and each hit maps back to its key by bisecting the keys' start
offsets. Hits come in answer order, so the walk stops at the `limit`-th; after a hit it
resumes at the next key, so a key is counted once. A common text stops at once; a rare one
costs one pass of `str.find` over ~12 M characters (a few ms).

(An n-gram index was tried first: its build took ~170 Python-level operations per name,
seconds at a million institutions, for no faster answers.)

Built on the first search (~1 s at a million institutions), not with the store: most
embedded stores never search.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from graphmodel.enums import Label

if TYPE_CHECKING:
    from stores.memory import MemoryGraph

SEP = "\x00"


class SubstringIndex:
    """The joined keys and their offsets, built once under a lock; read-only afterwards."""

    def __init__(self, graph: MemoryGraph) -> None:
        self._graph = graph
        self._lock = threading.Lock()
        self._built = False
        self._order: list[Any] = []  # institutions by (len(key), id)
        self._text = ""
        self._starts: array[int] = array("q")

    def search(self, key: str, limit: int) -> list[Any]:
        """Institutions whose primary name key contains `key`: shortest first, then by id."""
        if not self._built:
            self._build()
        if limit <= 0:
            return []
        order = self._order
        if not key:
            return order[:limit]
        if SEP in key:
            return []
        starts, find = self._starts, self._text.find
        out: list[Any] = []
        pos = find(key)
        while pos != -1:
            rank = bisect_right(starts, pos) - 1
            out.append(order[rank])
            if len(out) == limit:
                break
            pos = find(key, starts[rank + 1]) if rank + 1 < len(starts) else -1
        return out

    def _build(self) -> None:
        with self._lock:
            if self._built:
                return
            names = self._graph.name_keys
            pairs = [(names[i.id][0], i) for i in self._graph.all(Label.INSTITUTION)]
            pairs.sort(key=lambda p: (len(p[0]), p[1].id))
            starts, at = array("q"), 0
            for k, _ in pairs:
                starts.append(at)
                at += len(k) + 1
            self._text = SEP.join(k for k, _ in pairs) + SEP
            self._starts = starts
            self._order = [i for _, i in pairs]
            self._built = True

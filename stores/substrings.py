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

The typo lookup (`institution_candidates`) asks, per n-gram of what was typed, for the
institutions any of whose keys (names' and places', `MemoryGraph.search_text`) hold it, up
to one past `GRAM_BOUND`: the same walk over those texts joined, in the graph's order.

Both are built with the store (`build`, while the store's build has the collector paused):
~1-2 s at a million institutions, against the ~77 s a first search once paid when the index
was built lazily on a loaded machine with the collector running.
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


class Joined:
    """Texts joined by NUL in a fixed order, and where each starts: `find` walks them at C
    speed, yielding each holder of a needle once, in order."""

    def __init__(self, texts: list[str]) -> None:
        starts, at = array("q"), 0
        for t in texts:
            starts.append(at)
            at += len(t) + 1
        self.text = SEP.join(texts) + SEP
        self.starts = starts

    def find(self, needle: str, limit: int) -> list[int]:
        """The positions (in the order given) of the first `limit` texts holding `needle`."""
        if SEP in needle or limit <= 0:
            return []
        starts, find, n = self.starts, self.text.find, len(self.starts)
        out: list[int] = []
        pos = find(needle)
        while pos != -1:
            rank = bisect_right(starts, pos) - 1
            out.append(rank)
            if len(out) == limit:
                break
            pos = find(needle, starts[rank + 1]) if rank + 1 < n else -1
        return out


class SubstringIndex:
    """The joined primary name keys (for `institution_search`) and the joined search keys
    (for the typo lookup), each built once under a lock on first use; read-only after."""

    def __init__(self, graph: MemoryGraph) -> None:
        self._graph = graph
        self._lock = threading.Lock()
        self._order: list[Any] = []  # institutions by (len(key), id)
        self._names: Joined | None = None
        self._ids: list[str] = []  # institution ids, in the order of `_keys`
        self._keys: Joined | None = None

    def build(self) -> None:
        """Both joined texts, now rather than on first use."""
        self._build_names()
        self._build_keys()

    def search(self, key: str, limit: int) -> list[Any]:
        """Institutions whose primary name key contains `key`: shortest first, then by id."""
        if self._names is None:
            self._build_names()
        assert self._names is not None
        if limit <= 0:
            return []
        if not key:
            return self._order[:limit]
        return [self._order[r] for r in self._names.find(key, limit)]

    def holders(self, gram: str, limit: int) -> list[str]:
        """Ids of the first `limit` institutions (in the graph's order) any of whose keys,
        names' or places', contains `gram` (which holds no key separator)."""
        if self._keys is None:
            self._build_keys()
        assert self._keys is not None
        return [self._ids[r] for r in self._keys.find(gram, limit)]

    def _build_keys(self) -> None:
        with self._lock:
            if self._keys is None:
                texts = self._graph.search_text
                self._ids = list(texts)
                self._keys = Joined(list(texts.values()))

    def _build_names(self) -> None:
        with self._lock:
            if self._names is not None:
                return
            names = self._graph.name_keys
            # Plain tuples sort in C; ids are unique, so the institution is never compared.
            everyone = self._graph.all(Label.INSTITUTION)
            rows = [(len(k := names[i.id][0]), i.id, k, i) for i in everyone]
            rows.sort()
            self._order = [r[3] for r in rows]
            self._names = Joined([r[2] for r in rows])

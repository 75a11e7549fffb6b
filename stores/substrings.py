"""An n-gram index over the institutions' primary name keys, for substring search.

`institution_search` asks for the institutions whose name key contains a text, shortest
names first, then by id, at most `limit` of them: what Neo4j answers from its TEXT index on
`name_key`. A flat scan of a million keys takes ~50 ms in Python (bench/embedded.py). Here
every institution gets a rank (its place in that order) and each 1-, 2- and 3-character
n-gram of a key lists the ranks of the keys holding it, ascending. A text's candidates are
the list of its rarest n-gram (any text of three characters or more contains one of its
trigrams, a shorter one is its own n-gram); walking that list in rank order and keeping
those whose key really contains the text gives the answer in order, so the walk stops at
the `limit`-th hit. A common text hits at once; a rare one has a short list.

The index is built on the first search (a few seconds at a million institutions), not
with the store: most embedded stores never search, and the build stays fast.
"""

from __future__ import annotations

import threading
from array import array
from typing import TYPE_CHECKING, Any

from graphmodel.enums import Label

if TYPE_CHECKING:
    from stores.memory import MemoryGraph

GRAM = 3  # the longest n-gram indexed


class SubstringIndex:
    """Ranks and postings, built once under a lock; read-only afterwards."""

    def __init__(self, graph: MemoryGraph) -> None:
        self._graph = graph
        self._lock = threading.Lock()
        self._built = False
        self._order: list[Any] = []  # institutions by (len(key), id)
        self._keys: list[str] = []  # their primary name keys, same order
        self._postings: dict[str, array[int]] = {}

    def search(self, key: str, limit: int) -> list[Any]:
        """Institutions whose primary name key contains `key`: shortest first, then by id."""
        if not self._built:
            self._build()
        if limit <= 0:
            return []
        keys, order = self._keys, self._order
        if not key:
            return order[:limit]
        if len(key) <= GRAM:
            ranks: Any = self._postings.get(key, ())
        else:
            grams = {key[i : i + GRAM] for i in range(len(key) - GRAM + 1)}
            lists = [self._postings.get(g) for g in grams]
            if any(found is None for found in lists):
                return []
            ranks = min(lists, key=len)  # type: ignore[arg-type]
        out: list[Any] = []
        for r in ranks:
            if key in keys[r]:
                out.append(order[r])
                if len(out) == limit:
                    break
        return out

    def _build(self) -> None:
        with self._lock:
            if self._built:
                return
            graph = self._graph
            names = graph.name_keys
            pairs = [(names[i.id][0], i) for i in graph.all(Label.INSTITUTION)]
            pairs.sort(key=lambda p: (len(p[0]), p[1].id))
            postings: dict[str, array[int]] = {}
            for rank, (k, _) in enumerate(pairs):
                n = len(k)
                grams = {k[i : i + size] for size in (1, 2, 3) for i in range(n - size + 1)}
                for g in grams:
                    found = postings.get(g)
                    if found is None:
                        postings[g] = array("i", (rank,))
                    else:
                        found.append(rank)
            self._keys = [k for k, _ in pairs]
            self._order = [i for _, i in pairs]
            self._postings = postings
            self._built = True

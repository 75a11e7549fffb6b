"""The parser and validation caches, bounded by the bytes of document text they hold.

strawberry's `ParserCache`/`ValidationCache` are LRUs bounded by entries only: a thousand
distinct 2 MB documents stay parsed. These hold at most `entries` documents and at most
`max_bytes` of their text (a parsed document takes a small multiple of its text), and
never one larger than a sixteenth of that. Each schema (each app) has its own caches.

Validation (`api.pipeline`) also hides graphql-core's suggestions ("Did you mean
'registerInstitution'?") in production: they would leak the schema that introspection keeps
private.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from graphql import DocumentNode, GraphQLError

V = TypeVar("V")


class ByteLRU(Generic[V]):
    """An LRU of values keyed by strings, bounded by entries and by the keys' total length.

    >>> c: ByteLRU[int] = ByteLRU(entries=100, max_bytes=320)
    >>> for k in "abc": c.put(k * 20, 1)
    >>> c.put("x" * 21, 2)  # over 320 // 16 bytes: never kept
    >>> len(c), c.bytes
    (3, 60)
    >>> for k in "defghijklmnopqr": c.put(k * 20, 1)  # 18 × 20 > 320: the oldest go
    >>> len(c), c.bytes, c.get("a" * 20), c.get("r" * 20)
    (16, 320, None, 1)
    """

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.items: OrderedDict[str, V] = OrderedDict()
        self.bytes = 0
        self.hits = 0  # counted, so that a cache that never hits shows (a bench, a test)
        self.misses = 0

    def __len__(self) -> int:
        return len(self.items)

    def get(self, key: str) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return value

    def put(self, key: str, value: V) -> None:
        size = len(key)
        if size > self.max_bytes // 16 or key in self.items:
            return
        self.items[key] = value
        self.bytes += size
        while len(self.items) > self.entries or self.bytes > self.max_bytes:
            old, _ = self.items.popitem(last=False)
            self.bytes -= len(old)


class Caches:
    """One app's caches: parsed documents, validation results and costs, by document text.

    Filled by `api.pipeline.Preparation`; their hit counters show, in a test or a bench,
    that a repeated request is served from them.
    """

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.documents: ByteLRU[DocumentNode] = ByteLRU(entries, max_bytes)
        self.validations: ByteLRU[tuple[GraphQLError, ...]] = ByteLRU(entries, max_bytes)
        self.costs: ByteLRU[int] = ByteLRU(entries, max_bytes)

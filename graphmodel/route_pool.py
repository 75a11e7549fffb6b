"""A region's route pool, and what routes derive from it, kept beside it.

Which institutions a level-named referral may reach depends on the region and the day, not
on the origin (docs/domain.md §5): every origin of a city asks the same question of the
same few dozen candidates. A `Pool` is the tuple of those candidates with a memo: the
rule steps of `graphmodel.routing` filter it once per request shape (the origin's level,
the day, the patient's employer and condition, the levels a rule names) and keep the
answer there, and the destinations built from it; so too the rules a request shape
matches, the drafts made from them, and the merged destinations and their words, keyed
by what they read (the institutions a rule names, never the origin's own walk), so a warm
route no longer filters, sorts and words every candidate. Whoever gathers the pool
decides how long it lives: the embedded store keeps one per region and day for the life
of its (read-only) graph, so a new load is a new graph with new pools; Neo4j gathers a
fresh one per route, so nothing outlives the data it came from. Either way the answers
are those of filtering afresh.

A `Pool` equals a plain tuple of the same candidates: route contexts compare as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# Keys include what a request says (an employer is free text): past this many, start again.
MEMO_BOUND = 1024
_MISSING = object()


class Pool(tuple[Any, ...]):
    """The candidates, in the order given, with a memo of what is derived from them."""

    memo: dict[tuple[Any, ...], Any]

    def __new__(cls, candidates: Iterable[Any] = ()) -> Pool:
        pool = super().__new__(cls, candidates)
        pool.memo = {}
        return pool


def kept(pool: object, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """`make()`, computed once per `key` for a `Pool` (or anything else with a `memo`
    dict); afresh for a plain tuple."""
    memo: dict[tuple[Any, ...], Any] | None = getattr(pool, "memo", None)
    if memo is None:
        return make()
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        if len(memo) >= MEMO_BOUND:
            memo.clear()
        found = memo[key] = make()
    return found  # type: ignore[no-any-return]

"""What every resolver sees: the store, the caller's role, the request id, the DataLoaders.

DataLoaders are made per request, so their caches never outlive it; each batches the ids
one GraphQL response asks for into one call of a batched named query (no N+1). They are the
fallback now: the root fields compile their whole selection (api/projection.py) and only
what the plan leaves out (its docstring says what) reaches a loader.

Store calls go to a thread only for a store that waits on I/O (Neo4j's sync driver), and
on the server's loop the compiled reads not even then: they await Neo4j's async driver.
The embedded store's calls are Python walks holding the GIL: a thread runs them no
sooner, and the hand-over to it and back cost more than a lookup itself (two thread
switches per call, milliseconds on a loaded machine, measured with bench/http.py).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from graphmodel.errors import ForbiddenError
from graphmodel.settings import Settings
from graphmodel.store import NamedQuery, Store
from graphmodel.validity import today
from queries.division_lookup import DIVISIONS
from queries.neighbours import (
    CHANNELS_OF,
    GRIDS_OF,
    INSTITUTIONS,
    MEMBERS_OF,
    MEMBERSHIPS_OF,
    PAIRINGS_OF,
)
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Context:
    store: Store
    settings: Settings
    role: str | None
    request_id: str

    @cached_property
    def loaders(self) -> Loaders:
        """Made on first use: a request that batches nothing (most) builds no DataLoader."""
        return Loaders(self.store)

    async def run(self, query: NamedQuery, /, **args: Any) -> Any:
        """A named query, off the event loop unless the store is the embedded one."""
        return await call(self.store, query, **args)

    async def offload(self, work: Callable[..., V], /, *args: Any) -> V:
        """`work(*args)`, a function that reads the store: like `run`, inline or in a thread."""
        return await offload(self.store, work, *args)

    def require_editor(self) -> None:
        if self.role != "editor":
            raise ForbiddenError("this operation needs a bearer token with the editor role")


async def offload(store: Store, work: Callable[..., V], /, *args: Any, **kwargs: Any) -> V:
    """`work(*args, **kwargs)`, which reads `store`: inline on the embedded store, else in a
    thread.

    Exactly `MemoryStore`, not a wrapper of it: a wrapper may block (a test's slow store).
    A costly query runs in the heavy lane's own loop (`api/lane.py`), so inline it holds up
    that loop only, never the main one.
    """
    if type(store) is MemoryStore:
        return work(*args, **kwargs)
    return await asyncio.to_thread(work, *args, **kwargs)


async def call(store: Store, query: NamedQuery, /, **args: Any) -> Any:
    """`store.run(query, **args)`, inline or in a thread as `offload` says; on Neo4j, a
    query that is one statement goes on the async driver instead when the running loop
    has one (the server's own loop, not the heavy lane's: `Neo4jStore.open_async`)."""
    if query.neo4j_statement is not None and type(store) is Neo4jStore:
        reader = store.async_reader()
        if reader is not None:
            return await store.arun(reader, query, **args)
    return await offload(store, store.run, query, **args)


def _grouped(
    store: Store,
    query: NamedQuery,
    key_of: Callable[[Any], str],
) -> Callable[[list[tuple[str, date]]], Awaitable[list[list[Any]]]]:
    """A batch function for keys (id, as-of date): one query per distinct date."""

    async def load(keys: list[tuple[str, date]]) -> list[list[Any]]:
        by_day: dict[date, list[str]] = defaultdict(list)
        for ident, day in keys:
            by_day[day].append(ident)
        found: dict[tuple[str, date], list[Any]] = defaultdict(list)
        for day, ids in by_day.items():
            for item in await call(store, query, ids=ids, on=day):
                found[(key_of(item), day)].append(item)
        return [found.get(k, []) for k in keys]

    return load


def _by_id(
    store: Store, query: NamedQuery
) -> Callable[[list[str]], Awaitable[Sequence[Any | None]]]:
    async def load(keys: list[str]) -> list[Any | None]:
        found = {x.id: x for x in await call(store, query, ids=keys)}
        return [found.get(k) for k in keys]

    return load


class Loaders:
    def __init__(self, store: Store) -> None:
        self.memberships = DataLoader(
            _grouped(store, MEMBERSHIPS_OF, lambda h: h.membership.institution)
        )
        self.members = DataLoader(_grouped(store, MEMBERS_OF, lambda h: h.membership.alliance))
        self.pairings = DataLoader(_grouped(store, PAIRINGS_OF, lambda p: p.alliance))
        self.grids = DataLoader(_grouped(store, GRIDS_OF, lambda pair: pair[0]))
        self.channels = DataLoader(_grouped(store, CHANNELS_OF, lambda c: c.source_institution))
        self.channels_in = DataLoader(_grouped(store, CHANNELS_OF, lambda c: c.target_institution))
        self.institutions = DataLoader(_by_id(store, INSTITUTIONS))
        self.divisions = DataLoader(_by_id(store, DIVISIONS))


def as_of(on: date | None) -> date:
    return on or today()

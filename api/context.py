"""What every resolver sees: the store, the caller's role, the request id, the DataLoaders.

DataLoaders are made per request, so their caches never outlive it; each batches the ids
one GraphQL response asks for into one call of a batched named query (no N+1). They are the
fallback now: the root fields compile their whole selection (api/projection.py) and only
what the plan leaves out (its docstring says what) reaches a loader.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
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

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Context:
    store: Store
    settings: Settings
    role: str | None
    request_id: str
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    async def run(self, query: NamedQuery, /, **args: Any) -> Any:
        """A named query off the event loop: the Neo4j driver used here is synchronous."""
        return await asyncio.to_thread(self.store.run, query, **args)

    def require_editor(self) -> None:
        if self.role != "editor":
            raise ForbiddenError("this operation needs a bearer token with the editor role")


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
            for item in await asyncio.to_thread(store.run, query, ids=ids, on=day):
                found[(key_of(item), day)].append(item)
        return [found.get(k, []) for k in keys]

    return load


def _by_id(
    store: Store, query: NamedQuery
) -> Callable[[list[str]], Awaitable[Sequence[Any | None]]]:
    async def load(keys: list[str]) -> list[Any | None]:
        found = {x.id: x for x in await asyncio.to_thread(store.run, query, ids=keys)}
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

"""The one interface both stores implement, and the shape of a named query.

A named query holds two implementations of the same question: `on_neo4j(reader, **args)`
runs Cypher through a `Reader`, `on_networkx(graph, **args)` walks a `MemoryGraph`. Both
return the same type, sorted the same way; the conformance suite checks that they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString, NamedTuple, Protocol, runtime_checkable

from graphmodel.dataset import Dataset


class Reader(Protocol):
    """A Neo4j read handle: each call is one round trip, routed to a reader."""

    def rows(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]: ...

    def maps(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]: ...


class Statement(NamedTuple):
    """A read that is one Cypher statement: its text, its parameters, and what makes the
    answer from its rows (the projected maps `Reader.maps` gives)."""

    cypher: str
    params: dict[str, Any]
    finish: Callable[[list[dict[str, Any]]], Any]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    on_neo4j: Callable[..., Any]
    on_networkx: Callable[..., Any]
    description: str = ""
    # For a query that is always one statement: the statement of `**args`, so that Neo4j's
    # store can run it on its async driver (`Neo4jStore.arun`) as `on_neo4j` would.
    neo4j_statement: Callable[..., Statement] | None = None


@dataclass(frozen=True)
class LoadReport:
    dataset: str
    nodes: Mapping[str, int]
    relationships: Mapping[str, int]
    seconds: float


@runtime_checkable
class Store(Protocol):
    kind: str  # "neo4j" or "memory"

    def run(self, query: NamedQuery, /, **args: Any) -> Any:
        """Answer a named query."""
        ...

    def stats(self) -> dict[str, int]:
        """Node counts by label and relationship counts by type."""
        ...

    def load(self, dataset: Dataset) -> LoadReport:
        """Write a validated dataset in one transaction; idempotent."""
        ...

    def write(self, work: Callable[[Any], Any]) -> Any:
        """Run `work(tx)` as one write transaction; the embedded store refuses."""
        ...

    def ping(self) -> None:
        """Raise `UnavailableError` unless the store can answer."""
        ...

    def close(self) -> None: ...

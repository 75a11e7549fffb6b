"""The embedded store: a networkx `MultiDiGraph` built from the same files as Neo4j.

Read-only at run time: it is built once from a dataset and refuses writes. Nodes are keyed
`(label, id)` and carry their domain object under `obj`; edges carry `type` and `obj`.
Queries walk adjacency directly (`graph.out(node, Rel.X)`), never a filtered `subgraph_view`,
which would scan the whole graph for each request.
"""

from __future__ import annotations

import gc
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import networkx as nx

from graphmodel import deadline
from graphmodel.dataset import Dataset
from graphmodel.division import Boundary
from graphmodel.enums import Label, Rel
from graphmodel.errors import ReadOnlyStoreError
from graphmodel.names import join_keys, name_key, place_keys, places_by_division
from graphmodel.store import LoadReport, NamedQuery

NodeKey = tuple[str, str]


class MemoryGraph:
    """The graph plus the indexes a database would keep (ids by label, names)."""

    def __init__(self) -> None:
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        self.by_label: dict[str, dict[str, Any]] = defaultdict(dict)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.boundaries: dict[str, Boundary] = {}
        # Names with (or without) their place, 鄂州市中医医院 (see `graphmodel.names`).
        # (Tuples, not sets: nearly every place key names one institution, and at national
        # scale there are millions of them.)
        self.by_place: dict[str, tuple[str, ...]] = {}
        # All keys joined, as Neo4j's `search_keys` property, for the candidates' n-grams.
        self.search_text: dict[str, str] = {}
        # Each institution's name keys, computed once, for substring search.
        self.name_keys: dict[str, tuple[str, ...]] = {}  # id -> keys, primary name first
        # Values derived from the graph by queries (a region's route pool, an ancestry):
        # the graph never changes once built, so they are computed once and kept.
        self.memo: dict[tuple[Any, ...], Any] = {}

    def add_node(self, label: Label, ident: str, obj: Any) -> None:
        self.g.add_node((label.value, ident), obj=obj)
        self.by_label[label.value][ident] = obj

    def add_edge(self, rel: Rel, start: NodeKey, end: NodeKey, key: str, obj: Any) -> None:
        self.g.add_edge(start, end, key=f"{rel.value}:{key}", type=rel, obj=obj)

    def get(self, label: Label, ident: str) -> Any:
        """The domain object, or None."""
        # .get on the outer dict too: indexing the defaultdict would add an empty label.
        return self.by_label.get(label.value, {}).get(ident)

    def all(self, label: Label) -> Iterator[Any]:
        return iter(self.by_label.get(label.value, {}).values())

    def out(self, node: NodeKey, rel: Rel) -> Iterator[tuple[NodeKey, Any]]:
        """(target, edge object) for each outgoing edge of type `rel`."""
        if node not in self.g:
            return
        for target, edges in self.g.succ[node].items():
            for data in edges.values():
                if data["type"] is rel:
                    yield target, data["obj"]

    def into(self, node: NodeKey, rel: Rel) -> Iterator[tuple[NodeKey, Any]]:
        """(origin, edge object) for each incoming edge of type `rel`."""
        if node not in self.g:
            return
        for origin, edges in self.g.pred[node].items():
            for data in edges.values():
                if data["type"] is rel:
                    yield origin, data["obj"]

    def node_obj(self, node: NodeKey) -> Any:
        return self.g.nodes[node]["obj"]


def build(dataset: Dataset) -> MemoryGraph:
    """The graph of `dataset`. Millions of small objects: the cyclic collector is paused
    while they are made (it took half the build time at a million institutions, bench/),
    and the finished, read-only graph is frozen out of later collections."""
    gc.disable()
    try:
        return _build(dataset)
    finally:
        gc.enable()
        gc.freeze()


def _build(dataset: Dataset) -> MemoryGraph:
    m = MemoryGraph()
    for d in dataset.divisions:
        m.add_node(Label.DIVISION, d.id, d)
    for d in dataset.divisions:
        if d.parent:
            m.add_edge(Rel.PART_OF, (Label.DIVISION, d.id), (Label.DIVISION, d.parent), "", None)
    m.boundaries = {b.id: b for b in dataset.boundaries}
    for g in dataset.grids:
        m.add_node(Label.GRID, g.id, g)
        m.add_edge(Rel.WITHIN, (Label.GRID, g.id), (Label.DIVISION, g.division), "", None)
    places = places_by_division((d.id, d.name, d.parent) for d in dataset.divisions)
    for i in dataset.institutions:
        m.add_node(Label.INSTITUTION, i.id, i)
        keys = tuple(name_key(name) for name in i.all_names)
        for key in keys:
            m.by_name[key].add(i.id)
        m.name_keys[i.id] = keys
        extra = place_keys(i.all_names, places.get(i.division or "", ()), keys=keys)
        by_place = m.by_place
        for key in extra:
            by_place[key] = (*by_place.get(key, ()), i.id)
        m.search_text[i.id] = join_keys(keys, extra)
        if i.division:
            m.add_edge(
                Rel.LOCATED_IN, (Label.INSTITUTION, i.id), (Label.DIVISION, i.division), "", None
            )
    for a in dataset.alliances:
        m.add_node(Label.ALLIANCE, a.id, a)
    for ms in dataset.memberships:
        m.add_edge(
            Rel.MEMBER_OF,
            (Label.INSTITUTION, ms.institution),
            (Label.ALLIANCE, ms.alliance),
            ms.key,
            ms,
        )
    for s in dataset.services:
        m.add_edge(Rel.SERVES, (Label.ALLIANCE, s.alliance), (Label.GRID, s.grid), s.key, s)
    for p in dataset.pairings:
        m.add_edge(
            Rel.PAIRED_WITH, (Label.INSTITUTION, p.upper), (Label.INSTITUTION, p.lower), p.key, p
        )
    for c in dataset.channels:
        m.add_edge(
            Rel.CHANNEL,
            (Label.INSTITUTION, c.source_institution),
            (Label.INSTITUTION, c.target_institution),
            c.key,
            c,
        )
    for r in dataset.referrals:
        m.add_edge(
            Rel.REFERRED,
            (Label.INSTITUTION, r.source_institution),
            (Label.INSTITUTION, r.target_institution),
            r.key,
            r,
        )
    for pol in dataset.policies:
        m.add_node(Label.POLICY, pol.id, pol)
        m.add_edge(Rel.APPLIES_TO, (Label.POLICY, pol.id), (Label.DIVISION, pol.region), "", None)
        for rule in pol.rules:
            m.add_node(Label.RULE, rule.id, rule)
            m.add_edge(Rel.HAS_RULE, (Label.POLICY, pol.id), (Label.RULE, rule.id), "", None)
            for target in rule.designates:
                m.add_edge(
                    Rel.DESIGNATES, (Label.RULE, rule.id), (Label.INSTITUTION, target), "", None
                )
    return m


class MemoryStore:
    """The embedded default store; see the module docstring."""

    kind = "memory"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.graph = build(dataset)
        # The store is read-only once built, so its data version is fixed; a fresh one per
        # store (a restart with other data) keeps an HTTP cache's ETags from colliding.
        self._version = f"m{uuid.uuid4().hex[:16]}"

    def data_version(self) -> str:
        return self._version

    def run(self, query: NamedQuery, /, **args: Any) -> Any:
        # A pure-Python walk cannot be interrupted midway: the deadline is checked before
        # it starts, and the API's cost limit bounds how much one request can ask for.
        deadline.check()
        return query.on_networkx(self.graph, **args)

    def stats(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for label, items in self.graph.by_label.items():
            if items:
                counts[label] += len(items)
        for _, _, data in self.graph.g.edges(data=True):
            counts[data["type"].value] += 1
        return dict(counts)

    def load(self, dataset: Dataset) -> LoadReport:
        raise ReadOnlyStoreError(f"load dataset {dataset.id!r}")

    def write(self, work: Any) -> Any:
        raise ReadOnlyStoreError("write")

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

"""The embedded store: the graph held in plain Python dicts, built from the same files as Neo4j.

Read-only at run time: it is built once from a dataset and refuses writes. Nodes are keyed
`(label, id)` and map to their domain object. Each relationship type has its own adjacency
(outgoing and incoming), so a walk over one type never looks at the edges of another: at a
million institutions a division holds thousands of `LOCATED_IN` edges that a `PART_OF` walk
would otherwise filter one by one. (It began as a networkx `MultiDiGraph` with one adjacency
for all types; the queries' `on_networkx` names keep that history.)
"""

from __future__ import annotations

import gc
import uuid
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from graphmodel import deadline
from graphmodel.dataset import Dataset
from graphmodel.division import Boundary
from graphmodel.enums import Label, Rel
from graphmodel.errors import ReadOnlyStoreError
from graphmodel.names import join_keys, name_key, place_keys, places_by_division
from graphmodel.store import LoadReport, NamedQuery
from stores.substrings import SubstringIndex

NodeKey = tuple[str, str]
Edge = tuple[NodeKey, Any]  # (the node at the other end, the edge's domain object)
_NONE: tuple[Edge, ...] = ()
# Days whose derived values (route pools, policies in force) a graph keeps at once: today,
# and a few dates planners compare it with.
DAYS_KEPT = 8


class MemoryGraph:
    """The graph plus the indexes a database would keep (ids by label, names)."""

    def __init__(self) -> None:
        self.nodes: dict[NodeKey, Any] = {}
        # rel -> node -> edges, in the order they were added; one list per node and type.
        self.succ: dict[Rel, dict[NodeKey, list[Edge]]] = {rel: {} for rel in Rel}
        self.pred: dict[Rel, dict[NodeKey, list[Edge]]] = {rel: {} for rel in Rel}
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
        # The joined name keys for substring search and typo lookup, built with the graph.
        self.substrings = SubstringIndex(self)
        # Values derived from the graph by queries (a region's route pool, an ancestry):
        # the graph never changes once built, so they are computed once and kept.
        self.memo: dict[tuple[Any, ...], Any] = {}
        # What is derived per day (a region's pool, its policy in force): a request may name
        # any date, so only the last DAYS_KEPT days asked are kept, the least recent dropped.
        self.by_day: OrderedDict[date, dict[tuple[Any, ...], Any]] = OrderedDict()

    def day_memo(self, day: date) -> dict[tuple[Any, ...], Any]:
        """The memo of values derived for `day`, kept for the DAYS_KEPT days last asked."""
        found = self.by_day.get(day)
        if found is None:
            if len(self.by_day) >= DAYS_KEPT:
                self.by_day.popitem(last=False)
            found = self.by_day[day] = {}
        else:
            self.by_day.move_to_end(day)
        return found

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def add_node(self, label: Label, ident: str, obj: Any) -> None:
        self.nodes[(label.value, ident)] = obj
        self.by_label[label.value][ident] = obj

    def add_edge(self, rel: Rel, start: NodeKey, end: NodeKey, key: str, obj: Any) -> None:
        """One edge; prefer `add_edges`, which also drops repeated keys."""
        self.add_edges(rel, [(start, end, key, obj)])

    def add_edges(self, rel: Rel, edges: Iterable[tuple[NodeKey, NodeKey, str, Any]]) -> None:
        """Edges of one type. An edge repeating an earlier one's endpoints and key replaces
        its object and keeps its place, as Neo4j's MERGE on the key does."""
        unique: dict[tuple[NodeKey, NodeKey, str], Any] = {}
        for start, end, key, obj in edges:
            unique[(start, end, key)] = obj
        succ, pred = self.succ[rel], self.pred[rel]
        for (start, end, _), obj in unique.items():
            if (found := succ.get(start)) is None:
                succ[start] = [(end, obj)]
            else:
                found.append((end, obj))
            if (found := pred.get(end)) is None:
                pred[end] = [(start, obj)]
            else:
                found.append((start, obj))

    def get(self, label: Label, ident: str) -> Any:
        """The domain object, or None."""
        # .get on the outer dict too: indexing the defaultdict would add an empty label.
        return self.by_label.get(label.value, {}).get(ident)

    def all(self, label: Label) -> Iterator[Any]:
        return iter(self.by_label.get(label.value, {}).values())

    def out(self, node: NodeKey, rel: Rel) -> Iterator[tuple[NodeKey, Any]]:
        """(target, edge object) for each outgoing edge of type `rel`."""
        return iter(self.succ[rel].get(node, _NONE))

    def into(self, node: NodeKey, rel: Rel) -> Iterator[tuple[NodeKey, Any]]:
        """(origin, edge object) for each incoming edge of type `rel`."""
        return iter(self.pred[rel].get(node, _NONE))

    def out_list(self, node: NodeKey, rel: Rel) -> list[Edge] | tuple[Edge, ...]:
        """`out` without the iterator, for hot loops: the stored sequence, not to be changed."""
        return self.succ[rel].get(node, _NONE)

    def into_list(self, node: NodeKey, rel: Rel) -> list[Edge] | tuple[Edge, ...]:
        """`into` without the iterator, for hot loops: the stored sequence, not to be changed."""
        return self.pred[rel].get(node, _NONE)

    def node_obj(self, node: NodeKey) -> Any:
        return self.nodes[node]

    def edge_counts(self) -> dict[Rel, int]:
        return {rel: sum(map(len, adj.values())) for rel, adj in self.succ.items()}


def build(dataset: Dataset, *, freeze: bool = True) -> MemoryGraph:
    """The graph of `dataset`. Millions of small objects: the cyclic collector is paused
    while they are made (it took half the build time at a million institutions, bench/),
    and the finished, read-only graph is frozen out of later collections. A short-lived
    graph (a scenario's neighbourhood, `queries/what_if.py`) is built with `freeze=False`,
    so that it can be collected once answered."""
    if not freeze:
        return _build(dataset)
    gc.disable()
    try:
        graph = _build(dataset)
        graph.substrings.build()
        return graph
    finally:
        gc.enable()
        gc.freeze()


def _build(dataset: Dataset) -> MemoryGraph:
    m = MemoryGraph()
    D, A, G = Label.DIVISION.value, Label.ALLIANCE.value, Label.GRID.value
    I = Label.INSTITUTION.value  # noqa: E741 (the label, as in Cypher)
    for d in dataset.divisions:
        m.add_node(Label.DIVISION, d.id, d)
    m.add_edges(Rel.PART_OF, (((D, d.id), (D, d.parent), "", None) for d in dataset.divisions
                              if d.parent))  # fmt: skip
    m.boundaries = {b.id: b for b in dataset.boundaries}
    for g in dataset.grids:
        m.add_node(Label.GRID, g.id, g)
    m.add_edges(Rel.WITHIN, (((G, g.id), (D, g.division), "", None) for g in dataset.grids))
    places = places_by_division((d.id, d.name, d.parent) for d in dataset.divisions)
    by_name, name_keys, search_text = m.by_name, m.name_keys, m.search_text
    by_place = m.by_place
    for i in dataset.institutions:
        m.add_node(Label.INSTITUTION, i.id, i)
        keys = tuple(name_key(name) for name in i.all_names)
        for key in keys:
            by_name[key].add(i.id)
        name_keys[i.id] = keys
        extra = place_keys(i.all_names, places.get(i.division or "", ()), keys=keys)
        for key in extra:
            by_place[key] = (*by_place.get(key, ()), i.id)
        search_text[i.id] = join_keys(keys, extra)
    m.add_edges(Rel.LOCATED_IN, (((I, i.id), (D, i.division), "", None)
                                 for i in dataset.institutions if i.division))  # fmt: skip
    for a in dataset.alliances:
        m.add_node(Label.ALLIANCE, a.id, a)
    m.add_edges(Rel.MEMBER_OF, (((I, ms.institution), (A, ms.alliance), ms.key, ms)
                                for ms in dataset.memberships))  # fmt: skip
    m.add_edges(Rel.SERVES, (((A, s.alliance), (G, s.grid), s.key, s) for s in dataset.services))
    m.add_edges(Rel.PAIRED_WITH, (((I, p.upper), (I, p.lower), p.key, p)
                                  for p in dataset.pairings))  # fmt: skip
    m.add_edges(Rel.CHANNEL, (((I, c.source_institution), (I, c.target_institution), c.key, c)
                              for c in dataset.channels))  # fmt: skip
    m.add_edges(Rel.REFERRED, (((I, r.source_institution), (I, r.target_institution), r.key, r)
                               for r in dataset.referrals))  # fmt: skip
    P, R = Label.POLICY.value, Label.RULE.value
    for pol in dataset.policies:
        m.add_node(Label.POLICY, pol.id, pol)
        for rule in pol.rules:
            m.add_node(Label.RULE, rule.id, rule)
    m.add_edges(Rel.APPLIES_TO, (((P, pol.id), (D, pol.region), "", None)
                                 for pol in dataset.policies))  # fmt: skip
    m.add_edges(Rel.HAS_RULE, (((P, pol.id), (R, rule.id), "", None)
                               for pol in dataset.policies for rule in pol.rules))  # fmt: skip
    m.add_edges(Rel.DESIGNATES, (((R, rule.id), (I, target), "", None)
                                 for pol in dataset.policies for rule in pol.rules
                                 for target in rule.designates))  # fmt: skip
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
        for rel, n in self.graph.edge_counts().items():
            if n:
                counts[rel.value] += n
        return dict(counts)

    def load(self, dataset: Dataset) -> LoadReport:
        raise ReadOnlyStoreError(f"load dataset {dataset.id!r}")

    def write(self, work: Any) -> Any:
        raise ReadOnlyStoreError("write")

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

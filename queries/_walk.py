"""Walks the report queries share on the embedded store: ancestry, validity, memberships.

Each mirrors a Cypher pattern the report queries use, with the same bounds: a division's
ancestry is itself and at most six `PART_OF` hops up (`(d)-[:PART_OF]->{0,6}(x)`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import date
from typing import Any

from graphmodel.alliance import Alliance, Membership
from graphmodel.division import Division
from graphmodel.enums import Label, Rel
from graphmodel.institution import Institution
from graphmodel.validity import Validity
from stores.memory import MemoryGraph

MAX_HOPS = 6


def ancestry(graph: MemoryGraph, division: str | None) -> tuple[Division, ...]:
    """`division` and the divisions above it, nearest first. Kept per division in the
    graph's memo (it never changes): reports ask it for every institution, and there are
    ~45,000 divisions for a million institutions."""
    key = ("ancestry-of", division)
    found: tuple[Division, ...] | None = graph.memo.get(key)
    if found is None:
        found = graph.memo[key] = _ancestry(graph, division)
    return found


def _ancestry(graph: MemoryGraph, division: str | None) -> tuple[Division, ...]:
    out: list[Division] = []
    node = (Label.DIVISION.value, division) if division else None
    while node is not None and node in graph and len(out) <= MAX_HOPS:
        out.append(graph.node_obj(node))
        parents = [p for p, _ in graph.out(node, Rel.PART_OF)]
        node = parents[0] if parents else None
    return tuple(out)


def ancestry_ids(graph: MemoryGraph, division: str | None) -> tuple[str, ...]:
    key = ("ancestry-ids-of", division)
    found: tuple[str, ...] | None = graph.memo.get(key)
    if found is None:
        found = graph.memo[key] = tuple(d.id for d in ancestry(graph, division))
    return found


def within(graph: MemoryGraph, division: str | None, scope: str | None) -> bool:
    """Whether `division` is `scope` or lies beneath it; no scope means everywhere."""
    return scope is None or scope in ancestry_ids(graph, division)


def beneath(graph: MemoryGraph, division: str) -> set[str]:
    """`division` and every division at most six hops below it."""
    start = (Label.DIVISION.value, division)
    if start not in graph:
        return set()
    seen, queue = {start}, deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth == MAX_HOPS:
            continue
        for child, _ in graph.into(node, Rel.PART_OF):
            if child not in seen:
                seen.add(child)
                queue.append((child, depth + 1))
    return {node[1] for node in seen}


def located_in(graph: MemoryGraph, divisions: set[str]) -> Iterator[Institution]:
    for d in divisions:
        for origin, _ in graph.into((Label.DIVISION.value, d), Rel.LOCATED_IN):
            yield graph.node_obj(origin)


def overlaps(fact: Validity, start: date, end: date) -> bool:
    """Whether the fact holds on some day from `start` to `end` (both inclusive)."""
    return (fact.valid_from is None or fact.valid_from <= end) and (
        fact.valid_to is None or fact.valid_to >= start
    )


def memberships(
    graph: MemoryGraph, institution: str, start: date, end: date | None = None
) -> Iterator[tuple[Alliance, Membership]]:
    """The institution's memberships holding (with their alliance) on `start`, or on some
    day from `start` to `end`."""
    last = end or start
    for a, m in graph.out((Label.INSTITUTION.value, institution), Rel.MEMBER_OF):
        alliance: Alliance = graph.node_obj(a)
        if overlaps(m, start, last) and overlaps(alliance, start, last):
            yield alliance, m


def members(
    graph: MemoryGraph, alliance: str, on: date
) -> Iterator[tuple[Institution, Membership]]:
    for i, m in graph.into((Label.ALLIANCE.value, alliance), Rel.MEMBER_OF):
        if m.holds_on(on):
            yield graph.node_obj(i), m


def nodes(graph: MemoryGraph, label: Label) -> Iterator[Any]:
    """The nodes of a label, without `MemoryGraph.all`'s side effect of recording an empty
    label (which would then show in the store's counts)."""
    return iter(list(graph.by_label.get(label.value, {}).values()))


def institutions(graph: MemoryGraph) -> Iterator[Institution]:
    return nodes(graph, Label.INSTITUTION)


def division_level(graph: MemoryGraph, division: str | None) -> str | None:
    found: Any = graph.get(Label.DIVISION, division) if division else None
    return found.level.value if found is not None else None

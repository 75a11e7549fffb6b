"""Divisions by id (batched, for DataLoaders) and a division's child divisions."""

from __future__ import annotations

from typing import LiteralString

from graphmodel.division import Division
from graphmodel.enums import Label, Rel
from graphmodel.store import NamedQuery, Reader
from stores.memory import MemoryGraph
from stores.props import division_from

BY_IDS: LiteralString = """
UNWIND $ids AS id
MATCH (d:Division {id: id})
RETURN d ORDER BY d.id
"""

CHILDREN: LiteralString = """
MATCH (c:Division)-[:PART_OF]->(:Division {id: $id})
RETURN c ORDER BY c.id
"""


ROOTS: LiteralString = """
MATCH (d:Division) WHERE NOT (d)-[:PART_OF]->()
RETURN d ORDER BY d.id
"""


def roots_on_neo4j(reader: Reader) -> list[Division]:
    return [division_from(r["d"]) for r in reader.rows(ROOTS)]


def roots_on_networkx(graph: MemoryGraph) -> list[Division]:
    """Divisions with no parent: where a hierarchy view starts.

    >>> from queries._examples import tiny
    >>> [d.id for d in roots_on_networkx(tiny())]
    ['city']
    """
    roots = [
        d
        for d in graph.all(Label.DIVISION)
        if not any(True for _ in graph.out((Label.DIVISION.value, d.id), Rel.PART_OF))
    ]
    return sorted(roots, key=lambda d: d.id)


def by_ids_on_neo4j(reader: Reader, ids: list[str]) -> list[Division]:
    return [division_from(r["d"]) for r in reader.rows(BY_IDS, ids=sorted(set(ids)))]


def by_ids_on_networkx(graph: MemoryGraph, ids: list[str]) -> list[Division]:
    """
    >>> from queries._examples import tiny
    >>> [d.name for d in by_ids_on_networkx(tiny(), ["county", "nowhere", "city"])]
    ['示例市', '示例县']
    """
    found = (graph.get(Label.DIVISION, i) for i in sorted(set(ids)))
    return [d for d in found if d is not None]


def children_on_neo4j(reader: Reader, id: str) -> list[Division]:
    return [division_from(r["c"]) for r in reader.rows(CHILDREN, id=id)]


def children_on_networkx(graph: MemoryGraph, id: str) -> list[Division]:
    """
    >>> from queries._examples import tiny
    >>> [d.id for d in children_on_networkx(tiny(), "city")]
    ['county']
    """
    kids = [graph.node_obj(c) for c, _ in graph.into((Label.DIVISION.value, id), Rel.PART_OF)]
    return sorted(kids, key=lambda d: d.id)


ROOT_DIVISIONS = NamedQuery(
    "root_divisions", roots_on_neo4j, roots_on_networkx, "divisions without a parent"
)
DIVISIONS = NamedQuery("divisions", by_ids_on_neo4j, by_ids_on_networkx, "divisions by ids")
DIVISION_CHILDREN = NamedQuery(
    "division_children", children_on_neo4j, children_on_networkx, "a division's child divisions"
)

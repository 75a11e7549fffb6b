"""The outlines of grids and divisions (GeoJSON), for the planner's boundary map."""

from __future__ import annotations

from typing import LiteralString

from graphmodel.division import Boundary
from graphmodel.enums import Label
from graphmodel.store import NamedQuery, Reader
from queries.alliance_list import _within
from stores.memory import MemoryGraph

CYPHER: LiteralString = """
CALL () {
  MATCH (n:Grid) WHERE n.boundary IS NOT NULL
    AND ($division IS NULL OR EXISTS {
          MATCH (n)-[:WITHIN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
  RETURN n, 'grid' AS kind
  UNION
  MATCH (n:Division) WHERE n.boundary IS NOT NULL
    AND ($division IS NULL OR EXISTS {
          MATCH (n)-[:PART_OF]->{0,6}(:Division {id: $division}) })
  RETURN n, 'division' AS kind
}
RETURN n.id AS id, kind, n.boundary AS geometry, n.boundary_source AS source,
       n.boundary_assumption AS assumption
ORDER BY kind, id
"""


def on_neo4j(reader: Reader, division: str | None = None) -> list[Boundary]:
    rows = reader.rows(CYPHER, division=division)
    return [Boundary(id=r["id"], kind=r["kind"], geometry=r["geometry"],
                     source=r["source"] or "", assumption=r["assumption"] or "")
            for r in rows]  # fmt: skip


def on_networkx(graph: MemoryGraph, division: str | None = None) -> list[Boundary]:
    """Boundaries of the grids and divisions in `division` (all when None), by kind and id."""
    found = []
    for b in graph.boundaries.values():
        if division is not None:
            grid = graph.get(Label.GRID, b.id) if b.kind == "grid" else None
            within = grid.division if grid is not None else b.id
            if not _within(graph, within, division):
                continue
        found.append(b)
    return sorted(found, key=lambda b: (b.kind, b.id))


BOUNDARIES = NamedQuery(
    "boundaries", on_neo4j, on_networkx, "GeoJSON outlines of grids and divisions"
)

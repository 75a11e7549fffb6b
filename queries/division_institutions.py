"""The institutions located in an administrative division, or anywhere beneath it."""

from __future__ import annotations

from collections import deque
from typing import LiteralString

from graphmodel.enums import Label, Rel
from graphmodel.institution import Institution
from graphmodel.store import NamedQuery, Reader
from stores.memory import MemoryGraph
from stores.props import institution_from

# province > city > county > township > village: six hops bound the deepest nesting.
MAX_DEPTH = 6

CYPHER: LiteralString = """
MATCH (d:Division {id: $division})
MATCH (sub:Division)-[:PART_OF]->{0,6}(d)
WHERE $recursive OR sub = d
MATCH (i:Institution)-[:LOCATED_IN]->(sub)
RETURN DISTINCT i ORDER BY i.id
"""


def on_neo4j(reader: Reader, division: str, recursive: bool = True) -> list[Institution]:
    rows = reader.rows(CYPHER, division=division, recursive=recursive)
    return [institution_from(r["i"]) for r in rows]


def on_networkx(graph: MemoryGraph, division: str, recursive: bool = True) -> list[Institution]:
    """Institutions in `division` (and, if `recursive`, in the divisions within it), by id.

    >>> from queries._examples import tiny
    >>> [i.id for i in on_networkx(tiny(), "city")]
    ['city-hospital', 'county-hospital', 'township']
    >>> [i.id for i in on_networkx(tiny(), "city", recursive=False)]
    ['city-hospital']
    """
    start = (Label.DIVISION.value, division)
    if start not in graph:
        return []
    seen = {start}
    queue = deque([(start, 0)])
    while recursive and queue:
        node, depth = queue.popleft()
        if depth == MAX_DEPTH:
            continue
        for child, _ in graph.into(node, Rel.PART_OF):
            if child not in seen:
                seen.add(child)
                queue.append((child, depth + 1))
    found = {
        origin[1]: graph.node_obj(origin)
        for d in seen
        for origin, _ in graph.into(d, Rel.LOCATED_IN)
    }
    return [found[k] for k in sorted(found)]


DIVISION_INSTITUTIONS = NamedQuery(
    "division_institutions", on_neo4j, on_networkx, "institutions in a division"
)

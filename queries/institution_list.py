"""Institutions filtered by name (either script), level, type, ownership, division, alliance.

Keyset pagination: sorted by id, `after` is the last id of the previous page, so a page is
an index range scan at any depth rather than an ever larger OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.enums import InstitutionType, Label, Level, Ownership, Rel
from graphmodel.institution import Institution
from graphmodel.names import name_key
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries.division_institutions import on_networkx as in_division
from stores.memory import MemoryGraph
from stores.props import institution_from

CYPHER: LiteralString = """
MATCH (i:Institution)
WHERE ($after IS NULL OR i.id > $after)
  AND ($name IS NULL OR i.name_key CONTAINS $name OR i.alt_keys CONTAINS $name)
  AND ($level IS NULL OR i.level = $level)
  AND ($type IS NULL OR i.type = $type)
  AND ($ownership IS NULL OR i.ownership = $ownership)
  AND ($division IS NULL OR EXISTS {
        MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division {id: $division}) })
  AND ($alliance IS NULL OR EXISTS {
        MATCH (i)-[m:MEMBER_OF]->(:Alliance {id: $alliance})
        WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
          AND coalesce(m.valid_to, date('9999-12-31')) >= $on })
RETURN i ORDER BY i.id LIMIT $limit
"""


@dataclass(frozen=True)
class InstitutionFilter:
    name: str | None = None
    level: Level | None = None
    type: InstitutionType | None = None
    ownership: Ownership | None = None
    division: str | None = None
    alliance: str | None = None


def on_neo4j(
    reader: Reader,
    filter: InstitutionFilter = InstitutionFilter(),
    limit: int = 50,
    after: str | None = None,
    on: date | None = None,
) -> list[Institution]:
    rows = reader.rows(
        CYPHER,
        after=after,
        name=name_key(filter.name) if filter.name else None,
        level=filter.level.value if filter.level else None,
        type=filter.type.value if filter.type else None,
        ownership=filter.ownership.value if filter.ownership else None,
        division=filter.division,
        alliance=filter.alliance,
        on=on or today(),
        limit=limit,
    )
    return [institution_from(r["i"]) for r in rows]


def on_networkx(
    graph: MemoryGraph,
    filter: InstitutionFilter = InstitutionFilter(),
    limit: int = 50,
    after: str | None = None,
    on: date | None = None,
) -> list[Institution]:
    """Up to `limit` institutions after id `after` that pass `filter`, by id.

    >>> from queries._examples import tiny
    >>> [i.id for i in on_networkx(tiny(), InstitutionFilter(name="人民醫院"), limit=1)]
    ['city-hospital']
    >>> after = "city-hospital"
    >>> [i.id for i in on_networkx(tiny(), InstitutionFilter(name="人民医院"), after=after)]
    ['county-hospital']
    """
    day = on or today()
    key = name_key(filter.name) if filter.name else None
    if filter.division is not None:
        candidates = in_division(graph, filter.division)
    elif filter.alliance is not None:
        node = (Label.ALLIANCE.value, filter.alliance)
        candidates = [graph.node_obj(o) for o, _ in graph.into(node, Rel.MEMBER_OF)]
    else:
        candidates = list(graph.all(Label.INSTITUTION))
    out = []
    for i in sorted({c.id: c for c in candidates}.values(), key=lambda i: i.id):
        if after is not None and i.id <= after:
            continue
        if key is not None and not any(key in k for k in graph.name_keys[i.id]):
            continue
        if filter.level is not None and i.level is not filter.level:
            continue
        if filter.type is not None and i.type is not filter.type:
            continue
        if filter.ownership is not None and i.ownership is not filter.ownership:
            continue
        if filter.alliance is not None and not any(
            t[1] == filter.alliance and m.holds_on(day)
            for t, m in graph.out((Label.INSTITUTION.value, i.id), Rel.MEMBER_OF)
        ):
            continue
        out.append(i)
        if len(out) == limit:
            break
    return out


INSTITUTION_LIST = NamedQuery(
    "institution_list", on_neo4j, on_networkx, "institutions by filter, keyset-paginated"
)

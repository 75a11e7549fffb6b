"""Alliances: one by id, or a filtered, keyset-paginated list (by kind, lead, division)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Alliance
from graphmodel.enums import AllianceKind, Label, MemberRole, Rel
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries.division_institutions import MAX_DEPTH
from stores.memory import MemoryGraph
from stores.props import alliance_from

BY_ID: LiteralString = "MATCH (a:Alliance {id: $id}) RETURN a"

LIST: LiteralString = """
MATCH (a:Alliance)
WHERE ($after IS NULL OR a.id > $after)
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($division IS NULL OR a.division = $division OR EXISTS {
        MATCH (:Division {id: a.division})-[:PART_OF]->{1,6}(:Division {id: $division}) })
  AND ($lead IS NULL OR EXISTS {
        MATCH (:Institution {id: $lead})-[m:MEMBER_OF {role: 'lead'}]->(a)
        WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
          AND coalesce(m.valid_to, date('9999-12-31')) >= $on })
RETURN a ORDER BY a.id LIMIT $limit
"""


@dataclass(frozen=True)
class AllianceFilter:
    kind: AllianceKind | None = None
    lead: str | None = None
    division: str | None = None


def by_id_on_neo4j(reader: Reader, id: str) -> Alliance | None:
    rows = reader.rows(BY_ID, id=id)
    return alliance_from(rows[0]["a"]) if rows else None


def by_id_on_networkx(graph: MemoryGraph, id: str) -> Alliance | None:
    """
    >>> from queries._examples import tiny
    >>> by_id_on_networkx(tiny(), "chain").kind.value
    'urban_rural'
    """
    found: Alliance | None = graph.get(Label.ALLIANCE, id)
    return found


def list_on_neo4j(
    reader: Reader,
    filter: AllianceFilter = AllianceFilter(),
    limit: int = 50,
    after: str | None = None,
    on: date | None = None,
) -> list[Alliance]:
    rows = reader.rows(
        LIST, after=after, kind=filter.kind.value if filter.kind else None, lead=filter.lead,
        division=filter.division, on=on or today(), limit=limit,
    )  # fmt: skip
    return [alliance_from(r["a"]) for r in rows]


def list_on_networkx(
    graph: MemoryGraph,
    filter: AllianceFilter = AllianceFilter(),
    limit: int = 50,
    after: str | None = None,
    on: date | None = None,
) -> list[Alliance]:
    """
    >>> from queries._examples import tiny
    >>> [a.id for a in list_on_networkx(tiny(), AllianceFilter(lead="city-hospital"))]
    ['chain']
    """
    day = on or today()
    out = []
    for a in sorted(graph.all(Label.ALLIANCE), key=lambda a: a.id):
        if after is not None and a.id <= after:
            continue
        if filter.kind is not None and a.kind is not filter.kind:
            continue
        if filter.division is not None and not _within(graph, a.division, filter.division):
            continue
        if filter.lead is not None and not any(
            o[1] == filter.lead and m.role is MemberRole.LEAD and m.holds_on(day)
            for o, m in graph.into((Label.ALLIANCE.value, a.id), Rel.MEMBER_OF)
        ):
            continue
        out.append(a)
        if len(out) == limit:
            break
    return out


def _within(graph: MemoryGraph, division: str | None, ancestor: str) -> bool:
    node = (Label.DIVISION.value, division) if division else None
    for _ in range(MAX_DEPTH + 1):
        if node is None or node not in graph:
            return False
        if node[1] == ancestor:
            return True
        parents = [p for p, _ in graph.out(node, Rel.PART_OF)]
        node = parents[0] if parents else None
    return False


ALLIANCE = NamedQuery("alliance", by_id_on_neo4j, by_id_on_networkx, "an alliance by id")
ALLIANCE_LIST = NamedQuery(
    "alliance_list", list_on_neo4j, list_on_networkx, "alliances by filter, keyset-paginated"
)

"""The alliances an institution belongs to, with its role in each, as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Alliance, Membership
from graphmodel.enums import Label, Rel
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from stores.memory import MemoryGraph
from stores.props import alliance_from, membership_from

CYPHER: LiteralString = """
MATCH (:Institution {id: $institution})-[m:MEMBER_OF]->(a:Alliance)
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
RETURN a, m
"""


@dataclass(frozen=True)
class Affiliation:
    alliance: Alliance
    membership: Membership


def _sorted(items: list[Affiliation]) -> list[Affiliation]:
    return sorted(items, key=lambda x: (x.alliance.id, x.membership.role.value))


def on_neo4j(reader: Reader, institution: str, on: date | None = None) -> list[Affiliation]:
    rows = reader.rows(CYPHER, institution=institution, on=on or today())
    return _sorted([Affiliation(alliance_from(r["a"]), membership_from(r["m"])) for r in rows])


def on_networkx(graph: MemoryGraph, institution: str, on: date | None = None) -> list[Affiliation]:
    """Alliances of `institution` on `on` (default today), sorted by alliance id.

    >>> from datetime import date
    >>> from queries._examples import tiny
    >>> [a.alliance.id for a in on_networkx(tiny(), "township", on=date(2020, 1, 1))]
    ['chain']
    >>> on_networkx(tiny(), "township")
    []
    """
    day = on or today()
    items = [
        Affiliation(graph.node_obj(target), m)
        for target, m in graph.out((Label.INSTITUTION, institution), Rel.MEMBER_OF)
        if m.holds_on(day)
    ]
    return _sorted(items)


INSTITUTION_ALLIANCES = NamedQuery(
    "institution_alliances", on_neo4j, on_networkx, "an institution's alliances with its role"
)

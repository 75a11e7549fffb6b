"""An alliance's members with their roles, as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Membership
from graphmodel.enums import Label, MemberRole, Rel
from graphmodel.institution import Institution
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from stores.memory import MemoryGraph
from stores.props import institution_from, membership_from

ROLE_ORDER = {role: rank for rank, role in enumerate(MemberRole)}

CYPHER: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF]->(:Alliance {id: $alliance})
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
RETURN i, m
"""


@dataclass(frozen=True)
class Member:
    institution: Institution
    membership: Membership


def _sorted(members: list[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (ROLE_ORDER[m.membership.role], m.institution.id))


def on_neo4j(reader: Reader, alliance: str, on: date | None = None) -> list[Member]:
    rows = reader.rows(CYPHER, alliance=alliance, on=on or today())
    return _sorted([Member(institution_from(r["i"]), membership_from(r["m"])) for r in rows])


def on_networkx(graph: MemoryGraph, alliance: str, on: date | None = None) -> list[Member]:
    """Members valid on `on` (default today), lead first, then by role and id.

    >>> from datetime import date
    >>> from queries._examples import tiny
    >>> [(m.institution.id, m.membership.role.value) for m in on_networkx(tiny(), "chain")]
    [('city-hospital', 'lead'), ('county-hospital', 'member')]
    >>> len(on_networkx(tiny(), "chain", on=date(2020, 6, 1)))
    3
    """
    day = on or today()
    members = [
        Member(graph.node_obj(origin), m)
        for origin, m in graph.into((Label.ALLIANCE, alliance), Rel.MEMBER_OF)
        if m.holds_on(day)
    ]
    return _sorted(members)


ALLIANCE_MEMBERS = NamedQuery(
    "alliance_members", on_neo4j, on_networkx, "an alliance's members with roles"
)

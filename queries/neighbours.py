"""The natural neighbours of many nodes at once, for the API's DataLoaders (no N+1).

Each query takes a list of ids and answers for all of them in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.alliance import Alliance, Membership
from graphmodel.counterpart import Pairing
from graphmodel.division import Grid
from graphmodel.enums import Label, Rel
from graphmodel.institution import Institution
from graphmodel.referral import Channel
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries.alliance_members import ROLE_ORDER
from stores.memory import MemoryGraph
from stores.props import (
    alliance_from,
    channel_from,
    grid_from,
    institution_from,
    membership_from,
    pairing_from,
)

MEMBERSHIPS_OF_INSTITUTIONS: LiteralString = """
UNWIND $ids AS id
MATCH (:Institution {id: id})-[m:MEMBER_OF]->(a:Alliance)
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
RETURN m, a
"""

MEMBERS_OF_ALLIANCES: LiteralString = """
UNWIND $ids AS id
MATCH (i:Institution)-[m:MEMBER_OF]->(:Alliance {id: id})
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $on
  AND coalesce(m.valid_to, date('9999-12-31')) >= $on
RETURN m, i
"""

INSTITUTIONS_BY_IDS: LiteralString = """
UNWIND $ids AS id
MATCH (i:Institution {id: id})
RETURN i ORDER BY i.id
"""

PAIRINGS_OF_ALLIANCES: LiteralString = """
UNWIND $ids AS id
MATCH (:Institution)-[p:PAIRED_WITH {alliance: id}]->(:Institution)
WHERE coalesce(p.valid_from, date('0001-01-01')) <= $on
  AND coalesce(p.valid_to, date('9999-12-31')) >= $on
RETURN p
"""

CHANNELS_OF_INSTITUTIONS: LiteralString = """
UNWIND $ids AS id
MATCH (i:Institution {id: id})-[c:CHANNEL]-(:Institution)
WHERE coalesce(c.valid_from, date('0001-01-01')) <= $on
  AND coalesce(c.valid_to, date('9999-12-31')) >= $on
RETURN DISTINCT c
"""

GRIDS_OF_ALLIANCES: LiteralString = """
UNWIND $ids AS id
MATCH (:Alliance {id: id})-[s:SERVES]->(g:Grid)
WHERE coalesce(s.valid_from, date('0001-01-01')) <= $on
  AND coalesce(s.valid_to, date('9999-12-31')) >= $on
RETURN id AS alliance, g
"""


@dataclass(frozen=True)
class Held:
    """A membership together with the alliance it is of."""

    membership: Membership
    alliance: Alliance


@dataclass(frozen=True)
class Holder:
    """A membership together with the institution that holds it."""

    membership: Membership
    institution: Institution


def _sort_held(items: list[Held]) -> list[Held]:
    return sorted(items, key=lambda h: (h.membership.institution, h.alliance.id,
                                        h.membership.role.value))  # fmt: skip


def _sort_holders(items: list[Holder]) -> list[Holder]:
    return sorted(items, key=lambda h: (h.membership.alliance, ROLE_ORDER[h.membership.role],
                                        h.institution.id))  # fmt: skip


def memberships_on_neo4j(reader: Reader, ids: list[str], on: date | None = None) -> list[Held]:
    rows = reader.rows(MEMBERSHIPS_OF_INSTITUTIONS, ids=sorted(set(ids)), on=on or today())
    return _sort_held([Held(membership_from(r["m"]), alliance_from(r["a"])) for r in rows])


def memberships_on_networkx(graph: MemoryGraph, ids: list[str], on: date | None = None
                            ) -> list[Held]:  # fmt: skip
    """Valid memberships of each institution in `ids`, with their alliances.

    >>> from queries._examples import tiny
    >>> [(h.membership.institution, h.alliance.id) for h in memberships_on_networkx(
    ...     tiny(), ["county-hospital", "township"])]
    [('county-hospital', 'chain')]
    """
    day = on or today()
    return _sort_held([
        Held(m, graph.node_obj(a))
        for i in set(ids)
        for a, m in graph.out((Label.INSTITUTION.value, i), Rel.MEMBER_OF)
        if m.holds_on(day)
    ])  # fmt: skip


def members_on_neo4j(reader: Reader, ids: list[str], on: date | None = None) -> list[Holder]:
    rows = reader.rows(MEMBERS_OF_ALLIANCES, ids=sorted(set(ids)), on=on or today())
    return _sort_holders([Holder(membership_from(r["m"]), institution_from(r["i"]))
                          for r in rows])  # fmt: skip


def members_on_networkx(graph: MemoryGraph, ids: list[str], on: date | None = None
                        ) -> list[Holder]:  # fmt: skip
    """Valid members of each alliance in `ids`, lead first.

    >>> from queries._examples import tiny
    >>> held = members_on_networkx(tiny(), ["chain"])
    >>> [(h.institution.id, h.membership.role.value) for h in held]
    [('city-hospital', 'lead'), ('county-hospital', 'member')]
    """
    day = on or today()
    return _sort_holders([
        Holder(m, graph.node_obj(o))
        for a in set(ids)
        for o, m in graph.into((Label.ALLIANCE.value, a), Rel.MEMBER_OF)
        if m.holds_on(day)
    ])  # fmt: skip


def institutions_on_neo4j(reader: Reader, ids: list[str]) -> list[Institution]:
    return [institution_from(r["i"]) for r in reader.rows(INSTITUTIONS_BY_IDS,
                                                           ids=sorted(set(ids)))]  # fmt: skip


def institutions_on_networkx(graph: MemoryGraph, ids: list[str]) -> list[Institution]:
    """
    >>> from queries._examples import tiny
    >>> [i.id for i in institutions_on_networkx(tiny(), ["township", "x", "city-hospital"])]
    ['city-hospital', 'township']
    """
    found = (graph.get(Label.INSTITUTION, i) for i in sorted(set(ids)))
    return [i for i in found if i is not None]


def _sort_pairings(items: list[Pairing]) -> list[Pairing]:
    return sorted(items, key=lambda p: p.key)


def pairings_on_neo4j(reader: Reader, ids: list[str], on: date | None = None) -> list[Pairing]:
    rows = reader.rows(PAIRINGS_OF_ALLIANCES, ids=sorted(set(ids)), on=on or today())
    return _sort_pairings([pairing_from(r["p"]) for r in rows])


def pairings_on_networkx(graph: MemoryGraph, ids: list[str], on: date | None = None
                         ) -> list[Pairing]:  # fmt: skip
    """Valid counterpart pairings inside each alliance in `ids`.

    >>> from queries._examples import tiny
    >>> [(p.upper, p.lower) for p in pairings_on_networkx(tiny(), ["chain"])]
    [('city-hospital', 'county-hospital')]
    """
    day, wanted = on or today(), set(ids)
    found = []
    for a in wanted:
        for o, _ in graph.into((Label.ALLIANCE.value, a), Rel.MEMBER_OF):
            for _, p in graph.out(o, Rel.PAIRED_WITH):
                if p.alliance == a and p.holds_on(day):
                    found.append(p)
    return _sort_pairings(list({p.key: p for p in found}.values()))


def _sort_channels(items: list[Channel]) -> list[Channel]:
    return sorted({c.key: c for c in items}.values(), key=lambda c: c.key)


def channels_on_neo4j(reader: Reader, ids: list[str], on: date | None = None) -> list[Channel]:
    rows = reader.rows(CHANNELS_OF_INSTITUTIONS, ids=sorted(set(ids)), on=on or today())
    return _sort_channels([channel_from(r["c"]) for r in rows])


def channels_on_networkx(graph: MemoryGraph, ids: list[str], on: date | None = None
                         ) -> list[Channel]:  # fmt: skip
    """Valid referral channels from or to each institution in `ids`."""
    day = on or today()
    found = []
    for i in set(ids):
        node = (Label.INSTITUTION.value, i)
        for _, c in [*graph.out(node, Rel.CHANNEL), *graph.into(node, Rel.CHANNEL)]:
            if c.holds_on(day):
                found.append(c)
    return _sort_channels(found)


def grids_on_neo4j(reader: Reader, ids: list[str], on: date | None = None
                   ) -> list[tuple[str, Grid]]:  # fmt: skip
    rows = reader.rows(GRIDS_OF_ALLIANCES, ids=sorted(set(ids)), on=on or today())
    return sorted(((r["alliance"], grid_from(r["g"])) for r in rows), key=lambda x: (x[0], x[1].id))


def grids_on_networkx(graph: MemoryGraph, ids: list[str], on: date | None = None
                      ) -> list[tuple[str, Grid]]:  # fmt: skip
    """(alliance id, grid) for each grid the alliances in `ids` serve."""
    day = on or today()
    found = [
        (a, graph.node_obj(g))
        for a in set(ids)
        for g, s in graph.out((Label.ALLIANCE.value, a), Rel.SERVES)
        if s.holds_on(day)
    ]
    return sorted(found, key=lambda x: (x[0], x[1].id))


MEMBERSHIPS_OF = NamedQuery(
    "memberships_of",
    memberships_on_neo4j,
    memberships_on_networkx,
    "valid memberships of many institutions",
)
MEMBERS_OF = NamedQuery(
    "members_of", members_on_neo4j, members_on_networkx, "valid members of many alliances"
)
INSTITUTIONS = NamedQuery(
    "institutions", institutions_on_neo4j, institutions_on_networkx, "institutions by ids"
)
PAIRINGS_OF = NamedQuery(
    "pairings_of", pairings_on_neo4j, pairings_on_networkx, "valid pairings inside many alliances"
)
CHANNELS_OF = NamedQuery(
    "channels_of",
    channels_on_neo4j,
    channels_on_networkx,
    "valid referral channels of many institutions",
)
GRIDS_OF = NamedQuery(
    "grids_of", grids_on_neo4j, grids_on_networkx, "grids served by many alliances"
)

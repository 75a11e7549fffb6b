"""Which conditions may a referral from this institution name: the list the route explorer
offers, from the policy that applies to the institution's region on a day.

The policy is chosen as `referral_route` chooses it (nearest region up the division chain,
then the newest version in force that day), so the list offered is exactly what the route
accepts; with no policy, the standard condition ids (docs/data-format.md), unnamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import LiteralString

from graphmodel.enums import Label
from graphmodel.errors import NotFoundError
from graphmodel.policy import ConditionCategory
from graphmodel.routing import STANDARD_CONDITIONS
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries.referral_route import APPLYING_POLICY, _ancestry, _policy
from stores.memory import MemoryGraph


@dataclass(frozen=True)
class RouteConditions:
    """The conditions a route from an institution may name, and the policy they come from."""

    origin: str
    policy: str | None
    conditions: tuple[ConditionCategory, ...]


CYPHER: LiteralString = (
    APPLYING_POLICY
    + """
RETURN o.id AS origin, pol.id AS policy, pol.conditions AS ids,
       pol.condition_names AS names, pol.condition_names_en AS names_en
"""
)

STANDARD = tuple(ConditionCategory(id=c, name="") for c in STANDARD_CONDITIONS)


def on_neo4j(reader: Reader, origin: str, on: date | None = None) -> RouteConditions:
    rows = reader.rows(CYPHER, origin=origin, on=on or today())
    if not rows:
        raise NotFoundError("institution", origin)
    r = rows[0]
    if r["policy"] is None:
        return RouteConditions(r["origin"], None, STANDARD)
    names, names_en = r["names"] or [], r["names_en"] or []
    found = tuple(ConditionCategory(id=c, name=names[k], name_en=names_en[k])
                  for k, c in enumerate(r["ids"] or []))  # fmt: skip
    return RouteConditions(r["origin"], r["policy"], found)


def on_networkx(graph: MemoryGraph, origin: str, on: date | None = None) -> RouteConditions:
    """The applying policy's conditions, in the policy's order.

    >>> from queries._examples import tiny
    >>> found = on_networkx(tiny(), "township")
    >>> found.policy is None, found.conditions[0].id
    (True, 'general')
    """
    me = graph.get(Label.INSTITUTION, origin)
    if me is None:
        raise NotFoundError("institution", origin)
    policy = _policy(graph, _ancestry(graph, me.division), on or today())
    if policy is None:
        return RouteConditions(me.id, None, STANDARD)
    return RouteConditions(me.id, policy.id, policy.conditions)


ROUTE_CONDITIONS = NamedQuery(
    "route_conditions",
    on_neo4j,
    on_networkx,
    "the conditions a referral from an institution may name, from its region's policy",
)

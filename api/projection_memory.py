"""A plan (`api.projection.Sel`) evaluated on the embedded store's `MemoryGraph`.

Why: on the embedded store a nested read paid a coroutine and a DataLoader batch per node
although every neighbour is a dictionary step away. Here each link is walked from the
parent's domain object through the graph's public methods (`get`, `out`, `into`), with the
same validity rules and orderings as the named queries and as `api.projection_neo4j`, and
the answer is built as the API's objects with their neighbours in `pre`: the resolvers only
read it, synchronously.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.context import as_of
from api.projection import Sel
from api.types import nodes as t
from graphmodel.enums import Label, MemberRole, Rel
from queries.alliance_members import ROLE_ORDER
from queries.counterparts import COUNTERPARTS
from queries.division_lookup import children_on_networkx
from queries.neighbours import grids_on_networkx, pairings_on_networkx
from stores.memory import MemoryGraph

# (type, field) -> the neighbours of one domain object, as domain values.
Walk = Callable[[MemoryGraph, Any, dict[str, Any]], Any]


def _memberships(g: MemoryGraph, i: Any, args: dict[str, Any]) -> list[tuple[Any, Any]]:
    day = as_of(args.get("on"))
    held = [
        (m, g.get(Label.ALLIANCE, a[1]))
        for a, m in g.out((Label.INSTITUTION.value, i.id), Rel.MEMBER_OF)
        if m.holds_on(day)
    ]
    return sorted(held, key=lambda h: (h[1].id, h[0].role.value))  # fmt: skip


def _alliances(g: MemoryGraph, i: Any, args: dict[str, Any]) -> list[Any]:
    return list({a.id: a for _, a in _memberships(g, i, args)}.values())


def _channels(g: MemoryGraph, i: Any, args: dict[str, Any]) -> list[Any]:
    day, node = as_of(args.get("on")), (Label.INSTITUTION.value, i.id)
    out = {c.key: c for _, c in g.out(node, Rel.CHANNEL) if c.holds_on(day)}
    into = {c.key: c for _, c in g.into(node, Rel.CHANNEL) if c.holds_on(day)}
    return [out[k] for k in sorted(out)] + [into[k] for k in sorted(into)]


def _counterparts(g: MemoryGraph, i: Any, args: dict[str, Any]) -> list[Any]:
    direction = args.get("direction")
    return list(COUNTERPARTS.on_networkx(
        g, institution=i.id, alliance_kind=args.get("alliance_kind"),
        alliance=args.get("alliance"), specialty=args.get("specialty"),
        direction=direction.value if direction else None, on=args.get("on"),
    ))  # fmt: skip


def _members(g: MemoryGraph, a: Any, args: dict[str, Any]) -> list[tuple[Any, Any]]:
    day = as_of(args.get("on"))
    held = [
        (m, g.get(Label.INSTITUTION, o[1]))
        for o, m in g.into((Label.ALLIANCE.value, a.id), Rel.MEMBER_OF)
        if m.holds_on(day)
    ]
    return sorted(held, key=lambda h: (ROLE_ORDER[h[0].role], h[1].id))  # fmt: skip


def _lead(g: MemoryGraph, a: Any, args: dict[str, Any]) -> Any:
    leads = [i for m, i in _members(g, a, args) if m.role is MemberRole.LEAD]
    return leads[0] if leads else None


def _division(g: MemoryGraph, x: Any, _: dict[str, Any]) -> Any:
    return g.get(Label.DIVISION, x.division) if x.division else None


WALKS: dict[tuple[str, str], Walk] = {
    ("Institution", "division"): _division,
    ("Institution", "memberships"): _memberships,
    ("Institution", "alliances"): _alliances,
    ("Institution", "channels"): _channels,
    ("Institution", "counterparts"): _counterparts,
    ("Alliance", "division"): _division,
    ("Alliance", "members"): _members,
    ("Alliance", "lead"): _lead,
    ("Alliance", "pairs"): lambda g, a, args: pairings_on_networkx(g, [a.id], args.get("on")),
    ("Alliance", "grids"): lambda g, a, args: [
        grid for _, grid in grids_on_networkx(g, [a.id], args.get("on"))
    ],
    ("Pairing", "upper"): lambda g, p, _: g.get(Label.INSTITUTION, p.upper),
    ("Pairing", "lower"): lambda g, p, _: g.get(Label.INSTITUTION, p.lower),
    ("Division", "parent"): lambda g, d, _: g.get(Label.DIVISION, d.parent) if d.parent else None,
    ("Division", "children"): lambda g, d, _: children_on_networkx(g, d.id),
}


class Evaluator:
    """Builds the API objects of a plan from domain values, walking links as it goes."""

    def __init__(self, graph: MemoryGraph) -> None:
        self.graph = graph

    def build(self, sel: Sel, value: Any) -> Any:
        if value is None:
            return None
        kind = sel.type
        if kind == "Membership":
            m, a = value
            obj: Any = t.Membership.from_domain(m, a)
            if "alliance" in sel.links:
                obj.alliance = self.build(sel.links["alliance"].sel, a)
            return obj
        if kind == "Member":
            m, i = value
            obj = t.Member.from_domain(m, i)
            if "institution" in sel.links:
                obj.institution = self.build(sel.links["institution"].sel, i)
            return obj
        if kind == "Counterpart":
            links = sel.links
            # Each end built once, with its own links, not built and then replaced.
            return t.Counterpart.from_domain(
                value,
                self.build(links["institution"].sel, value.institution)
                if "institution" in links else None,
                self.build(links["alliance"].sel, value.alliance) if "alliance" in links else None,
            )  # fmt: skip
        obj = _FROM_DOMAIN[kind](value)
        if sel.links:
            pre = {}
            for key, link in sel.links.items():
                found = WALKS[(kind, link.field)](self.graph, value, link.args)
                if isinstance(found, list):
                    pre[key] = [self.build(link.sel, x) for x in found]
                else:
                    pre[key] = self.build(link.sel, found)
            obj.pre = pre
        elif kind in {"Institution", "Alliance", "Division", "Pairing"}:
            obj.pre = {}
        return obj


_FROM_DOMAIN: dict[str, Callable[[Any], Any]] = {
    "Institution": t.Institution.from_domain,
    "Alliance": t.Alliance.from_domain,
    "Division": t.Division.from_domain,
    "Grid": t.Grid.from_domain,
    "Pairing": t.Pairing.from_domain,
    "Channel": t.Channel.from_domain,
}

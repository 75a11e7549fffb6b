"""The neighbourhood a scenario can change, read from either store as a small `Dataset`.

A change to one institution can alter the findings, coverage and routes of the region
whose rules govern it, and of nothing else: routes are decided on the region's policy and
its pool of receiving institutions (`queries/referral_route.py`), and the validator's
checks look no further than a policy's region. So what is read is:

- the *area*: for each division a change touches, the region of the nearest policy in
  force there on the date (else the city it lies in), with every division beneath it and
  every division above it;
- in full, the institutions of the counties (or districts) the changes land in — a
  membership's institution, a pairing's lower end, a channel's source, a grid, a new
  institution — and every institution the scenario names, with all their memberships,
  pairings, channels and referral flows, and every member of their alliances;
- of the rest of the area only what a route's pool is made of (`_pool` in
  `queries/referral_route.py`): the secondary-and-above institutions with their
  memberships, the senior members of their alliances, and, for an alliance only lower
  institutions there belong to, one such membership in force on the date;
- the other ends of the pairings and channels read, the grids of those counties with
  their services, the policies applying in the area, and the institutions their rules
  designate.

Findings about the partly read institutions are the same before and after the change, so
they cancel out of the difference; `tests/queries/test_what_if.py` checks that the
difference equals the one computed on the whole graph.

The same walk runs on both stores through `Facts`: on Neo4j each step is one
parameterised Cypher statement over a list of ids (about fifteen round trips, whatever the
size of the graph), on the embedded store a walk over the adjacency. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any, LiteralString, Protocol

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset
from graphmodel.division import Division, Grid
from graphmodel.enums import DivisionLevel, Label, Rel
from graphmodel.institution import Institution
from graphmodel.policy import Policy
from graphmodel.referral import Channel, ReferralFlow
from graphmodel.scenario import Scenario
from graphmodel.store import Reader
from graphmodel.validity import holds
from stores import props
from stores.memory import MemoryGraph

Ids = list[str]


class Facts(Protocol):
    """The reads the neighbourhood walk needs, each over a list of ids."""

    def divisions_up(self, ids: Ids) -> list[Division]: ...
    def divisions_down(self, ids: Ids) -> list[Division]: ...
    def policies(self, divisions: Ids) -> list[Policy]: ...
    def institutions_in(self, divisions: Ids) -> list[Institution]: ...
    def institutions(self, ids: Ids) -> list[Institution]: ...
    def alliances(self, ids: Ids) -> list[Alliance]: ...
    def memberships(self, institutions: Ids) -> list[Membership]: ...
    def members(self, alliances: Ids) -> list[Membership]: ...
    def pairings(self, institutions: Ids) -> list[Pairing]: ...
    def channels(self, institutions: Ids) -> list[Channel]: ...
    def referrals(self, institutions: Ids) -> list[ReferralFlow]: ...
    def grids(self, ids: Ids, divisions: Ids) -> list[Grid]: ...
    def services(self, grids: Ids) -> list[Service]: ...


def read(facts: Facts, scenario: Scenario, on: date) -> Dataset:
    """The neighbourhood of `scenario` on `on`."""
    named = facts.institutions(list(scenario.institutions))
    seeds = {i.division for i in named if i.division}
    affected = set(scenario.affected)
    near = {i.division for i in named if i.division and i.id in affected}
    # A named alliance's own division is not where its change lands: its members are.
    places = {g.division for g in facts.grids(list(scenario.grids), [])}
    places |= set(scenario.divisions)
    seeds |= places
    near |= places
    up = {d.id: d for d in facts.divisions_up(sorted(seeds))}
    policies = {p.id: p for p in facts.policies(sorted(up))}
    roots = sorted({_root(up, policies, s, on) for s in seeds if s in up})
    focus = sorted({_county(up, s) for s in near if s in up})
    return area(facts, roots, on, named, scenario.alliances, scenario.grids, focus=focus)


def governed(facts: Facts, divisions: Ids, on: date) -> Dataset:
    """`divisions` read whole, and of the regions whose policies govern them what their
    routes' pools are made of (the fragility report's subgraph)."""
    up = {d.id: d for d in facts.divisions_up(divisions)}
    policies = {p.id: p for p in facts.policies(sorted(up))}
    roots = sorted({_root(up, policies, d, on) for d in divisions if d in up})
    return area(facts, roots, on, focus=divisions)


def area(
    facts: Facts,
    roots: Ids,
    on: date,
    named: Iterable[Institution] = (),
    named_alliances: Iterable[str] = (),
    named_grids: Iterable[str] = (),
    focus: Ids | None = None,
) -> Dataset:
    """The divisions `roots` with everything beneath and above them, as described above.

    With `focus` (divisions beneath the roots), only the institutions beneath the focus are
    read whole; of the rest of the roots' area, what a route's pool is made of: the
    secondary-and-above institutions with their memberships, and for each alliance only
    lower institutions there belong to, one of those memberships in force on `on`.
    """
    down = {d.id: d for d in facts.divisions_down(roots)}
    up = {d.id: d for d in facts.divisions_up(roots)}
    policies = {p.id: p for p in facts.policies(sorted(set(down) | set(up)))}
    near = down if focus is None else {d.id: d for d in facts.divisions_down(focus)}
    core = {i.id: i for i in facts.institutions_in(sorted(near))} | {i.id: i for i in named}
    own = facts.memberships(sorted(core))
    pool: dict[str, Institution] = {}
    if focus is not None:
        far = [i for i in facts.institutions_in(sorted(set(down) - set(near))) if i.id not in core]
        seniors = {i.id for i in far if i.level.rank >= 2}
        held = facts.memberships(sorted(i.id for i in far))
        kept = [m for m in held if m.institution in seniors]
        covered = {m.alliance for m in kept if m.holds_on(on)}
        for m in held:  # one witness of an alliance only lower institutions there belong to
            if m.alliance not in covered and m.holds_on(on):
                covered.add(m.alliance)
                kept.append(m)
        pool = {i.id: i for i in far if i.id in {m.institution for m in kept}}
        own = [*own, *kept]
    allied = sorted({m.alliance for m in own} | set(named_alliances))
    members = facts.members(allied)
    if focus is not None:  # beyond the core's own alliances, their senior members suffice
        mine = {m.alliance for m in own if m.institution in core} | set(named_alliances)
        known_rank = {**core, **pool}
        others = [m for m in members if m.alliance not in mine]
        ranks = {
            i.id: i.level.rank
            for i in facts.institutions(sorted({m.institution for m in others} - set(known_rank)))
        }
        ranks |= {i: x.level.rank for i, x in known_rank.items()}
        members = [m for m in members if m.alliance in mine or ranks.get(m.institution, 0) >= 2]
    core_ids = sorted(core)
    pairings, channels = facts.pairings(core_ids), facts.channels(core_ids)
    designated = {t for p in policies.values() for r in p.rules for t in r.designates}
    ring = {m.institution for m in members} | designated
    ring |= {x for p in pairings for x in (p.upper, p.lower)}
    ring |= {x for c in channels for x in (c.source_institution, c.target_institution)}
    institutions = core | pool
    institutions |= {i.id: i for i in facts.institutions(sorted(ring - set(institutions)))}
    placed = {i.division for i in institutions.values() if i.division} - set(down) - set(up)
    divisions = down | up | {d.id: d for d in facts.divisions_up(sorted(placed))}
    grids = {g.id: g for g in facts.grids(list(named_grids), sorted(near))}
    services = facts.services(sorted(grids))
    linked = set(allied) | {p.alliance for p in pairings} | {s.alliance for s in services}
    linked |= {c.alliance for c in channels if c.alliance}
    alliances = {a.id: a for a in facts.alliances(sorted(linked))}
    referrals = facts.referrals(core_ids)

    def known(*ids: str | None) -> bool:
        return all(i in institutions for i in ids if i)

    return Dataset(
        id="neighbourhood",
        divisions=tuple(sorted(divisions.values(), key=lambda d: d.id)),
        grids=tuple(sorted(grids.values(), key=lambda g: g.id)),
        institutions=tuple(sorted(institutions.values(), key=lambda i: i.id)),
        alliances=tuple(sorted(alliances.values(), key=lambda a: a.id)),
        memberships=_unique(m for m in [*own, *members] if m.alliance in alliances),
        services=_unique(s for s in services if s.alliance in alliances),
        pairings=_unique(
            p for p in pairings if known(p.upper, p.lower) and p.alliance in alliances
        ),
        channels=_unique(
            c
            for c in channels
            if known(c.source_institution, c.target_institution)
            and (c.alliance is None or c.alliance in alliances)
        ),
        referrals=_unique(
            r for r in referrals if known(r.source_institution, r.target_institution)
        ),
        policies=tuple(
            replace(
                p,
                rules=tuple(
                    replace(r, designates=tuple(t for t in r.designates if t in institutions))
                    for r in sorted(p.rules, key=lambda r: r.id)
                ),
            )
            for p in sorted(policies.values(), key=lambda p: p.id)
        ),
    )


def _unique(facts: Iterable[Any]) -> tuple[Any, ...]:
    found = {f.key: f for f in facts}
    return tuple(found[k] for k in sorted(found))


def _county(up: dict[str, Division], seed: str) -> str:
    """The county or district `seed` lies in (else `seed` itself): where its own findings,
    coverage and memberships can change."""
    node: Division | None = up[seed]
    while node is not None:
        if node.level in (DivisionLevel.COUNTY, DivisionLevel.DISTRICT):
            return node.id
        node = up.get(node.parent or "")
    return seed


def _root(up: dict[str, Division], policies: dict[str, Policy], seed: str, on: date) -> str:
    """The region whose rules govern `seed`: the nearest policy's in force on `on`, else
    the city (or the topmost division) it lies in."""
    chain = [seed]
    while (parent := up[chain[-1]].parent) in up and len(chain) < 8:
        chain.append(parent)
    regions = {p.region for p in policies.values() if holds(p.valid_from, p.valid_to, on)}
    for d in chain:
        if d in regions:
            return d
    city = [d for d in chain if up[d].level is DivisionLevel.CITY]
    return city[0] if city else chain[-1]


class MemoryFacts:
    """`Facts` over the embedded graph's adjacency."""

    def __init__(self, graph: MemoryGraph) -> None:
        self.g = graph

    def _walk(self, ids: Ids, rel: Rel, step: str) -> list[Division]:
        found: dict[str, Division] = {}
        todo = [(Label.DIVISION.value, d) for d in ids if self.g.get(Label.DIVISION, d)]
        while todo:
            node = todo.pop()
            if node[1] in found:
                continue
            found[node[1]] = self.g.node_obj(node)
            nxt = self.g.out_list(node, rel) if step == "out" else self.g.into_list(node, rel)
            todo += [n for n, _ in nxt]
        return list(found.values())

    def divisions_up(self, ids: Ids) -> list[Division]:
        return self._walk(ids, Rel.PART_OF, "out")

    def divisions_down(self, ids: Ids) -> list[Division]:
        return self._walk(ids, Rel.PART_OF, "into")

    def policies(self, divisions: Ids) -> list[Policy]:
        into = self.g.into_list
        return [self.g.node_obj(p) for d in divisions
                for p, _ in into((Label.DIVISION.value, d), Rel.APPLIES_TO)]  # fmt: skip

    def institutions_in(self, divisions: Ids) -> list[Institution]:
        into = self.g.into_list
        return [self.g.node_obj(i) for d in divisions
                for i, _ in into((Label.DIVISION.value, d), Rel.LOCATED_IN)]  # fmt: skip

    def _objects(self, label: Label, ids: Ids) -> list[Any]:
        return [x for x in (self.g.get(label, i) for i in ids) if x is not None]

    def institutions(self, ids: Ids) -> list[Institution]:
        return self._objects(Label.INSTITUTION, ids)

    def alliances(self, ids: Ids) -> list[Alliance]:
        return self._objects(Label.ALLIANCE, ids)

    def _edges(self, label: Label, ids: Ids, rel: Rel, out: bool, into: bool) -> list[Any]:
        found = []
        for i in ids:
            node = (label.value, i)
            if out:
                found += [e for _, e in self.g.out_list(node, rel)]
            if into:
                found += [e for _, e in self.g.into_list(node, rel)]
        return found

    def memberships(self, institutions: Ids) -> list[Membership]:
        return self._edges(Label.INSTITUTION, institutions, Rel.MEMBER_OF, True, False)

    def members(self, alliances: Ids) -> list[Membership]:
        return self._edges(Label.ALLIANCE, alliances, Rel.MEMBER_OF, False, True)

    def pairings(self, institutions: Ids) -> list[Pairing]:
        return self._edges(Label.INSTITUTION, institutions, Rel.PAIRED_WITH, True, True)

    def channels(self, institutions: Ids) -> list[Channel]:
        return self._edges(Label.INSTITUTION, institutions, Rel.CHANNEL, True, True)

    def referrals(self, institutions: Ids) -> list[ReferralFlow]:
        return self._edges(Label.INSTITUTION, institutions, Rel.REFERRED, True, True)

    def grids(self, ids: Ids, divisions: Ids) -> list[Grid]:
        within = [self.g.node_obj(x) for d in divisions
                  for x, _ in self.g.into_list((Label.DIVISION.value, d), Rel.WITHIN)]  # fmt: skip
        return [*self._objects(Label.GRID, ids), *within]

    def services(self, grids: Ids) -> list[Service]:
        return self._edges(Label.GRID, grids, Rel.SERVES, False, True)


UP: LiteralString = """
MATCH (d:Division) WHERE d.id IN $ids
MATCH (d)-[:PART_OF]->{0,6}(x:Division)
RETURN DISTINCT properties(x) AS p
"""
DOWN: LiteralString = """
MATCH (d:Division) WHERE d.id IN $ids
MATCH (d)<-[:PART_OF]-{0,6}(x:Division)
RETURN DISTINCT properties(x) AS p
"""
POLICIES: LiteralString = """
MATCH (p:Policy)-[:APPLIES_TO]->(d:Division) WHERE d.id IN $ids
OPTIONAL MATCH (p)-[:HAS_RULE]->(r:Rule)
RETURN properties(p) AS p, collect(properties(r)) AS rules
"""
IN_DIVISIONS: LiteralString = """
MATCH (i:Institution)-[:LOCATED_IN]->(d:Division) WHERE d.id IN $ids
RETURN properties(i) AS p
"""
INSTITUTIONS: LiteralString = "MATCH (i:Institution) WHERE i.id IN $ids RETURN properties(i) AS p"
ALLIANCES: LiteralString = "MATCH (a:Alliance) WHERE a.id IN $ids RETURN properties(a) AS p"
MEMBERSHIPS: LiteralString = """
MATCH (i:Institution)-[m:MEMBER_OF]->(:Alliance) WHERE i.id IN $ids
RETURN properties(m) AS p
"""
MEMBERS: LiteralString = """
MATCH (:Institution)-[m:MEMBER_OF]->(a:Alliance) WHERE a.id IN $ids
RETURN properties(m) AS p
"""
PAIRINGS: LiteralString = """
MATCH (i:Institution)-[e:PAIRED_WITH]-(:Institution) WHERE i.id IN $ids
RETURN DISTINCT properties(e) AS p
"""
CHANNELS: LiteralString = """
MATCH (i:Institution)-[e:CHANNEL]-(:Institution) WHERE i.id IN $ids
RETURN DISTINCT properties(e) AS p
"""
REFERRALS: LiteralString = """
MATCH (i:Institution)-[e:REFERRED]-(:Institution) WHERE i.id IN $ids
RETURN DISTINCT properties(e) AS p
"""
GRIDS: LiteralString = """
MATCH (g:Grid)
WHERE g.id IN $ids OR EXISTS { MATCH (g)-[:WITHIN]->(d:Division) WHERE d.id IN $divisions }
RETURN properties(g) AS p
"""
SERVICES: LiteralString = """
MATCH (:Alliance)-[s:SERVES]->(g:Grid) WHERE g.id IN $ids
RETURN properties(s) AS p
"""


class Neo4jFacts:
    """`Facts` as one parameterised Cypher statement each."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader

    def _rows(self, cypher: LiteralString, ids: Ids, **more: Any) -> list[dict[str, Any]]:
        if not ids and not any(more.values()):
            return []
        return [row["p"] for row in self.r.rows(cypher, ids=ids, **more)]

    def divisions_up(self, ids: Ids) -> list[Division]:
        return [props.division_from(p) for p in self._rows(UP, ids)]

    def divisions_down(self, ids: Ids) -> list[Division]:
        return [props.division_from(p) for p in self._rows(DOWN, ids)]

    def policies(self, divisions: Ids) -> list[Policy]:
        from loaders.read_store import _policy_from

        if not divisions:
            return []
        return [_policy_from(row["p"], [props.rule_from(r) for r in row["rules"]])
                for row in self.r.rows(POLICIES, ids=divisions)]  # fmt: skip

    def institutions_in(self, divisions: Ids) -> list[Institution]:
        return [props.institution_from(p) for p in self._rows(IN_DIVISIONS, divisions)]

    def institutions(self, ids: Ids) -> list[Institution]:
        return [props.institution_from(p) for p in self._rows(INSTITUTIONS, ids)]

    def alliances(self, ids: Ids) -> list[Alliance]:
        return [props.alliance_from(p) for p in self._rows(ALLIANCES, ids)]

    def memberships(self, institutions: Ids) -> list[Membership]:
        return [props.membership_from(p) for p in self._rows(MEMBERSHIPS, institutions)]

    def members(self, alliances: Ids) -> list[Membership]:
        return [props.membership_from(p) for p in self._rows(MEMBERS, alliances)]

    def pairings(self, institutions: Ids) -> list[Pairing]:
        return [props.pairing_from(p) for p in self._rows(PAIRINGS, institutions)]

    def channels(self, institutions: Ids) -> list[Channel]:
        return [props.channel_from(p) for p in self._rows(CHANNELS, institutions)]

    def referrals(self, institutions: Ids) -> list[ReferralFlow]:
        return [props.referral_from(p) for p in self._rows(REFERRALS, institutions)]

    def grids(self, ids: Ids, divisions: Ids) -> list[Grid]:
        return [props.grid_from(p) for p in self._rows(GRIDS, ids, divisions=divisions)]

    def services(self, grids: Ids) -> list[Service]:
        from loaders.read_store import _service_from

        return [_service_from(p) for p in self._rows(SERVICES, grids)]

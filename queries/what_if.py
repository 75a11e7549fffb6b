"""What if…? The difference a scenario makes to findings, coverage and routes.

The scenario's neighbourhood is read from the store (`queries/_neighbourhood.py`: on Neo4j
a fixed number of Cypher statements, on the embedded store a walk over its adjacency) as a
small dataset; the scenario is applied to a copy of it (`graphmodel.scenario.apply`);
then the existing questions are asked of both, on the embedded graph built from each —
`validation` (findings), `grid_coverage` (each grid's status), `unaffiliated` (obliged
institutions in no alliance) and `referral_route` (for every origin the scenario can
reach, for each condition its policy names) — and only what differs is returned. An
origin closed by the scenario has no route after it ("closed").
Neo4j's data is never changed: both sides are computed in memory, by the same code on
both stores, so the difference is the same on both.

The origins whose routes are compared are the institutions the scenario names, the
members of the alliances it names, and every institution below them along a pairing or
channel, before or after the change.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

from graphmodel.dataset import Dataset
from graphmodel.enums import Label
from graphmodel.findings import Finding, sorted_findings
from graphmodel.routing import Route, RouteContext, RouteRequest, conditions_of, decide
from graphmodel.scenario import Scenario, apply
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import grid_coverage, referral_route, unaffiliated, validation
from queries._neighbourhood import MemoryFacts, Neo4jFacts, read
from stores.memory import MemoryGraph, build


@dataclass(frozen=True)
class RouteSummary:
    """What a planner compares of a route: verdict, destinations, each hop and its rule."""

    verdict: str  # preferred | admissible | refused | closed (the origin no longer exists)
    destinations: tuple[tuple[str, str], ...]  # (id, name), preferred first
    hops: tuple[tuple[str, str, str, str], ...]  # (to, via, rule, the rule's clause)
    policy: str | None = None
    reason: str | None = None

    @classmethod
    def of(cls, route: Route | None) -> RouteSummary:
        if route is None:
            return cls("closed", (), ())
        return cls(
            route.verdict,
            tuple((d.id, d.name) for d in route.destinations),
            tuple((h.to.id or h.to.level, h.via, h.rule.id, h.rule.source) for h in route.hops),
            route.policy,
            route.reason,
        )


@dataclass(frozen=True)
class RouteChange:
    origin: str
    origin_name: str
    condition: str
    before: RouteSummary
    after: RouteSummary


@dataclass(frozen=True)
class CoverageChange:
    grid: str
    grid_name: str
    before: str  # uncovered | covered | overlap | absent
    after: str
    alliances_before: tuple[str, ...]
    alliances_after: tuple[str, ...]


@dataclass(frozen=True)
class MembershipChange:
    """An obliged institution that becomes unaffiliated, or is no longer."""

    institution: str
    institution_name: str
    becomes: bool  # True: unaffiliated after the change; False: no longer
    reason: str
    policies: tuple[str, ...]


@dataclass(frozen=True)
class WhatIf:
    scenario: str
    on: date
    changes: int
    new_findings: tuple[Finding, ...]
    resolved_findings: tuple[Finding, ...]
    coverage: tuple[CoverageChange, ...]
    unaffiliated: tuple[MembershipChange, ...]
    routes: tuple[RouteChange, ...]
    neighbourhood: tuple[tuple[str, int], ...]  # what was read and recomputed, by label
    origins: int  # how many origins' routes were compared

    @property
    def unchanged(self) -> bool:
        return not (self.new_findings or self.resolved_findings or self.coverage
                    or self.unaffiliated or self.routes)  # fmt: skip


def on_neo4j(reader: Reader, scenario: Scenario, on: date | None = None) -> WhatIf:
    day = on or scenario.on or today()
    return compare(read(Neo4jFacts(reader), scenario, day), scenario, day)


def on_networkx(graph: MemoryGraph, scenario: Scenario, on: date | None = None) -> WhatIf:
    """The difference `scenario` makes on `on` (default: the scenario's date, else today).

    >>> from graphmodel.scenario import Change
    >>> from queries._examples import tiny
    >>> leave = Change("end", "pairing", (("alliance", "chain"), ("lower", "county-hospital"),
    ...                                   ("upper", "city-hospital")))
    >>> d = on_networkx(tiny(), Scenario("no pairing", (leave,)), date(2024, 1, 1))
    >>> [(r.origin, r.before.hops[0][:2], r.after.verdict)
    ...  for r in d.routes if r.condition == "general"]
    [('county-hospital', ('city-hospital', 'alliance'), 'admissible')]
    """
    day = on or scenario.on or today()
    return compare(read(MemoryFacts(graph), scenario, day), scenario, day)


def compare(base: Dataset, scenario: Scenario, on: date) -> WhatIf:
    """The scenario applied to `base` (a neighbourhood), and the difference it makes."""
    after = apply(base, scenario, on)
    g0, g1 = build(base, freeze=False), build(after, freeze=False)
    v0, v1 = validation.on_networkx(g0, on), validation.on_networkx(g1, on)
    f0, f1 = set(v0.findings), set(v1.findings)
    origins = _origins(base, after, scenario)
    return WhatIf(
        scenario=scenario.name,
        on=on,
        changes=len(scenario.changes),
        new_findings=sorted_findings(list(f1 - f0)),
        resolved_findings=sorted_findings(list(f0 - f1)),
        coverage=_coverage(g0, g1, on),
        unaffiliated=_unaffiliated(g0, g1, on),
        routes=_routes(g0, g1, origins, on),
        neighbourhood=tuple(sorted(after.counts().items())),
        origins=len(origins),
    )


def _origins(base: Dataset, after: Dataset, scenario: Scenario) -> list[str]:
    """The named institutions, the named alliances' members, and all below them."""
    start = set(scenario.institutions)
    named = set(scenario.alliances)
    start |= {m.institution for d in (base, after) for m in d.memberships if m.alliance in named}
    below: dict[str, set[str]] = {}
    for d in (base, after):
        for p in d.pairings:
            below.setdefault(p.upper, set()).add(p.lower)
        for c in d.channels:
            below.setdefault(c.target_institution, set()).add(c.source_institution)
    seen, queue = set(start), deque(start)
    while queue:
        for lower in below.get(queue.popleft(), ()):
            if lower not in seen:
                seen.add(lower)
                queue.append(lower)
    known = {i.id for d in (base, after) for i in d.institutions}
    return sorted(seen & known)


def _routes(
    g0: MemoryGraph, g1: MemoryGraph, origins: list[str], on: date
) -> tuple[RouteChange, ...]:
    found = []
    for origin in origins:
        for condition in _conditions(g0, origin, on) | _conditions(g1, origin, on):
            req = RouteRequest(origin, condition=condition, on=on)
            c0, c1 = _context(g0, req), _context(g1, req)
            if c0 == c1:
                continue  # the same facts and rules decide the same route
            a, b = _decided(c0, req), _decided(c1, req)
            before, after = RouteSummary.of(a), RouteSummary.of(b)
            if before != after:
                name = (a or b).origin.name  # type: ignore[union-attr]
                found.append(RouteChange(origin, name, condition, before, after))
    return tuple(sorted(found, key=lambda r: (r.origin, r.condition)))


def _conditions(graph: MemoryGraph, origin: str, on: date) -> set[str]:
    """The conditions the origin's policy names (none if the origin does not exist)."""
    if graph.get(Label.INSTITUTION, origin) is None:
        return set()
    ctx = referral_route.gather_on_networkx(graph, RouteRequest(origin, on=on))
    return set(conditions_of(ctx.policy))


def _context(graph: MemoryGraph, req: RouteRequest) -> RouteContext | None:
    if graph.get(Label.INSTITUTION, req.origin) is None:
        return None
    return referral_route.gather_on_networkx(graph, req)


def _decided(ctx: RouteContext | None, req: RouteRequest) -> Route | None:
    if ctx is None or req.condition not in conditions_of(ctx.policy):
        return None
    return decide(ctx, req)


def _coverage(g0: MemoryGraph, g1: MemoryGraph, on: date) -> tuple[CoverageChange, ...]:
    def status(g: MemoryGraph) -> dict[str, grid_coverage.GridStatus]:
        return {s.grid.id: s for s in grid_coverage.on_networkx(g, on).grids}

    s0, s1 = status(g0), status(g1)
    found = []
    for grid in sorted(set(s0) | set(s1)):
        a, b = s0.get(grid), s1.get(grid)
        was = (a.status, tuple(x.id for x in a.alliances)) if a else ("absent", ())
        now = (b.status, tuple(x.id for x in b.alliances)) if b else ("absent", ())
        if was != now:
            name = a.grid.name if a else b.grid.name if b else grid
            found.append(CoverageChange(grid, name, was[0], now[0], was[1], now[1]))
    return tuple(found)


def _unaffiliated(g0: MemoryGraph, g1: MemoryGraph, on: date) -> tuple[MembershipChange, ...]:
    def obliged(g: MemoryGraph) -> dict[str, unaffiliated.Unaffiliated]:
        return {u.institution.id: u for u in unaffiliated.on_networkx(g, on)}

    u0, u1 = obliged(g0), obliged(g1)
    found = [
        MembershipChange(u.institution.id, u.institution.name, i in u1, u.reason, u.policies)
        for i in sorted(set(u0) ^ set(u1))
        for u in [u1.get(i) or u0[i]]
    ]
    return tuple(found)


WHAT_IF = NamedQuery(
    "what_if",
    on_neo4j,
    on_networkx,
    "the findings, coverage, memberships and routes a scenario changes",
)

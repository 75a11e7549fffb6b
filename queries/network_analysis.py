"""Where is the network fragile? The report behind `alliancegraph analyze`.

Four questions about a region (a division and everything beneath it; default all), on a
date:

- **single points of failure**: per alliance, the institutions every up route of some
  other institution runs through. The alliance's pairings in force (and its agreed up
  channels) form a directed graph, upper → lower; an institution `x` *dominates* `y` when
  every path from the alliance's top institutions to `y` passes `x` (networkx's
  `immediate_dominators`, from a virtual root above the tops). Each dominator other than
  a top (where up routes end rather than pass) is reported
  with the institutions that depend on it, whether it is also an articulation point of the
  undirected chain (`articulation_points`), and its `betweenness_centrality` there;
- **concentration**: per region (the county or district of the lower institution) and
  level of the upper one, how the pairings are shared among the counterparts: the
  Herfindahl–Hirschman index (sum of squared shares; 1 = one counterpart carries all) and
  the Gini coefficient of their counts, with every counterpart carrying more than `share`;
- **townships unserved**: township and street divisions from which no institution has an
  admissible up route (`queries/referral_route.py`, general condition) that reaches a
  secondary institution — or that hold no institution at all;
- **leapfrog flows**: the recorded up-referral flows of `period` that skip a level or
  leave the origin's alliance (`queries/leapfrogs.py`, through `referral_kpis`), summed
  by origin–target pair.

Community Neo4j has no Graph Data Science library, so on Neo4j the region's subgraph is
read with Cypher (`queries/_neighbourhood.py`, a fixed number of statements: the region
whole, and of the policy regions governing it what their routes' pools are made of) and
the graph algorithms run on it in Python with networkx; the townships' routes are decided
on that subgraph too (no query per township), and the leapfrog flows are asked of the
store (`referral_kpis`). Both stores give the same report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

import networkx as nx

from graphmodel.dataset import Dataset
from graphmodel.enums import Direction, DivisionLevel, Label, Level
from graphmodel.institution import Institution
from graphmodel.routing import Route, RouteRequest
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _neighbourhood, referral_kpis, referral_route
from queries._neighbourhood import MemoryFacts, Neo4jFacts
from stores.memory import MemoryGraph, build

SHARE = 0.5  # a counterpart carrying more than this share of a level's pairings is shown
AREA_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.DISTRICT)
TOWNSHIP_LEVELS = (DivisionLevel.TOWNSHIP, DivisionLevel.STREET)
_ROOT = "\0root"  # the virtual node above an alliance's top institutions


@dataclass(frozen=True)
class SinglePoint:
    """An institution every up route of `dependents` runs through, in one alliance."""

    institution: str
    institution_name: str
    level: str
    alliance: str
    alliance_name: str
    dependents: tuple[str, ...]  # ids, sorted
    articulation: bool  # also a cut vertex of the alliance's (undirected) chain
    betweenness: float  # normalised betweenness centrality in the alliance's chain

    @property
    def count(self) -> int:
        return len(self.dependents)


@dataclass(frozen=True)
class CounterpartShare:
    institution: str
    institution_name: str
    pairings: int
    share: float


@dataclass(frozen=True)
class Concentration:
    region: str
    region_name: str
    level: str  # the upper institutions' level
    pairings: int
    counterparts: int
    hhi: float
    gini: float
    dominant: tuple[CounterpartShare, ...]  # those carrying more than the share asked


@dataclass(frozen=True)
class UnservedTownship:
    division: str
    name: str
    reason: str  # no_institution | no_secondary_route
    institutions: tuple[str, ...]  # those whose routes were asked


@dataclass(frozen=True)
class LeapfrogPair:
    origin: str
    origin_name: str
    origin_level: str
    target: str
    target_name: str
    target_level: str
    flows: int
    patients: int
    skips_level: bool
    leaves_alliance: bool


@dataclass(frozen=True)
class NetworkAnalysis:
    on: date
    division: str | None
    period: str
    single_points: tuple[SinglePoint, ...]
    concentration: tuple[Concentration, ...]
    unserved_townships: tuple[UnservedTownship, ...]
    leapfrogs: tuple[LeapfrogPair, ...]


def single_points(region: Dataset, on: date) -> tuple[SinglePoint, ...]:
    """Dominators of each alliance's up-referral graph, most dependents first.

    >>> from queries._examples import tiny_dataset
    >>> [(p.institution, p.dependents) for p in single_points(tiny_dataset(), date(2024, 1, 1))]
    []
    """
    institutions = {i.id: i for i in region.institutions}
    alliances = {a.id: a for a in region.alliances}
    chains: dict[str, nx.DiGraph] = defaultdict(nx.DiGraph)
    for p in region.pairings:
        if p.holds_on(on) and p.upper in institutions and p.lower in institutions:
            chains[p.alliance].add_edge(p.upper, p.lower)
    for c in region.channels:
        if c.alliance and c.direction is Direction.UP and c.holds_on(on):
            chains[c.alliance].add_edge(c.target_institution, c.source_institution)
    found = []
    for alliance_id in sorted(chains):
        chain = chains[alliance_id]
        rooted = chain.copy()
        rooted.add_edges_from((_ROOT, top) for top, n in chain.in_degree() if n == 0)
        idom = nx.immediate_dominators(rooted, _ROOT)
        depends: dict[str, set[str]] = defaultdict(set)
        for node in chain:
            x = idom.get(node)
            while x is not None and x != _ROOT:
                depends[x].add(node)
                x = idom.get(x)
        cut = set(nx.articulation_points(chain.to_undirected()))
        between = nx.betweenness_centrality(chain)
        a = alliances.get(alliance_id)
        for node, deps in depends.items():
            if idom[node] == _ROOT and chain.in_degree(node) == 0:
                continue  # a top: where up routes end, not what they pass through
            i = institutions[node]
            found.append(SinglePoint(node, i.name, i.level.value, alliance_id,
                                     a.name if a else alliance_id, tuple(sorted(deps)),
                                     node in cut, round(between[node], 6)))  # fmt: skip
    return tuple(sorted(found, key=lambda s: (-s.count, s.alliance, s.institution)))


def gini(counts: list[int]) -> float:
    """The Gini coefficient of `counts`: 0 when equal, towards 1 when one has all.

    >>> gini([5, 5]), gini([10, 0]), round(gini([3, 1]), 4)
    (0.0, 0.5, 0.25)
    """
    n, total = len(counts), sum(counts)
    if not n or not total:
        return 0.0
    diffs = sum(abs(a - b) for a in counts for b in counts)
    return diffs / (2 * n * n * (total / n))


def concentration(
    region: Dataset, on: date, share: float = SHARE, inside: set[str] | None = None
) -> tuple[Concentration, ...]:
    """Per (county or district of the lower institution, upper level): HHI and Gini; only
    lower institutions in the divisions `inside`, when given."""
    institutions = {i.id: i for i in region.institutions}
    divisions = {d.id: d for d in region.divisions}
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for p in region.pairings:
        upper, lower = institutions.get(p.upper), institutions.get(p.lower)
        if p.holds_on(on) and upper and lower and (inside is None or lower.division in inside):
            counts[(_area(divisions, lower.division), upper.level.value)][upper.id] += 1
    found = []
    for (area, level), by in sorted(counts.items()):
        total = sum(by.values())
        shares = {i: n / total for i, n in by.items()}
        dominant = tuple(
            CounterpartShare(i, institutions[i].name, by[i], round(s, 6))
            for i, s in sorted(shares.items(), key=lambda x: (-x[1], x[0]))
            if s > share
        )
        d = divisions.get(area)
        found.append(Concentration(area, d.name if d else area, level, total, len(by),
                                   round(sum(s * s for s in shares.values()), 6),
                                   round(gini(list(by.values())), 6), dominant))  # fmt: skip
    return tuple(found)


def _area(divisions: dict[str, Any], division: str | None) -> str:
    """The county or district a division lies in (else the division itself)."""
    d = divisions.get(division or "")
    node = d
    while node is not None:
        if node.level in AREA_LEVELS:
            return str(node.id)
        node = divisions.get(node.parent or "")
    return division or ""


def _townships(
    region: Dataset,
    on: date,
    route: Callable[[RouteRequest], Route],
    inside: set[str] | None = None,
) -> tuple[UnservedTownship, ...]:
    located: dict[str, list[Institution]] = defaultdict(list)
    for i in region.institutions:
        if i.division:
            located[i.division].append(i)
    within = _beneath(region)
    found = []
    for d in sorted(region.divisions, key=lambda d: d.id):
        if d.level not in TOWNSHIP_LEVELS or d.id not in within:
            continue
        if inside is not None and d.id not in inside:
            continue
        here = sorted((i for sub in within[d.id] for i in located.get(sub, [])),
                      key=lambda i: (-i.level.rank, i.id))  # fmt: skip
        # The township's best-placed institutions: its highest level, centres before clinics.
        top = [i for i in here if i.level.rank == here[0].level.rank] if here else []
        if not top:
            found.append(UnservedTownship(d.id, d.name, "no_institution", ()))
            continue
        served = any(
            r.allowed and any(x.level == Level.SECONDARY.value for x in r.destinations)
            for i in top
            for r in [route(RouteRequest(i.id, on=on))]
        )
        if not served:
            ids = tuple(i.id for i in top)
            found.append(UnservedTownship(d.id, d.name, "no_secondary_route", ids))
    return tuple(found)


def _beneath(region: Dataset) -> dict[str, set[str]]:
    """Each township-level division and the divisions beneath it (villages)."""
    children: dict[str, list[str]] = defaultdict(list)
    for d in region.divisions:
        if d.parent:
            children[d.parent].append(d.id)
    out = {}
    for d in region.divisions:
        if d.level in TOWNSHIP_LEVELS:
            seen, todo = {d.id}, [d.id]
            while todo:
                for c in children.get(todo.pop(), ()):
                    if c not in seen:
                        seen.add(c)
                        todo.append(c)
            out[d.id] = seen
    return out


def _leapfrogs(report: Any) -> tuple[LeapfrogPair, ...]:
    pairs: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for x in report.leapfrogs:
        pairs[(x.origin.id, x.target.id)].append(x)
    return tuple(
        LeapfrogPair(o, xs[0].origin.name, xs[0].origin.level, t, xs[0].target.name,
                     xs[0].target.level, len(xs), sum(x.flow.count for x in xs),
                     any(x.skips_level for x in xs), any(x.leaves_alliance for x in xs))
        for (o, t), xs in sorted(pairs.items())
    )  # fmt: skip


def _assemble(
    region: Dataset,
    on: date,
    division: str | None,
    period: str,
    share: float,
    route: Callable[[RouteRequest], Route],
    kpis: Any,
) -> NetworkAnalysis:
    inside = _inside(region, division)
    return NetworkAnalysis(
        on=on,
        division=division,
        period=period,
        single_points=single_points(region, on),
        concentration=concentration(region, on, share, inside),
        unserved_townships=_townships(region, on, route, inside),
        leapfrogs=_leapfrogs(kpis),
    )


def _inside(region: Dataset, division: str | None) -> set[str] | None:
    """The divisions beneath `division` (None: everywhere)."""
    if division is None:
        return None
    children: dict[str, list[str]] = defaultdict(list)
    for d in region.divisions:
        if d.parent:
            children[d.parent].append(d.id)
    seen, todo = {division}, [division]
    while todo:
        for c in children.get(todo.pop(), ()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


def on_neo4j(
    reader: Reader,
    division: str | None = None,
    on: date | None = None,
    period: str | None = None,
    share: float = SHARE,
) -> NetworkAnalysis:
    day = on or today()
    when = period or str(day.year)
    roots = [division] if division else [r["id"] for r in reader.rows(TOPS)]
    region = _neighbourhood.governed(Neo4jFacts(reader), roots, day)
    sub = build(region, freeze=False)  # the routes on the subgraph read: no query per township
    return _assemble(region, day, division, when, share,
                     lambda r: referral_route.on_networkx(sub, r),
                     referral_kpis.on_neo4j(reader, when, division))  # fmt: skip


def on_networkx(
    graph: MemoryGraph,
    division: str | None = None,
    on: date | None = None,
    period: str | None = None,
    share: float = SHARE,
) -> NetworkAnalysis:
    """The fragility report of `division` (default: everywhere) on `on` (default today);
    leapfrogs of `period` (default the year of `on`).

    >>> from queries._examples import tiny
    >>> report = on_networkx(tiny(), on=date(2024, 1, 1))
    >>> [(c.region, c.level, c.hhi) for c in report.concentration]
    [('county', 'tertiary', 1.0)]
    """
    day = on or today()
    when = period or str(day.year)
    tops = sorted(d.id for d in graph.all(Label.DIVISION) if not d.parent)
    region = _neighbourhood.governed(MemoryFacts(graph), [division] if division else tops, day)
    # Everywhere, the subgraph is the graph itself; else the same subgraph Neo4j reads.
    sub = graph if division is None else build(region, freeze=False)
    return _assemble(region, day, division, when, share,
                     lambda r: referral_route.on_networkx(sub, r),
                     referral_kpis.on_networkx(graph, when, division))  # fmt: skip


TOPS: LiteralString = """
MATCH (d:Division) WHERE NOT (d)-[:PART_OF]->() RETURN d.id AS id ORDER BY id
"""

NETWORK_ANALYSIS = NamedQuery(
    "network_analysis",
    on_neo4j,
    on_networkx,
    "single points of failure, concentration, unserved townships and leapfrog flows",
)

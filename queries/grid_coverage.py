"""Is every grid (网格) served by exactly one urban group or county community?

001 §四(一)(二): each city district and each county is divided into grids, each served by
one urban medical group (城市医疗集团) or county medical community (县域医共体). A grid is
served by an alliance through a `SERVES` relationship holding on the date, from an
alliance of one of those two kinds that itself holds on the date.

001 §四 lets tertiary hospitals and rehabilitation and nursing institutions serve across
grids. So besides its status each grid lists its *cross-grid members*: institutions located
in the grid that belong to a grid alliance serving none of their grids (an alliance serving
no grid at all is not counted); each is marked `exempt` when the default parameters of
check ``grid.cross_grid_member`` allow it (a policy's rule may set its own).

Grids are summed up per county or district (the nearest one above the grid's division),
and every county or district with no grids at all is listed too. This report states facts,
and for each grid and area the policies whose ``grid.*`` rules bind it on the date
(`policies`; none: no loaded policy asks for grids there, so a county without grids breaks
no rule). `validation` turns them into findings, each rule within its region only.
The exemption of a cross-grid member is the binding ``grid.cross_grid_member`` rules'
(every one must allow it), else the check's default (001 §四).
On Neo4j: three Cypher statements (the policies in force, the grids, the areas).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graphmodel.checks import CHECKS, GRID_KINDS
from graphmodel.division import Grid
from graphmodel.enums import AllianceKind, DivisionLevel, Label, Rel
from graphmodel.obligations import ObligationRule
from graphmodel.obligations import may_cross_grids as rule_allows
from graphmodel.store import NamedQuery, Reader
from graphmodel.validity import today
from queries import _obligation_scope, _walk
from queries._obligation_scope import Scope
from stores.memory import MemoryGraph

UNCOVERED, COVERED, OVERLAP = "uncovered", "covered", "overlap"
_EXEMPT = {name: default for name, _, default in CHECKS["grid.cross_grid_member"].params}
AREA_LEVELS = (DivisionLevel.COUNTY.value, DivisionLevel.DISTRICT.value)

GRIDS: LiteralString = """
MATCH (g:Grid)-[:WITHIN]->(d:Division)
WHERE $division IS NULL OR EXISTS { MATCH (d)-[:PART_OF]->{0,6}(:Division {id: $division}) }
CALL (g) {
  OPTIONAL MATCH (a:Alliance)-[s:SERVES]->(g)
  WHERE a.kind IN $kinds
    AND coalesce(s.valid_from, date('0001-01-01')) <= $on
    AND coalesce(s.valid_to, date('9999-12-31')) >= $on
    AND coalesce(a.valid_from, date('0001-01-01')) <= $on
    AND coalesce(a.valid_to, date('9999-12-31')) >= $on
  RETURN collect(DISTINCT a {.id, .name, .kind}) AS serving
}
CALL (d) {
  OPTIONAL MATCH p = (d)-[:PART_OF]->{0,6}(c:Division) WHERE c.level IN $area_levels
  WITH c ORDER BY length(p) LIMIT 1
  RETURN c {.id, .name, .level} AS area
}
CALL (d) {
  MATCH (i:Institution)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(d)
  WHERE $cross
  MATCH (i)-[m:MEMBER_OF]->(a:Alliance)
  WHERE a.kind IN $kinds
    AND coalesce(m.valid_from, date('0001-01-01')) <= $on
    AND coalesce(m.valid_to, date('9999-12-31')) >= $on
    AND coalesce(a.valid_from, date('0001-01-01')) <= $on
    AND coalesce(a.valid_to, date('9999-12-31')) >= $on
    AND EXISTS {
      MATCH (a)-[s:SERVES]->(:Grid)
      WHERE coalesce(s.valid_from, date('0001-01-01')) <= $on
        AND coalesce(s.valid_to, date('9999-12-31')) >= $on }
    AND NOT EXISTS {
      MATCH (i)-[:LOCATED_IN]->(:Division)-[:PART_OF]->{0,6}(:Division)<-[:WITHIN]-(:Grid)
            <-[s:SERVES]-(a)
      WHERE coalesce(s.valid_from, date('0001-01-01')) <= $on
        AND coalesce(s.valid_to, date('9999-12-31')) >= $on }
  RETURN collect(DISTINCT {institution: i {.id, .name, .level, .type},
                           alliance: a {.id, .name}}) AS cross
}
CALL (d) {
  MATCH p = (d)-[:PART_OF]->{0,6}(x:Division)
  WITH x ORDER BY length(p)
  RETURN collect(x.id) AS ancestry
}
RETURN g, d {.id, .name, .level} AS division, serving, area, cross, ancestry
"""
AREAS: LiteralString = """
MATCH (c:Division) WHERE c.level IN $area_levels
  AND ($division IS NULL OR EXISTS { MATCH (c)-[:PART_OF]->{0,6}(:Division {id: $division}) })
CALL (c) {
  MATCH p = (c)-[:PART_OF]->{0,6}(x:Division)
  WITH x ORDER BY length(p)
  RETURN collect(x.id) AS ancestry
}
RETURN c {.id, .name, .level, ancestry: ancestry} AS area
"""


@dataclass(frozen=True)
class ServingAlliance:
    id: str
    name: str
    kind: AllianceKind


@dataclass(frozen=True)
class CrossGridMember:
    institution: str
    institution_name: str
    level: str
    type: str
    alliance: str
    alliance_name: str
    exempt: bool  # tertiary, rehabilitation or nursing: may serve across grids (001 §四)


def may_cross_grids(level: str, type_: str) -> bool:
    """The default exemption of check ``grid.cross_grid_member``."""
    return level in _EXEMPT["exempt_levels"] or type_ in _EXEMPT["exempt_types"]


@dataclass(frozen=True)
class GridStatus:
    grid: Grid
    area: str  # the county or district it is summed up under (else its own division)
    alliances: tuple[ServingAlliance, ...]
    status: str  # uncovered | covered | overlap
    cross_grid: tuple[CrossGridMember, ...] = ()
    ancestry: tuple[str, ...] = ()  # the grid's division and those above it, nearest first
    policies: tuple[str, ...] = ()  # whose grid.* rules bind it on the date


@dataclass(frozen=True)
class AreaCoverage:
    division: str
    name: str
    level: str
    grids: int
    uncovered: int
    covered_once: int
    covered_more: int
    ancestry: tuple[str, ...] = ()  # the area and the divisions above it, nearest first
    policies: tuple[str, ...] = ()  # whose grid.* rules bind it on the date

    @property
    def share_covered(self) -> float | None:
        """Share of grids served by at least one alliance."""
        return (self.covered_once + self.covered_more) / self.grids if self.grids else None

    @property
    def share_exactly_once(self) -> float | None:
        return self.covered_once / self.grids if self.grids else None


@dataclass(frozen=True)
class GridCoverage:
    on: date
    grids: tuple[GridStatus, ...]
    areas: tuple[AreaCoverage, ...]


def _status(n: int) -> str:
    return UNCOVERED if n == 0 else COVERED if n == 1 else OVERLAP


GRID_CHECKS = ("grid.none_defined", "grid.uncovered", "grid.overlap", "grid.cross_grid_member")


def _binding(scope: Scope, ancestry: Any, *checks: str) -> list[ObligationRule]:
    return [r for r in scope.of(*checks) if r.region in ancestry]


def _exempt(rules: list[ObligationRule], level: str, type_: str) -> bool:
    if not rules:
        return may_cross_grids(level, type_)
    return all(rule_allows(r, level, type_) for r in rules)


def _policies(rules: list[ObligationRule]) -> tuple[str, ...]:
    return tuple(sorted({r.policy for r in rules}))


def _assemble(
    scope: Scope,
    rows: list[tuple[Grid, Any, list[dict[str, Any]], dict[str, Any], list[Any], list[str]]],
    areas: list[dict[str, Any]],
) -> GridCoverage:
    """Rows are (grid, area, serving, grid's division, cross rows, the division's ancestry);
    areas carry their own ancestry. Shared by both stores."""
    on, statuses, names = scope.on, [], {a["id"]: a for a in areas}
    for grid, area, serving, division, cross, ancestry in rows:
        crossing = _binding(scope, ancestry, "grid.cross_grid_member")
        area = area or division
        if area["id"] not in names:
            names[area["id"]] = area | {"ancestry": ancestry[ancestry.index(area["id"]) :]}
        alliances = tuple(
            sorted(
                {ServingAlliance(a["id"], a["name"], AllianceKind(a["kind"])) for a in serving},
                key=lambda a: a.id,
            )
        )
        members = tuple(
            sorted(
                {
                    CrossGridMember(
                        c["institution"]["id"],
                        c["institution"]["name"],
                        c["institution"]["level"],
                        c["institution"]["type"],
                        c["alliance"]["id"],
                        c["alliance"]["name"],
                        _exempt(crossing, c["institution"]["level"], c["institution"]["type"]),
                    )
                    for c in cross
                },
                key=lambda c: (c.institution, c.alliance),
            )
        )
        statuses.append(
            GridStatus(
                grid,
                area["id"],
                alliances,
                _status(len(alliances)),
                members,
                tuple(ancestry),
                _policies(_binding(scope, ancestry, *GRID_CHECKS)),
            )
        )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in statuses:
        counts[s.area][[UNCOVERED, COVERED, OVERLAP].index(s.status)] += 1
    summary = tuple(
        AreaCoverage(
            k,
            a["name"],
            a["level"],
            sum(counts[k]),
            counts[k][0],
            counts[k][1],
            counts[k][2],
            tuple(a["ancestry"]),
            _policies(_binding(scope, a["ancestry"], *GRID_CHECKS)),
        )
        for k, a in sorted(names.items())
    )
    return GridCoverage(on, tuple(sorted(statuses, key=lambda s: s.grid.id)), summary)


def on_neo4j(
    reader: Reader, on: date | None = None, division: str | None = None, cross: bool = True
) -> GridCoverage:
    """`cross=False`: no grid lists its cross-grid members (a view that shows only the
    statuses need not find them; at national scale they are most of the work)."""
    scope = _obligation_scope.on_neo4j(reader, on or today())
    return coverage_on_neo4j(reader, scope, division, cross)


def coverage_on_neo4j(
    reader: Reader, scope: Scope, division: str | None = None, cross: bool = True
) -> GridCoverage:
    from stores.props import grid_from

    day = scope.on
    params = {"on": day, "division": division, "kinds": sorted(k.value for k in GRID_KINDS),
              "cross": cross}  # fmt: skip
    rows = reader.rows(GRIDS, area_levels=list(AREA_LEVELS), **params)
    areas = reader.rows(AREAS, area_levels=list(AREA_LEVELS), division=division)
    return _assemble(
        scope,
        [
            (grid_from(r["g"]), r["area"], r["serving"], r["division"], r["cross"], r["ancestry"])
            for r in rows
        ],
        [r["area"] for r in areas],
    )


def _props(obj: Any, *names: str) -> dict[str, Any]:
    return {n: getattr(getattr(obj, n), "value", getattr(obj, n)) for n in names}


def on_networkx(
    graph: MemoryGraph, on: date | None = None, division: str | None = None, cross: bool = True
) -> GridCoverage:
    """Each grid's serving alliances and status, and a summary per county or district.

    >>> from queries._examples import tiny, tiny_obliged
    >>> [(a.name, a.grids, a.policies) for a in on_networkx(tiny()).areas]
    [('示例县', 0, ())]
    >>> [(a.name, a.grids, a.policies) for a in on_networkx(tiny_obliged()).areas]
    [('示例县', 0, ('tiny-policy',))]
    """
    return coverage_on_networkx(
        graph, _obligation_scope.on_networkx(graph, on or today()), division, cross
    )


def coverage_on_networkx(
    graph: MemoryGraph, scope: Scope, division: str | None = None, cross: bool = True
) -> GridCoverage:
    day, rows = scope.on, []
    walk = _Walk(graph, day)
    for grid in _walk.nodes(graph, Label.GRID):
        if not _walk.within(graph, grid.division, division):
            continue
        serving = {
            a[1]: _props(graph.node_obj(a), "id", "name", "kind")
            for a, s in graph.into((Label.GRID.value, grid.id), Rel.SERVES)
            if s.holds_on(day) and _grid_alliance(graph.node_obj(a), day)
        }
        chain = _walk.ancestry(graph, grid.division)
        area = next(
            (_props(d, "id", "name", "level") for d in chain if d.level in AREA_LEVELS), None
        )
        rows.append(
            (
                grid,
                area,
                list(serving.values()),
                _props(chain[0], "id", "name", "level"),
                walk.cross(grid.division) if cross else [],
                [d.id for d in chain],
            )
        )
    areas = [
        _props(d, "id", "name", "level") | {"ancestry": _walk.ancestry_ids(graph, d.id)}
        for d in _walk.nodes(graph, Label.DIVISION)
        if d.level in AREA_LEVELS and _walk.within(graph, d.id, division)
    ]
    return _assemble(scope, rows, areas)


def _grid_alliance(alliance: Any, day: date) -> bool:
    return alliance.kind in GRID_KINDS and alliance.holds_on(day)


class _Walk:
    """The cross-grid walk of one report, on one day. Grids share divisions and
    institutions share ancestries and alliances, so each division's own grids, each
    alliance's served grids and each division's cross-grid members are computed once
    (at a million institutions validate spent most of its time recomputing them)."""

    def __init__(self, graph: MemoryGraph, day: date) -> None:
        self.graph, self.day = graph, day
        self._own: dict[str | None, frozenset[str]] = {}
        self._served: dict[str, set[str]] = {}
        self._cross: dict[str, list[dict[str, Any]]] | None = None

    def own(self, division: str | None) -> frozenset[str]:
        """The grids within `division` or a division above it."""
        found = self._own.get(division)
        if found is None:
            into = self.graph.into_list
            found = frozenset(
                g[1]
                for d in _walk.ancestry_ids(self.graph, division)
                for g, _ in into((Label.DIVISION.value, d), Rel.WITHIN)
            )
            self._own[division] = found
        return found

    def served(self, alliance: str) -> set[str]:
        found = self._served.get(alliance)
        if found is None:
            found = self._served[alliance] = _served_grids(self.graph, alliance, self.day)
        return found

    def cross(self, division: str) -> list[dict[str, Any]]:
        """The cross-grid members located in `division` or at most six levels below it."""
        if self._cross is None:
            self._cross = self._cross_by_division()
        return self._cross.get(division, [])

    def _cross_by_division(self) -> dict[str, list[dict[str, Any]]]:
        """Every cross-grid membership once, filed under each division it lies beneath.
        From the alliances' side: only members of a grid alliance serving some grid can
        cross, a small share of all institutions."""
        graph, day = self.graph, self.day
        out: dict[str, list[dict[str, Any]]] = {}
        nodes, own = graph.nodes, self._own
        for a in _walk.nodes(graph, Label.ALLIANCE):
            if a.kind not in GRID_KINDS or not _walk.overlaps(a, day, day):
                continue
            served = self.served(a.id)
            if not served:
                continue
            crosses: dict[str, bool] = {}  # per division of a member: the grids it has
            for node, m in graph.into_list((Label.ALLIANCE.value, a.id), Rel.MEMBER_OF):
                if (m.valid_from is not None and m.valid_from > day) or (
                    m.valid_to is not None and m.valid_to < day
                ):
                    continue
                i = nodes[node]
                division = i.division
                if not division:
                    continue
                cross = crosses.get(division)
                if cross is None:
                    grids = own.get(division)
                    cross = crosses[division] = served.isdisjoint(
                        self.own(division) if grids is None else grids
                    )
                if not cross:
                    continue
                row = {
                    "institution": _props(i, "id", "name", "level", "type"),
                    "alliance": _props(a, "id", "name"),
                }
                for d in _walk.ancestry_ids(graph, division):
                    out.setdefault(d, []).append(row)
        return out


def _served_grids(graph: MemoryGraph, alliance: str, day: date) -> set[str]:
    return {
        g[1] for g, s in graph.out((Label.ALLIANCE.value, alliance), Rel.SERVES) if s.holds_on(day)
    }


GRID_COVERAGE = NamedQuery(
    "grid_coverage",
    on_neo4j,
    on_networkx,
    "each grid's serving alliances and status (001 §四), summed up per county or district",
)

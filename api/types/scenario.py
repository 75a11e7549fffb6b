"""What if…? and the fragility report as GraphQL: the same content as `alliancegraph whatif`
and `alliancegraph analyze`.

A scenario comes in as `ScenarioInput`; it is turned into the mapping a scenario file
holds and read by the same loader (`loaders/scenario.py`), so a bad change is refused with
the same message and its path (`changes[1].alliance`), and nothing is applied.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry

from api.types.reports import Finding
from queries import network_analysis as na
from queries import what_if as wi


@strawberry.enum(description="What a change does: add a fact, end one, or set a value")
class ScenarioOp(Enum):
    ADD = "add"
    END = "end"
    SET = "set"


@strawberry.enum(description="What a change is about (docs/data-format.md, Scenarios)")
class ScenarioTarget(Enum):
    MEMBERSHIP = "membership"
    PAIRING = "pairing"
    CHANNEL = "channel"
    SERVICE = "service"
    ALLIANCE = "alliance"
    INSTITUTION = "institution"
    LEVEL = "level"


@strawberry.input(description="One change; give the fields its op and target need")
class ChangeInput:
    op: ScenarioOp
    target: ScenarioTarget
    institution: str | None = None
    alliance: str | None = None
    role: str | None = None
    upper: str | None = None
    lower: str | None = None
    upper_department: str | None = None
    specialty: str | None = None
    source_institution: str | None = None
    target_institution: str | None = None
    direction: str | None = None
    conditions: list[str] | None = None
    grid: str | None = None
    id: str | None = None
    name: str | None = None
    level: str | None = None
    type: str | None = None
    ownership: str | None = None
    alliance_kind: str | None = strawberry.field(default=None, description="of a new alliance")
    integration: str | None = None
    division: str | None = None
    valid_from: date | None = None


@strawberry.input(description="A named list of changes, applied to a copy as of `on`")
class ScenarioInput:
    name: str
    changes: list[ChangeInput]
    on: date | None = None

    def as_mapping(self) -> dict[str, Any]:
        changes = []
        for c in self.changes:
            item: dict[str, Any] = {c.op.value: c.target.value}
            for key, value in vars(c).items():
                if key in ("op", "target") or value is None:
                    continue
                item["kind" if key == "alliance_kind" else key] = value
            changes.append(item)
        return {"name": self.name, "on": self.on, "changes": changes}


@strawberry.type
class NamedRef:
    id: str
    name: str


@strawberry.type(description="One hop of a route: where to, how, under which rule")
class RouteStep:
    to: str = strawberry.field(description="an institution id, or a level")
    via: str
    rule: str
    source: str = strawberry.field(description="the rule's clause")


@strawberry.type(description="What a planner compares of a route")
class RouteSummary:
    verdict: str = strawberry.field(description="preferred | admissible | refused | closed")
    destinations: list[NamedRef]
    hops: list[RouteStep]
    policy: str | None
    reason: str | None

    @classmethod
    def from_domain(cls, r: wi.RouteSummary) -> RouteSummary:
        return cls(verdict=r.verdict,
                   destinations=[NamedRef(id=i, name=n) for i, n in r.destinations],
                   hops=[RouteStep(to=t, via=v, rule=ru, source=s) for t, v, ru, s in r.hops],
                   policy=r.policy, reason=r.reason)  # fmt: skip


@strawberry.type(description="A route that changes for one origin and condition")
class RouteChange:
    origin: NamedRef
    condition: str
    before: RouteSummary
    after: RouteSummary


@strawberry.type(description="A grid whose coverage changes")
class CoverageChange:
    grid: NamedRef
    before: str
    after: str
    alliances_before: list[str]
    alliances_after: list[str]


@strawberry.type(description="An obliged institution that becomes unaffiliated, or is no longer")
class MembershipChange:
    institution: NamedRef
    becomes: bool
    reason: str
    policies: list[str]


@strawberry.type
class LabelCount:
    label: str
    count: int


@strawberry.type(description="The difference a scenario makes, computed on a copy")
class WhatIfReport:
    scenario: str
    on: date
    changes: int
    new_findings: list[Finding]
    resolved_findings: list[Finding]
    coverage: list[CoverageChange]
    unaffiliated: list[MembershipChange]
    routes: list[RouteChange]
    origins: int = strawberry.field(description="how many origins' routes were compared")
    neighbourhood: list[LabelCount] = strawberry.field(description="what was recomputed")

    @classmethod
    def from_domain(cls, d: wi.WhatIf) -> WhatIfReport:
        return cls(
            scenario=d.scenario, on=d.on, changes=d.changes,
            new_findings=[Finding.from_domain(f) for f in d.new_findings],
            resolved_findings=[Finding.from_domain(f) for f in d.resolved_findings],
            coverage=[CoverageChange(grid=NamedRef(id=c.grid, name=c.grid_name),
                                     before=c.before, after=c.after,
                                     alliances_before=list(c.alliances_before),
                                     alliances_after=list(c.alliances_after))
                      for c in d.coverage],
            unaffiliated=[MembershipChange(
                institution=NamedRef(id=u.institution, name=u.institution_name),
                becomes=u.becomes, reason=u.reason, policies=list(u.policies))
                for u in d.unaffiliated],
            routes=[RouteChange(origin=NamedRef(id=r.origin, name=r.origin_name),
                                condition=r.condition,
                                before=RouteSummary.from_domain(r.before),
                                after=RouteSummary.from_domain(r.after)) for r in d.routes],
            origins=d.origins,
            neighbourhood=[LabelCount(label=k, count=n) for k, n in d.neighbourhood],
        )  # fmt: skip


@strawberry.type(description="An institution every up route of its dependents runs through")
class SinglePoint:
    institution: NamedRef
    level: str
    alliance: NamedRef
    dependents: list[str]
    dependent_count: int
    articulation: bool
    betweenness: float


@strawberry.type
class CounterpartShare:
    institution: NamedRef
    pairings: int
    share: float


@strawberry.type(description="How a region's pairings at one upper level are shared")
class Concentration:
    region: NamedRef
    level: str
    pairings: int
    counterparts: int
    hhi: float
    gini: float
    dominant: list[CounterpartShare]


@strawberry.type
class UnservedTownship:
    division: NamedRef
    reason: str = strawberry.field(description="no_institution | no_secondary_route")
    institutions: list[str]


@strawberry.type
class LeapfrogPair:
    origin: NamedRef
    origin_level: str
    target: NamedRef
    target_level: str
    flows: int
    patients: int
    skips_level: bool
    leaves_alliance: bool


@strawberry.type(description="Where the network is fragile (alliancegraph analyze)")
class NetworkAnalysisReport:
    on: date
    division: str | None
    period: str
    single_points: list[SinglePoint]
    concentration: list[Concentration]
    unserved_townships: list[UnservedTownship]
    leapfrogs: list[LeapfrogPair]

    @classmethod
    def from_domain(cls, r: na.NetworkAnalysis) -> NetworkAnalysisReport:
        return cls(
            on=r.on, division=r.division, period=r.period,
            single_points=[SinglePoint(
                institution=NamedRef(id=p.institution, name=p.institution_name),
                level=p.level, alliance=NamedRef(id=p.alliance, name=p.alliance_name),
                dependents=list(p.dependents), dependent_count=p.count,
                articulation=p.articulation, betweenness=p.betweenness)
                for p in r.single_points],
            concentration=[Concentration(
                region=NamedRef(id=c.region, name=c.region_name), level=c.level,
                pairings=c.pairings, counterparts=c.counterparts, hhi=c.hhi, gini=c.gini,
                dominant=[CounterpartShare(
                    institution=NamedRef(id=d.institution, name=d.institution_name),
                    pairings=d.pairings, share=d.share) for d in c.dominant])
                for c in r.concentration],
            unserved_townships=[UnservedTownship(
                division=NamedRef(id=t.division, name=t.name), reason=t.reason,
                institutions=list(t.institutions)) for t in r.unserved_townships],
            leapfrogs=[LeapfrogPair(
                origin=NamedRef(id=x.origin, name=x.origin_name), origin_level=x.origin_level,
                target=NamedRef(id=x.target, name=x.target_name), target_level=x.target_level,
                flows=x.flows, patients=x.patients, skips_level=x.skips_level,
                leaves_alliance=x.leaves_alliance) for x in r.leapfrogs],
        )  # fmt: skip

"""The validators' reports as GraphQL: findings, unaffiliated institutions, grid coverage,
referral KPIs. Same content as `alliancegraph validate / unaffiliated / coverage / kpis`."""

from __future__ import annotations

from datetime import date

import strawberry

from api.types.enums import AllianceKind
from api.types.nodes import Grid, Institution
from graphmodel import findings as df
from graphmodel import kpis as dk
from queries import grid_coverage as dg
from queries import unaffiliated as du
from queries import validation as dv


@strawberry.type(description="One validator finding, with the clause of the rule it breaks")
class Finding:
    rule_id: str
    severity: str  # error | warning | info
    source: str
    subject_kind: str  # institution | alliance | grid | division
    subject_id: str
    subject_name: str
    message_zh: str
    message_en: str
    related: list[str]
    policy: str | None = strawberry.field(
        description="The policy whose rule it is; null for data-integrity checks"
    )
    policy_rule: str | None
    draft: bool = strawberry.field(description="The policy is a draft for comment (征求意见稿)")
    not_yet_due: bool = strawberry.field(description="Before the rule's deadline: info only")

    @classmethod
    def from_domain(cls, f: df.Finding) -> Finding:
        return cls(rule_id=f.rule, severity=f.severity.value, source=f.source,
                   subject_kind=f.subject_kind.value, subject_id=f.subject,
                   subject_name=f.subject_name, message_zh=f.message_zh,
                   message_en=f.message_en, related=list(f.related), policy=f.policy,
                   policy_rule=f.policy_rule, draft=f.draft,
                   not_yet_due=f.not_yet_due)  # fmt: skip


@strawberry.type(description="A policy that applies on the report's date")
class AppliedPolicy:
    policy: str
    region: str
    region_name: str
    status: str  # in_force | draft_for_comment
    obligations: int


@strawberry.type(description="Where institutions lie that no applying policy covers")
class RegionWithoutPolicy:
    division: str
    name: str
    level: str
    institutions: int


@strawberry.type
class ValidationReport:
    on: date
    findings: list[Finding]
    errors: int
    warnings: int
    infos: int
    policies: list[AppliedPolicy]
    regions_without_policy: list[RegionWithoutPolicy] = strawberry.field(
        description="Regions no applying policy covers: no policy findings, not compliance"
    )

    @classmethod
    def from_domain(cls, r: dv.ValidationReport) -> ValidationReport:
        counts = r.counts
        return cls(on=r.on, findings=[Finding.from_domain(f) for f in r.findings],
                   errors=counts["error"], warnings=counts["warning"],
                   infos=counts["info"],
                   policies=[AppliedPolicy(policy=p.policy, region=p.region,
                                           region_name=p.region_name, status=p.status,
                                           obligations=p.obligations) for p in r.policies],
                   regions_without_policy=[
                       RegionWithoutPolicy(division=u.division, name=u.name, level=u.level,
                                           institutions=u.institutions)
                       for u in r.regions_without_policy])  # fmt: skip


@strawberry.type(description="An institution obliged to belong to an alliance that belongs to none")
class UnaffiliatedInstitution:
    institution: Institution
    reason: str  # public_hospital | public_primary | ownership_unknown | no_obligation
    inactive_memberships: int
    policies: list[str] = strawberry.field(description="The policies whose rule obliges it")

    @classmethod
    def from_domain(cls, u: du.Unaffiliated) -> UnaffiliatedInstitution:
        return cls(institution=Institution.from_domain(u.institution), reason=u.reason,
                   inactive_memberships=len(u.inactive),
                   policies=list(u.policies))  # fmt: skip


@strawberry.type(description="Institutions in no alliance that could not be judged, and why")
class NotJudged:
    ownership_unknown: int = strawberry.field(
        description="Under a membership rule, but of unknown ownership"
    )
    no_obligation: int = strawberry.field(
        description="Where no applying policy has a membership rule"
    )
    how_to_list: str = strawberry.field(
        description="How to list them: the unaffiliated field with includeUnknown: true"
    )

    @classmethod
    def from_domain(cls, found: list[du.Unaffiliated]) -> NotJudged:
        counts = du.not_judged(found)
        return cls(ownership_unknown=counts[du.OWNERSHIP_UNKNOWN],
                   no_obligation=counts[du.NO_OBLIGATION],
                   how_to_list="unaffiliated(includeUnknown: true)")  # fmt: skip


@strawberry.type
class ServingAlliance:
    id: str
    name: str
    kind: AllianceKind


@strawberry.type
class GridStatus:
    grid: Grid
    area: str
    status: str  # uncovered | covered | overlap
    alliances: list[ServingAlliance]
    policies: list[str] = strawberry.field(description="The policies whose grid rules bind it")


@strawberry.type
class AreaCoverage:
    division: str
    name: str
    level: str
    grids: int
    uncovered: int
    covered_once: int
    covered_more: int
    share_covered: float | None
    policies: list[str] = strawberry.field(
        description="The policies whose grid rules bind it; none: no policy asks for grids"
    )


@strawberry.type
class GridCoverageReport:
    on: date
    grids: list[GridStatus]
    areas: list[AreaCoverage]

    @classmethod
    def from_domain(cls, c: dg.GridCoverage) -> GridCoverageReport:
        return cls(
            on=c.on,
            grids=[
                GridStatus(grid=Grid.from_domain(g.grid), area=g.area, status=g.status,
                           alliances=[ServingAlliance(id=a.id, name=a.name, kind=a.kind)
                                      for a in g.alliances], policies=list(g.policies))
                for g in c.grids
            ],
            areas=[
                AreaCoverage(division=a.division, name=a.name, level=a.level, grids=a.grids,
                             uncovered=a.uncovered, covered_once=a.covered_once,
                             covered_more=a.covered_more, share_covered=a.share_covered,
                             policies=list(a.policies))
                for a in c.areas
            ],
        )  # fmt: skip


@strawberry.type(description="A figure held against a policy's cap or target, with its source")
class KpiFigure:
    metric: str
    value: float | None
    numerator: int | None
    denominator: int | None
    limit: float | None
    bound: str
    status: str  # pass | fail | not_computable | info
    rule: str
    source: str
    by: str
    note: str
    unit: str = strawberry.field(description="days (an average stay), else share (0 to 1)")

    @classmethod
    def from_domain(cls, f: dk.Figure) -> KpiFigure:
        return cls(metric=f.metric, value=f.value, numerator=f.numerator,
                   denominator=f.denominator, limit=f.limit, bound=f.bound, status=f.status,
                   rule=f.rule, source=f.source, by=f.by, note=f.note,
                   unit=f.unit)  # fmt: skip


@strawberry.type
class KpiRef:
    id: str
    name: str
    level: str


@strawberry.type
class InstitutionKpis:
    institution: KpiRef
    policy: str | None
    up_sent: int
    down_sent: int
    up_received: int
    down_received: int
    leapfrog: int
    figures: list[KpiFigure]


@strawberry.type
class RegionKpis:
    policy: str
    region: str
    region_name: str
    referrals: int
    located: int
    in_region: int
    out_of_city: int
    cross_province: int
    figures: list[KpiFigure]


@strawberry.type(description="A flow that skips a level or leaves the origin's alliance (越级)")
class Leapfrog:
    origin: KpiRef
    target: KpiRef
    period: str
    count: int
    skips_level: bool
    leaves_alliance: bool
    policy: str | None
    rule: str
    source: str


def _ref(r: dk.Ref) -> KpiRef:
    return KpiRef(id=r.id, name=r.name, level=r.level)


@strawberry.type
class KpiReport:
    period: str
    previous: str
    institutions: list[InstitutionKpis]
    regions: list[RegionKpis]
    leapfrogs: list[Leapfrog]

    @classmethod
    def from_domain(cls, r: dk.KpiReport) -> KpiReport:
        figures = KpiFigure.from_domain
        return cls(
            period=r.period, previous=r.previous,
            institutions=[
                InstitutionKpis(institution=_ref(i.institution), policy=i.policy,
                                up_sent=i.up_sent, down_sent=i.down_sent,
                                up_received=i.up_received, down_received=i.down_received,
                                leapfrog=i.leapfrog, figures=[figures(f) for f in i.figures])
                for i in r.institutions
            ],
            regions=[
                RegionKpis(policy=g.policy, region=g.region, region_name=g.region_name,
                           referrals=g.referrals, located=g.located, in_region=g.in_region,
                           out_of_city=g.out_of_city, cross_province=g.cross_province,
                           figures=[figures(f) for f in g.figures])
                for g in r.regions
            ],
            leapfrogs=[
                Leapfrog(origin=_ref(j.origin), target=_ref(j.target), period=j.flow.period,
                         count=j.flow.count, skips_level=j.skips_level,
                         leaves_alliance=j.leaves_alliance, policy=j.policy, rule=j.rule,
                         source=j.source)
                for j in r.leapfrogs
            ],
        )  # fmt: skip

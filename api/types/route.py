"""The referral route as GraphQL: the same content as the CLI's `route --json`."""

from __future__ import annotations

from datetime import date

import strawberry

from api.types.enums import Direction, RouteFlag, RoutePhase, RouteVerdict
from graphmodel import routing


@strawberry.type(description="An institution on a route; id is null when a hop names a level")
class InstitutionRef:
    id: str | None
    name: str
    level: str

    @classmethod
    def from_domain(cls, r: routing.InstitutionRef) -> InstitutionRef:
        return cls(id=r.id, name=r.name, level=r.level)


@strawberry.type(description="The rule a hop runs under, with its source clause")
class RuleRef:
    id: str
    kind: str
    source: str
    text: str
    modality: str | None = strawberry.field(
        default=None, description="must | may | prefer, from the clause's verb"
    )


@strawberry.type(description="Why a destination is admissible: rule, modality and clause")
class Basis:
    rule: str
    kind: str
    modality: str | None
    source: str


@strawberry.type(description="An admissible receiving institution and why")
class Destination:
    id: str
    name: str
    level: str
    preferred: bool
    basis: Basis

    @classmethod
    def from_domain(cls, d: routing.Destination) -> Destination:
        b = d.basis
        basis = Basis(rule=b.rule, kind=b.kind, modality=b.modality, source=b.source)
        return cls(id=d.id, name=d.name, level=d.level, preferred=d.preferred, basis=basis)


@strawberry.type(description="What the route, or leaving it, changes for the patient")
class Consequence:
    rule: str
    source: str
    modality: str | None
    applies: str = strawberry.field(description="on_route | off_route")
    effect: str
    holds: bool = strawberry.field(
        description="false when it depends on something the request does not say"
    )
    message_zh: str
    message_en: str


@strawberry.type
class AllianceRef:
    id: str
    name: str
    kind: str


@strawberry.type
class Hop:
    from_: InstitutionRef = strawberry.field(name="from")
    to: InstitutionRef
    via: str
    rule: RuleRef
    alliance: AllianceRef | None


@strawberry.type(description="Where a patient may be referred, by which route, under which rule")
class Route:
    allowed: bool
    verdict: RouteVerdict
    origin: InstitutionRef
    hops: list[Hop]
    destinations: list[Destination]
    explanation: str
    explanation_zh: str
    explanation_en: str
    policy: str | None
    reason: str | None
    alternatives: list[Destination]
    consequences: list[Consequence]

    @classmethod
    def from_domain(cls, r: routing.Route) -> Route:
        def ref(x: routing.InstitutionRef) -> InstitutionRef:
            return InstitutionRef.from_domain(x)

        return cls(
            allowed=r.allowed, verdict=RouteVerdict(r.verdict), origin=ref(r.origin),
            hops=[
                Hop(from_=ref(h.source), to=ref(h.to), via=h.via,
                    rule=RuleRef(id=h.rule.id, kind=h.rule.kind, source=h.rule.source,
                                 text=h.rule.text, modality=h.rule.modality),
                    alliance=AllianceRef(id=h.alliance.id, name=h.alliance.name,
                                         kind=h.alliance.kind) if h.alliance else None)
                for h in r.hops
            ],
            destinations=[Destination.from_domain(d) for d in r.destinations],
            explanation=r.explanation,
            explanation_zh=r.explanation_zh, explanation_en=r.explanation_en, policy=r.policy,
            reason=r.reason, alternatives=[Destination.from_domain(a) for a in r.alternatives],
            consequences=[Consequence(rule=c.rule, source=c.source, modality=c.modality,
                                      applies=c.applies, effect=c.effect, holds=c.holds,
                                      message_zh=c.message_zh, message_en=c.message_en)
                          for c in r.consequences],
        )  # fmt: skip


@strawberry.input(description="A patient and where they are; institutions by id or exact name")
class RouteInput:
    origin: str
    condition: str = "general"
    severe: bool = False
    flags: list[RouteFlag] = strawberry.field(default_factory=list)
    employee_of: str | None = None
    readmission_of: str | None = None
    out_of_region: bool = False
    direction: Direction = Direction.UP
    to: str | None = None
    on: date | None = None
    phase: RoutePhase | None = strawberry.field(
        default=None, description="down-referral: the patient's phase (recovery, …)"
    )

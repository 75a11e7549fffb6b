"""The graph's nodes as GraphQL types, with their natural neighbours.

Institutions, alliances and divisions refer to each other, so they share this module.
Plain fields resolve synchronously from the domain object; neighbours go through the
request's DataLoaders, so a list of a hundred nodes costs one round trip per kind.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context, as_of
from api.pagination import Connection, connection, decode_cursor, page_size
from api.projection import MISSING, precomputed
from api.types.enums import (
    AllianceKind,
    CounterpartDirection,
    Direction,
    DivisionLevel,
    Grade,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
    ReferralRole,
    RoleCondition,
)
from graphmodel import alliance as da
from graphmodel import counterpart as dc
from graphmodel import division as dd
from graphmodel import institution as di
from graphmodel import referral as dr
from queries.counterparts import COUNTERPARTS
from queries.counterparts import Counterpart as DomainCounterpart
from queries.division_lookup import DIVISION_CHILDREN
from queries.institution_list import INSTITUTION_LIST, InstitutionFilter


@strawberry.type(description="A role in the referral regime, possibly conditional (003 附件2)")
class RoleGrant:
    role: ReferralRole
    condition: RoleCondition
    condition_value: str
    source: str
    assumption: str

    @classmethod
    def from_domain(cls, g: di.RoleGrant) -> RoleGrant:
        return cls(role=g.role, condition=g.condition, condition_value=g.condition_value,
                   source=g.source, assumption=g.assumption)  # fmt: skip


@strawberry.type(description="An administrative division (行政区划)")
class Division:
    code: str
    name: str
    level: DivisionLevel
    gb_code: str | None
    statistical_code: str | None = strawberry.field(
        description="统计用区划代码: 12 digits, checked against the national division list"
    )
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    parent_code: strawberry.Private[str | None]
    # Neighbours fetched with the whole query (api.projection), by response key.
    pre: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_domain(cls, d: dd.Division) -> Division:
        return cls(code=d.id, name=d.name, level=d.level, gb_code=d.gb_code,
                   statistical_code=d.stat_code, valid_from=d.valid_from, valid_to=d.valid_to,
                   source=d.source, assumption=d.assumption, parent_code=d.parent)  # fmt: skip

    @strawberry.field
    def parent(self, info: Info[Context, None]) -> Division | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        if found is MISSING:
            return division_by_code(info, self.parent_code)  # type: ignore[return-value]
        return found  # type: ignore[no-any-return]

    @strawberry.field
    def children(self, info: Info[Context, None]) -> list[Division]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._children(info) if found is MISSING else found  # type: ignore[return-value]

    async def _children(self, info: Info[Context, None]) -> list[Division]:
        kids = await info.context.run(DIVISION_CHILDREN, id=self.code)
        return [Division.from_domain(d) for d in kids]

    @strawberry.field(description="Institutions in this division or any division within it")
    def institutions(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[Institution]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._institutions(info, first=first, after=after) if found is MISSING else found  # type: ignore[return-value]

    async def _institutions(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[Institution]:
        size = page_size(first, info.context.settings.max_page_size)
        within = InstitutionFilter(division=self.code)
        found = await info.context.run(INSTITUTION_LIST, filter=within, limit=size + 1,
                                       after=decode_cursor(after))  # fmt: skip
        return connection([Institution.from_domain(i) for i in found], size)


async def division_by_code(info: Info[Context, None], code: str | None) -> Division | None:
    """A division by its code through the request's loader (the field was not in the plan)."""
    if code is None:
        return None
    found = await info.context.loaders.divisions.load(code)
    return Division.from_domain(found) if found else None


@strawberry.type(description="A service grid (网格)")
class Grid:
    id: str
    name: str
    division_code: str
    source: str
    assumption: str

    @classmethod
    def from_domain(cls, g: dd.Grid) -> Grid:
        return cls(id=g.id, name=g.name, division_code=g.division, source=g.source,
                   assumption=g.assumption)  # fmt: skip


@strawberry.type(description="A medical institution (医疗机构)")
class Institution:
    id: str
    name: str
    names_alt: list[str]
    level: Level
    grade: Grade | None
    level_text: str
    type: InstitutionType
    ownership: Ownership
    specialties: list[str]
    review_passed_on: date | None
    uscc: str | None
    note: str
    source: str
    assumption: str
    roles: list[RoleGrant]
    division_code: str | None
    pre: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_domain(cls, i: di.Institution) -> Institution:
        return cls(
            id=i.id, name=i.name, names_alt=list(i.names_alt), level=i.level, grade=i.grade,
            level_text=i.level_text, type=i.type, ownership=i.ownership,
            specialties=list(i.specialties), review_passed_on=i.review_passed_on, uscc=i.uscc,
            note=i.note, source=i.source, assumption=i.assumption,
            roles=[RoleGrant.from_domain(g) for g in i.roles], division_code=i.division,
        )  # fmt: skip

    @strawberry.field
    def division(self, info: Info[Context, None]) -> Division | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        if found is MISSING:
            return division_by_code(info, self.division_code)  # type: ignore[return-value]
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="Memberships valid on `on` (default today)")
    def memberships(self, info: Info[Context, None], on: date | None = None
                          ) -> list[Membership]:  # fmt: skip
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._memberships(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _memberships(self, info: Info[Context, None], on: date | None = None
                          ) -> list[Membership]:  # fmt: skip
        held = await info.context.loaders.memberships.load((self.id, as_of(on)))
        return [Membership.from_domain(h.membership, h.alliance) for h in held]

    @strawberry.field(description="Alliances it belongs to on `on` (default today)")
    def alliances(self, info: Info[Context, None], on: date | None = None
                        ) -> list[Alliance]:  # fmt: skip
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._alliances(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _alliances(self, info: Info[Context, None], on: date | None = None
                        ) -> list[Alliance]:  # fmt: skip
        held = await info.context.loaders.memberships.load((self.id, as_of(on)))
        return [Alliance.from_domain(a) for a in {h.alliance.id: h.alliance for h in held}.values()]

    @strawberry.field(description="Counterparts, one per alliance and pairing")
    def counterparts(
        self,
        info: Info[Context, None],
        alliance_kind: AllianceKind | None = None,
        alliance: str | None = None,
        specialty: str | None = None,
        direction: CounterpartDirection | None = None,
        on: date | None = None,
    ) -> list[Counterpart]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return (
            self._counterparts(  # type: ignore[return-value]
                info,
                alliance_kind=alliance_kind,
                alliance=alliance,
                specialty=specialty,
                direction=direction,
                on=on,
            )
            if found is MISSING
            else found
        )

    async def _counterparts(
        self,
        info: Info[Context, None],
        alliance_kind: AllianceKind | None = None,
        alliance: str | None = None,
        specialty: str | None = None,
        direction: CounterpartDirection | None = None,
        on: date | None = None,
    ) -> list[Counterpart]:
        found = await info.context.run(
            COUNTERPARTS, institution=self.id, alliance_kind=alliance_kind, alliance=alliance,
            specialty=specialty, direction=direction.value if direction else None, on=on,
        )  # fmt: skip
        return [Counterpart.from_domain(c) for c in found]

    @strawberry.field(description="Agreed referral channels from or to it (绿色通道)")
    def channels(self, info: Info[Context, None], on: date | None = None
                       ) -> list[Channel]:  # fmt: skip
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._channels(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _channels(self, info: Info[Context, None], on: date | None = None
                       ) -> list[Channel]:  # fmt: skip
        day = as_of(on)
        out = await info.context.loaders.channels.load((self.id, day))
        into = await info.context.loaders.channels_in.load((self.id, day))
        return [Channel.from_domain(c) for c in [*out, *into]]


@strawberry.type(description="An institution's membership of an alliance")
class Membership:
    role: MemberRole
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    alliance: Alliance
    institution_id: str

    @classmethod
    def from_domain(cls, m: da.Membership, a: da.Alliance) -> Membership:
        return cls(role=m.role, valid_from=m.valid_from, valid_to=m.valid_to, source=m.source,
                   assumption=m.assumption, alliance=Alliance.from_domain(a),
                   institution_id=m.institution)  # fmt: skip


@strawberry.type(description="A member of an alliance, with its role")
class Member:
    role: MemberRole
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    institution: Institution

    @classmethod
    def from_domain(cls, m: da.Membership, i: di.Institution) -> Member:
        return cls(role=m.role, valid_from=m.valid_from, valid_to=m.valid_to, source=m.source,
                   assumption=m.assumption, institution=Institution.from_domain(i))  # fmt: skip


@strawberry.type(description="A medical alliance (医联体)")
class Alliance:
    id: str
    name: str
    kind: AllianceKind
    integration: Integration
    specialty: str
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    division_code: str | None
    pre: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_domain(cls, a: da.Alliance) -> Alliance:
        return cls(id=a.id, name=a.name, kind=a.kind, integration=a.integration,
                   specialty=a.specialty, valid_from=a.valid_from, valid_to=a.valid_to,
                   source=a.source, assumption=a.assumption, division_code=a.division)  # fmt: skip

    @strawberry.field
    def division(self, info: Info[Context, None]) -> Division | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        if found is MISSING:
            return division_by_code(info, self.division_code)  # type: ignore[return-value]
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="Members valid on `on` (default today), lead first")
    def members(self, info: Info[Context, None], on: date | None = None) -> list[Member]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._members(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _members(self, info: Info[Context, None], on: date | None = None) -> list[Member]:
        held = await info.context.loaders.members.load((self.id, as_of(on)))
        return [Member.from_domain(h.membership, h.institution) for h in held]

    @strawberry.field(description="The lead institution (牵头单位)")
    def lead(self, info: Info[Context, None], on: date | None = None) -> Institution | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._lead(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _lead(self, info: Info[Context, None], on: date | None = None) -> Institution | None:
        held = await info.context.loaders.members.load((self.id, as_of(on)))
        leads = [h.institution for h in held if h.membership.role is MemberRole.LEAD]
        return Institution.from_domain(leads[0]) if leads else None

    @strawberry.field(description="Counterpart pairings inside this alliance")
    def pairs(self, info: Info[Context, None], on: date | None = None) -> list[Pairing]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._pairs(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _pairs(self, info: Info[Context, None], on: date | None = None) -> list[Pairing]:
        found = await info.context.loaders.pairings.load((self.id, as_of(on)))
        return [Pairing.from_domain(p) for p in found]

    @strawberry.field(description="The grids it serves")
    def grids(self, info: Info[Context, None], on: date | None = None) -> list[Grid]:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._grids(info, on=on) if found is MISSING else found  # type: ignore[return-value]

    async def _grids(self, info: Info[Context, None], on: date | None = None) -> list[Grid]:
        found = await info.context.loaders.grids.load((self.id, as_of(on)))
        return [Grid.from_domain(g) for _, g in found]


@strawberry.type(description="A counterpart pairing (对接 / 对口支援), upper → lower")
class Pairing:
    alliance_id: str
    upper_id: str
    lower_id: str
    upper_department: str
    specialty: str
    specialty_code: str = strawberry.field(description="code in 《医疗机构诊疗科目名录》, or empty")
    responsible_upper: str
    responsible_lower: str
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    pre: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def from_domain(cls, p: dc.Pairing) -> Pairing:
        return cls(alliance_id=p.alliance, upper_id=p.upper, lower_id=p.lower,
                   upper_department=p.upper_department, specialty=p.specialty,
                   specialty_code=p.specialty_code, responsible_upper=p.responsible_upper,
                   responsible_lower=p.responsible_lower,
                   valid_from=p.valid_from, valid_to=p.valid_to, source=p.source,
                   assumption=p.assumption)  # fmt: skip

    @strawberry.field
    def upper(self, info: Info[Context, None]) -> Institution | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._upper(info) if found is MISSING else found  # type: ignore[return-value]

    async def _upper(self, info: Info[Context, None]) -> Institution | None:
        found = await info.context.loaders.institutions.load(self.upper_id)
        return Institution.from_domain(found) if found else None

    @strawberry.field
    def lower(self, info: Info[Context, None]) -> Institution | None:
        found = precomputed(self, info)
        # Not in the plan: the loaders' coroutine, which graphql-core awaits.
        return self._lower(info) if found is MISSING else found  # type: ignore[return-value]

    async def _lower(self, info: Info[Context, None]) -> Institution | None:
        found = await info.context.loaders.institutions.load(self.lower_id)
        return Institution.from_domain(found) if found else None


@strawberry.type(description="An agreed referral channel (绿色通道)")
class Channel:
    from_id: str
    to_id: str
    direction: Direction
    alliance_id: str | None
    conditions: list[str]
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str

    @classmethod
    def from_domain(cls, c: dr.Channel) -> Channel:
        return cls(from_id=c.source_institution, to_id=c.target_institution,
                   direction=c.direction, alliance_id=c.alliance, conditions=list(c.conditions),
                   valid_from=c.valid_from, valid_to=c.valid_to, source=c.source,
                   assumption=c.assumption)  # fmt: skip


@strawberry.type(description="A counterpart of an institution in one alliance")
class Counterpart:
    institution: Institution
    alliance: Alliance
    direction: CounterpartDirection
    department: str | None
    specialty: str | None
    specialty_code: str | None = strawberry.field(description="code in 《医疗机构诊疗科目名录》")
    responsible_person: str | None
    own_responsible_person: str | None
    source: str
    assumption: str

    @classmethod
    def from_domain(cls, c: DomainCounterpart, institution: Institution | None = None,
                    alliance: Alliance | None = None) -> Counterpart:  # fmt: skip
        """`institution` / `alliance`: the ends already built (with their neighbours)."""
        return cls(
            institution=institution or Institution.from_domain(c.institution),
            alliance=alliance or Alliance.from_domain(c.alliance),
            direction=CounterpartDirection(c.direction), department=c.department or None,
            specialty=c.specialty or None, specialty_code=c.pairing.specialty_code or None,
            responsible_person=c.responsible_person or None,
            own_responsible_person=c.own_responsible_person or None,
            source=c.pairing.source, assumption=c.pairing.assumption,
        )  # fmt: skip

"""The root Mutation type: writes, for editors, on Neo4j only.

Each validates exactly as the loaders do (`loaders.writes`), runs as one transaction and
is safe to retry: it names what it writes by a client-supplied id or natural key.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.types.enums import Direction, Grade, InstitutionType, Level, MemberRole, Ownership
from api.types.nodes import Alliance, Institution, Pairing
from loaders import writes
from queries.alliance_list import ALLIANCE


@strawberry.input(description="An institution, registered or updated by its id")
class InstitutionInput:
    id: str
    name: str
    level: Level
    type: InstitutionType
    ownership: Ownership
    names_alt: list[str] | None = None
    grade: Grade | None = None
    level_text: str | None = None
    division: str | None = None
    specialties: list[str] | None = None
    uscc: str | None = None
    note: str | None = None
    source: str | None = None
    assumption: str | None = None


@strawberry.input(description="Start a membership; the same call again changes nothing")
class MembershipInput:
    institution: str
    alliance: str
    role: MemberRole
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None
    assumption: str | None = None


@strawberry.input(description="A counterpart pairing, upper → lower, inside an alliance")
class PairingInput:
    alliance: str
    upper: str
    lower: str
    upper_department: str | None = None
    specialty: str | None = None
    specialty_code: str | None = strawberry.field(
        default=None, description="code in 《医疗机构诊疗科目名录》, e.g. 03.04"
    )
    responsible_upper: str | None = None
    responsible_lower: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None
    assumption: str | None = None


@strawberry.input(description="Referral counts for a period; recording again replaces them")
class ReferralCountInput:
    from_: str = strawberry.field(name="from")
    to: str
    period: str
    direction: Direction
    count: int
    condition: str | None = None
    source: str | None = None
    assumption: str | None = None


@strawberry.type
class MembershipResult:
    institution_id: str
    role: MemberRole
    valid_from: date | None
    valid_to: date | None
    source: str
    assumption: str
    alliance: Alliance | None


@strawberry.type
class ReferralCount:
    from_: str = strawberry.field(name="from")
    to: str
    period: str
    direction: Direction
    count: int
    condition: str


def _values(data: Any) -> dict[str, Any]:
    return dict(vars(data))


async def _membership(info: Info[Context, None], m: Any) -> MembershipResult:
    a = await info.context.run(ALLIANCE, id=m.alliance)
    return MembershipResult(institution_id=m.institution, role=m.role, valid_from=m.valid_from,
                            valid_to=m.valid_to, source=m.source, assumption=m.assumption,
                            alliance=Alliance.from_domain(a) if a else None)  # fmt: skip


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register an institution, or update it by id")
    async def register_institution(self, info: Info[Context, None], input: InstitutionInput
                                   ) -> Institution:  # fmt: skip
        info.context.require_editor()
        found = await asyncio.to_thread(writes.register_institution, info.context.store,
                                        _values(input))  # fmt: skip
        return Institution.from_domain(found)

    @strawberry.mutation(description="Start a membership (history is never deleted)")
    async def start_membership(self, info: Info[Context, None], input: MembershipInput
                               ) -> MembershipResult:  # fmt: skip
        info.context.require_editor()
        m = await asyncio.to_thread(writes.start_membership, info.context.store, _values(input))
        return await _membership(info, m)

    @strawberry.mutation(description="End a membership on a date; it stays in the history")
    async def end_membership(
        self, info: Info[Context, None], institution: str, alliance: str, role: MemberRole,
        valid_to: date,
    ) -> MembershipResult:  # fmt: skip
        info.context.require_editor()
        m = await asyncio.to_thread(writes.end_membership, info.context.store, institution,
                                    alliance, role, valid_to)  # fmt: skip
        return await _membership(info, m)

    @strawberry.mutation(description="Add a counterpart pairing")
    async def add_pairing(self, info: Info[Context, None], input: PairingInput
                          ) -> Pairing:  # fmt: skip
        info.context.require_editor()
        p = await asyncio.to_thread(writes.add_pairing, info.context.store, _values(input))
        return Pairing.from_domain(p)

    @strawberry.mutation(description="End a counterpart pairing on a date")
    async def end_pairing(
        self, info: Info[Context, None], alliance: str, upper: str, lower: str, valid_to: date,
        upper_department: str = "",
    ) -> Pairing:  # fmt: skip
        info.context.require_editor()
        p = await asyncio.to_thread(writes.end_pairing, info.context.store, alliance, upper,
                                    lower, upper_department, valid_to)  # fmt: skip
        return Pairing.from_domain(p)

    @strawberry.mutation(description="Record referral counts for a period")
    async def record_referrals(self, info: Info[Context, None], input: ReferralCountInput
                               ) -> ReferralCount:  # fmt: skip
        info.context.require_editor()
        values = _values(input)
        values["from"] = values.pop("from_")
        f = await asyncio.to_thread(writes.record_referrals, info.context.store, values)
        return ReferralCount(from_=f.source_institution, to=f.target_institution,
                             period=f.period, direction=f.direction, count=f.count,
                             condition=f.condition)  # fmt: skip

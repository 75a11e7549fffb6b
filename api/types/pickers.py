"""What the planner's page chooses from: institutions by part of a name, and the conditions
the region's policy names. `Query` inherits these fields."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.context import Context
from api.types.nodes import Institution
from graphmodel.policy import ConditionCategory
from queries.institution_lookup import INSTITUTION_CANDIDATES, NameCandidate
from queries.institution_suggest import INSTITUTION_SUGGEST
from queries.resolve import resolve_institution
from queries.route_conditions import ROUTE_CONDITIONS, RouteConditions

MAX_SUGGESTIONS = 50


@strawberry.type(description="A condition a policy names, with its Chinese and English names")
class Condition:
    id: str
    name: str = strawberry.field(description="the policy's Chinese name; empty if it has none")
    name_en: str

    @classmethod
    def from_domain(cls, c: ConditionCategory) -> Condition:
        return cls(id=c.id, name=c.name, name_en=c.name_en)


@strawberry.type(description="The conditions a route from an institution may name")
class RouteConditionList:
    origin: str
    policy: str | None = strawberry.field(description="null: no policy applies (standard ids)")
    conditions: list[Condition]

    @classmethod
    def from_domain(cls, r: RouteConditions) -> RouteConditionList:
        return cls(origin=r.origin, policy=r.policy,
                   conditions=[Condition.from_domain(c) for c in r.conditions])  # fmt: skip


@strawberry.type(description="Institutions for a typed text: those whose names hold it, or, "
                 "when none does, the closest names (edit distance)")  # fmt: skip
class InstitutionSuggestions:
    matches: list[Institution] = strawberry.field(
        description="any name (own or alternative, either script) contains the text; "
        "shortest name first"
    )
    closest: list[Institution] = strawberry.field(
        description="only when nothing matches: the nearest names, nearest first"
    )


@strawberry.type
class Pickers:
    @strawberry.field(description="Type-ahead over institution names in either script")
    async def institution_suggestions(
        self, info: Info[Context, None], text: str, first: int = 10
    ) -> InstitutionSuggestions:
        limit = max(0, min(first, MAX_SUGGESTIONS))
        found = await info.context.run(INSTITUTION_SUGGEST, text=text, limit=limit)
        if found or not text.strip():
            return InstitutionSuggestions(
                matches=[Institution.from_domain(i) for i in found], closest=[]
            )
        near: list[NameCandidate] = await info.context.run(INSTITUTION_CANDIDATES, name=text,
                                                           limit=limit)  # fmt: skip
        loaded = await info.context.loaders.institutions.load_many([c.id for c in near])
        closest = [Institution.from_domain(i) for i in loaded if i is not None]
        return InstitutionSuggestions(matches=[], closest=closest)

    @strawberry.field(description="The conditions the policy applying to an institution's "
                      "region names, for a route from it")  # fmt: skip
    async def route_conditions(
        self, info: Info[Context, None], origin: str, on: date | None = None
    ) -> RouteConditionList:
        store = info.context.store
        one = await info.context.offload(resolve_institution, store, origin)
        found = await info.context.run(ROUTE_CONDITIONS, origin=one.id, on=on)
        return RouteConditionList.from_domain(found)

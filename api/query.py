"""The root Query type: reads and the path queries."""

from __future__ import annotations

import json
from datetime import date

import strawberry
from strawberry.types import Info

from api import roots
from api.context import Context
from api.pagination import Connection
from api.projection import Planner
from api.scenario_query import ScenarioQuery
from api.types.enums import (
    AllianceKind,
    CounterpartDirection,
    InstitutionType,
    Level,
    Ownership,
)
from api.types.nodes import Alliance, Counterpart, Division, Institution
from api.types.pickers import Pickers
from api.types.reports import (
    GridCoverageReport,
    KpiReport,
    NotJudged,
    UnaffiliatedInstitution,
    ValidationReport,
)
from api.types.route import Route, RouteInput
from graphmodel.enums import Severity
from graphmodel.routing import RouteRequest
from queries.boundaries import BOUNDARIES
from queries.counterparts import COUNTERPARTS
from queries.division_lookup import ROOT_DIVISIONS
from queries.grid_coverage import GRID_COVERAGE
from queries.referral_kpis import REFERRAL_KPIS
from queries.referral_route import REFERRAL_ROUTE
from queries.resolve import resolve_institution
from queries.unaffiliated import UNAFFILIATED
from queries.validation import VALIDATION


@strawberry.input(description="Every given field must match; names match in either script")
class InstitutionFilterInput:
    name: str | None = strawberry.field(default=None, description="substring of a name")
    level: Level | None = None
    type: InstitutionType | None = None
    ownership: Ownership | None = None
    division: str | None = strawberry.field(default=None, description="division code")
    alliance: str | None = strawberry.field(default=None, description="member of this alliance")


@strawberry.input
class AllianceFilterInput:
    kind: AllianceKind | None = None
    lead: str | None = strawberry.field(default=None, description="lead institution id")
    division: str | None = strawberry.field(default=None, description="division code")


@strawberry.type
class Query(ScenarioQuery, Pickers):  # whatIf …; institutionSuggestions, routeConditions
    @strawberry.field(description="An institution by id or exact name (either script)")
    async def institution(self, info: Info[Context, None], id: strawberry.ID
                          ) -> Institution | None:  # fmt: skip
        found, value = await roots.institution(info.context, Planner.of(info), {"id": id})
        if found:
            return value  # type: ignore[no-any-return]
        # Not one institution: the lookup of queries.resolve raises the right error.
        store = info.context.store
        return Institution.from_domain(await info.context.offload(resolve_institution, store,
                                                               str(id)))  # fmt: skip

    @strawberry.field
    async def institutions(
        self,
        info: Info[Context, None],
        filter: InstitutionFilterInput | None = None,
        first: int = 20,
        after: str | None = None,
        on: date | None = None,
    ) -> Connection[Institution]:
        args = {"filter": filter, "first": first, "after": after, "on": on}
        _, found = await roots.institutions(info.context, Planner.of(info), args)
        return found  # type: ignore[no-any-return]

    @strawberry.field
    async def alliance(self, info: Info[Context, None], id: strawberry.ID) -> Alliance | None:
        _, found = await roots.alliance(info.context, Planner.of(info), {"id": id})
        return found  # type: ignore[no-any-return]

    @strawberry.field
    async def alliances(
        self,
        info: Info[Context, None],
        filter: AllianceFilterInput | None = None,
        first: int = 20,
        after: str | None = None,
        on: date | None = None,
    ) -> Connection[Alliance]:
        args = {"filter": filter, "first": first, "after": after, "on": on}
        _, found = await roots.alliances(info.context, Planner.of(info), args)
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="An administrative division by its code (id)")
    async def division(self, info: Info[Context, None], code: str) -> Division | None:
        _, found = await roots.division(info.context, Planner.of(info), {"code": code})
        return found  # type: ignore[no-any-return]

    @strawberry.field(description="Every validator finding on a date (default today)")
    async def validation(self, info: Info[Context, None], on: date | None = None
                         ) -> ValidationReport:  # fmt: skip
        return ValidationReport.from_domain(await info.context.run(VALIDATION, on=on))

    @strawberry.field(description="Institutions obliged to join an alliance that belong to none")
    async def unaffiliated(
        self,
        info: Info[Context, None],
        on: date | None = None,
        division: str | None = None,
        level: Level | None = None,
        type: InstitutionType | None = None,
        include_unknown: bool = False,
    ) -> list[UnaffiliatedInstitution]:
        found = await info.context.run(UNAFFILIATED, on=on, division=division, level=level,
                                       type=type, include_unknown=include_unknown)  # fmt: skip
        return [UnaffiliatedInstitution.from_domain(u) for u in found]

    @strawberry.field(
        description="How many institutions in no alliance `unaffiliated` could not judge"
    )
    async def unaffiliated_not_judged(
        self,
        info: Info[Context, None],
        on: date | None = None,
        division: str | None = None,
        level: Level | None = None,
        type: InstitutionType | None = None,
    ) -> NotJudged:
        found = await info.context.run(UNAFFILIATED, on=on, division=division, level=level,
                                       type=type, include_unknown=True)  # fmt: skip
        return NotJudged.from_domain(found)

    @strawberry.field(description="Each grid's serving alliances and status, with summaries")
    async def grid_coverage(self, info: Info[Context, None], on: date | None = None,
                            division: str | None = None) -> GridCoverageReport:  # fmt: skip
        # The report's types show no cross-grid members: not looked for (001 §四's check of
        # them is `validate`'s), which at national scale was most of this field's time.
        found = await info.context.run(GRID_COVERAGE, on=on, division=division, cross=False)
        return GridCoverageReport.from_domain(found)

    @strawberry.field(description="Referral figures for a period against the policies' caps")
    async def referral_kpis(self, info: Info[Context, None], period: str,
                            division: str | None = None) -> KpiReport:  # fmt: skip
        found = await info.context.run(REFERRAL_KPIS, period=period, division=division)
        return KpiReport.from_domain(found)

    @strawberry.field(
        description="GeoJSON FeatureCollection (as text) of the grid and division outlines "
        "the data holds, each feature's properties.id a grid id or division code; null if none"
    )
    async def boundaries(self, info: Info[Context, None], division: str | None = None
                         ) -> str | None:  # fmt: skip
        found = await info.context.run(BOUNDARIES, division=division)
        if not found:
            return None
        features = [
            {"type": "Feature", "geometry": json.loads(b.geometry),
             "properties": {"id": b.id, "kind": b.kind, "source": b.source,
                            "assumption": b.assumption}}
            for b in found
        ]  # fmt: skip
        return json.dumps({"type": "FeatureCollection", "features": features},
                          ensure_ascii=False)  # fmt: skip

    @strawberry.field(description="Divisions without a parent: where a hierarchy starts")
    async def root_divisions(self, info: Info[Context, None]) -> list[Division]:
        return [Division.from_domain(d) for d in await info.context.run(ROOT_DIVISIONS)]

    @strawberry.field(description="Where may this patient be referred, by which route and rule?")
    async def referral_route(self, info: Info[Context, None], input: RouteInput
                             ) -> Route | None:  # fmt: skip
        store = info.context.store

        def work() -> Route:
            def resolve(ref: str | None) -> str | None:
                return resolve_institution(store, ref).id if ref else None

            request = RouteRequest(
                origin=resolve_institution(store, input.origin).id, condition=input.condition,
                severity=Severity.SEVERE if input.severe else Severity.NORMAL,
                flags=frozenset(f.value for f in input.flags), employer=input.employee_of,
                readmission_of=resolve(input.readmission_of),
                out_of_region=input.out_of_region, direction=input.direction,
                destination=resolve(input.to), on=input.on,
                phase=input.phase.value if input.phase else None,
            )  # fmt: skip
            return Route.from_domain(store.run(REFERRAL_ROUTE, request=request))

        return await info.context.offload(work)

    @strawberry.field(description="An institution's counterparts, one per alliance and pairing")
    async def counterparts(
        self,
        info: Info[Context, None],
        institution: str,
        alliance_kind: AllianceKind | None = None,
        alliance: str | None = None,
        specialty: str | None = None,
        direction: CounterpartDirection | None = None,
        on: date | None = None,
    ) -> list[Counterpart] | None:
        args = {"institution": institution, "alliance_kind": alliance_kind, "alliance": alliance,
                "specialty": specialty, "direction": direction, "on": on}  # fmt: skip
        found, value = await roots.counterparts(info.context, Planner.of(info), args)
        if found:
            return value  # type: ignore[no-any-return]
        # Not one institution: the lookup of queries.resolve raises the right error.
        store = info.context.store
        one = await info.context.offload(resolve_institution, store, institution)
        rows = await info.context.run(
            COUNTERPARTS, institution=one.id, alliance_kind=alliance_kind, alliance=alliance,
            specialty=specialty, direction=direction.value if direction else None, on=on,
        )  # fmt: skip
        return [Counterpart.from_domain(c) for c in rows]

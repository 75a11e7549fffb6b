"""The what-if and fragility fields of the root Query, in their own type that `Query`
inherits (`api/query.py`), so that the scenario work stays in one place."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from api.context import Context
from api.types.scenario import NetworkAnalysisReport, ScenarioInput, WhatIfReport
from loaders.scenario import from_mapping
from queries.network_analysis import NETWORK_ANALYSIS, SHARE
from queries.what_if import WHAT_IF


@strawberry.type
class ScenarioQuery:
    @strawberry.field(
        description="What if…? The findings, grid coverage, memberships and routes a "
        "scenario changes; applied to a copy, never to the data"
    )
    async def what_if(self, info: Info[Context, None], scenario: ScenarioInput,
                      on: date | None = None) -> WhatIfReport:  # fmt: skip
        s = from_mapping(scenario.as_mapping(), "request")
        return WhatIfReport.from_domain(await info.context.run(WHAT_IF, scenario=s, on=on))

    @strawberry.field(
        description="Where the network is fragile: single points of failure, concentration "
        "of pairings, townships no secondary institution serves, leapfrog flows"
    )
    async def network_analysis(
        self,
        info: Info[Context, None],
        division: str | None = None,
        on: date | None = None,
        period: str | None = None,
        share: float = SHARE,
    ) -> NetworkAnalysisReport:
        found = await info.context.run(NETWORK_ANALYSIS, division=division, on=on,
                                       period=period, share=share)  # fmt: skip
        return NetworkAnalysisReport.from_domain(found)

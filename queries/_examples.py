"""A tiny graph for the queries' doctests: one city, one county, three institutions.

`tiny()` holds no policy; `tiny_obliged()` adds one applying to the city that calls every
check of `graphmodel.obligations.CHECKS` with its default parameters (`every_check`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any

from graphmodel.alliance import Alliance, Membership
from graphmodel.checks import CHECKS
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset
from graphmodel.division import Division
from graphmodel.enums import (
    AllianceKind,
    DivisionLevel,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
    RuleKind,
)
from graphmodel.institution import Institution
from graphmodel.policy import Policy, Rule
from stores.memory import MemoryGraph, build


@cache
def tiny_dataset() -> Dataset:
    assumed = "example data for doctests"
    return Dataset(
        id="tiny",
        divisions=(
            Division(id="city", name="示例市", level=DivisionLevel.CITY, assumption=assumed),
            Division(
                id="county",
                name="示例县",
                level=DivisionLevel.COUNTY,
                parent="city",
                assumption=assumed,
            ),
        ),
        institutions=(
            Institution(
                id="city-hospital",
                name="示例市人民医院",
                level=Level.TERTIARY,
                type=InstitutionType.GENERAL,
                ownership=Ownership.PUBLIC,
                division="city",
                assumption=assumed,
            ),
            Institution(
                id="county-hospital",
                name="示例县人民医院",
                level=Level.SECONDARY,
                type=InstitutionType.GENERAL,
                ownership=Ownership.PUBLIC,
                division="county",
                names_alt=("示例縣醫院",),
                assumption=assumed,
            ),
            Institution(
                id="township",
                name="示例镇卫生院",
                level=Level.PRIMARY,
                type=InstitutionType.TOWNSHIP_CENTRE,
                ownership=Ownership.PUBLIC,
                division="county",
                assumption=assumed,
            ),
        ),
        alliances=(
            Alliance(
                id="chain",
                name="示例城乡医联体",
                kind=AllianceKind.URBAN_RURAL,
                integration=Integration.LOOSE,
                assumption=assumed,
            ),
        ),
        memberships=(
            Membership(
                institution="city-hospital",
                alliance="chain",
                role=MemberRole.LEAD,
                assumption=assumed,
            ),
            Membership(
                institution="county-hospital",
                alliance="chain",
                role=MemberRole.MEMBER,
                assumption=assumed,
            ),
            Membership(
                institution="township",
                alliance="chain",
                role=MemberRole.MEMBER,
                valid_to=date(2020, 12, 31),
                assumption=assumed,
            ),
        ),
        pairings=(
            Pairing(
                alliance="chain",
                upper="city-hospital",
                lower="county-hospital",
                responsible_upper="甲",
                responsible_lower="乙",
                assumption=assumed,
            ),
        ),
    )


def tiny() -> MemoryGraph:
    return build(tiny_dataset())


UNJUDGED = ("membership.ownership_unknown", "urban_group.lead_not_tertiary")


def every_check(
    id: str, region: str, valid_from: date | None = None, **params: dict[str, Any]
) -> Policy:
    """A policy applying to `region` whose obligation rules call every check, as warnings
    (info for the two that the data cannot judge); `params` adds to or overrides a check's
    parameters, by check id."""
    rules = tuple(
        Rule(
            id=f"{id}-{check}",
            kind=RuleKind.OBLIGATION,
            params={"check": check, "severity": "info" if check in UNJUDGED else "warning"}
            | ({"min_share": 0.5} if check == "telemedicine.township_reach" else {})
            | params.get(check, {}),
            text=f"{check} 条文",
            source=f"{id} {check}",
        )
        for check in sorted(CHECKS)
    )
    return Policy(
        id=id, region=region, document=f"{id} 文件", version="1", valid_from=valid_from,
        rules=rules, source="example",
    )  # fmt: skip


def tiny_obliged() -> MemoryGraph:
    return build(replace(tiny_dataset(), policies=(every_check("tiny-policy", "city"),)))

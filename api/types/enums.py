"""The domain's closed vocabularies as GraphQL enums (the same classes, registered once)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graphmodel.enums import (
    AllianceKind,
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

# The domain's own classes, registered with strawberry in place, so that resolvers pass
# domain values straight through.
strawberry.enum(Level, description="医院级别")
strawberry.enum(Grade, description="等次: A 甲, B 乙, C 丙")
strawberry.enum(InstitutionType)
strawberry.enum(Ownership)
strawberry.enum(DivisionLevel)
strawberry.enum(AllianceKind, description="医联体的形式")
strawberry.enum(Integration, description="紧密型 tight / 松散型 loose")
strawberry.enum(MemberRole)
strawberry.enum(Direction, description="上转 up / 下转 down")
strawberry.enum(ReferralRole)
strawberry.enum(RoleCondition)

__all__ = [
    "AllianceKind", "CounterpartDirection", "Direction", "DivisionLevel", "Grade",
    "InstitutionType", "Integration", "Level", "MemberRole", "Ownership", "ReferralRole",
    "RoleCondition", "RouteFlag",
]  # fmt: skip


@strawberry.enum(description="Which side of a pairing the counterpart is on")
class CounterpartDirection(Enum):
    UPPER = "upper"
    LOWER = "lower"


@strawberry.enum(
    description="Circumstances that let a patient skip the usual route (docs/domain.md §5.1)"
)
class RouteFlag(Enum):
    EMERGENCY = "emergency"
    CRITICAL = "critical"
    SPECIAL_POPULATION = "special_population"
    INFECTIOUS_NOTIFIABLE = "infectious_notifiable"
    AMBULANCE_120 = "ambulance_120"
    MASS_CASUALTY = "mass_casualty"
    TRAVELLING = "travelling"

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
    "RoleCondition", "RouteFlag", "RoutePhase", "RouteVerdict",
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
    BEYOND_CAPACITY = "beyond_capacity"
    TRAVELLING = "travelling"
    SIGNED_RESIDENT = "signed_resident"


@strawberry.enum(
    description="The patient's phase, for a down-referral (003 §三(二)2(4); 000 §二(一))"
)
class RoutePhase(Enum):
    RECOVERY = "recovery"
    POST_SURGERY = "post_surgery"
    CRITICAL_STABLE = "critical_stable"
    CHRONIC_STABLE = "chronic_stable"
    ELDERLY = "elderly"
    LATE_CANCER = "late_cancer"
    STABLE_PSYCHIATRIC = "stable_psychiatric"


@strawberry.enum(description="How admissible a destination or route is under the rules' modality")
class RouteVerdict(Enum):
    PREFERRED = "preferred"
    ADMISSIBLE = "admissible"
    REFUSED = "refused"

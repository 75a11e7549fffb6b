"""The domain's closed vocabularies as GraphQL enums (the same classes, registered once)."""

from __future__ import annotations

from enum import Enum

import strawberry

from graphmodel import enums

Level = strawberry.enum(enums.Level, description="医院级别")
Grade = strawberry.enum(enums.Grade, description="等次: A 甲, B 乙, C 丙")
InstitutionType = strawberry.enum(enums.InstitutionType)
Ownership = strawberry.enum(enums.Ownership)
DivisionLevel = strawberry.enum(enums.DivisionLevel)
AllianceKind = strawberry.enum(enums.AllianceKind, description="医联体的形式")
Integration = strawberry.enum(enums.Integration, description="紧密型 tight / 松散型 loose")
MemberRole = strawberry.enum(enums.MemberRole)
Direction = strawberry.enum(enums.Direction, description="上转 up / 下转 down")
ReferralRole = strawberry.enum(enums.ReferralRole)
RoleCondition = strawberry.enum(enums.RoleCondition)


@strawberry.enum(description="Which side of a pairing the counterpart is on")
class CounterpartDirection(Enum):
    UPPER = "upper"
    LOWER = "lower"


@strawberry.enum(description="Circumstances that let a patient skip the usual route (DOMAIN §4.7)")
class RouteFlag(Enum):
    EMERGENCY = "emergency"
    CRITICAL = "critical"
    SPECIAL_POPULATION = "special_population"
    INFECTIOUS_NOTIFIABLE = "infectious_notifiable"
    AMBULANCE_120 = "ambulance_120"
    MASS_CASUALTY = "mass_casualty"
    TRAVELLING = "travelling"

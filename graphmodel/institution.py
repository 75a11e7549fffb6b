"""Medical institutions (医疗机构) and their roles in a referral regime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graphmodel.enums import (
    Grade,
    InstitutionType,
    Level,
    Ownership,
    ReferralRole,
    RoleCondition,
)
from graphmodel.validity import Provenance


@dataclass(frozen=True, kw_only=True)
class RoleGrant(Provenance):
    """A role an institution plays, possibly only under a condition.

    鄂钢医院 is first-contact only for its own staff; 华容区人民医院 is first-contact until it
    passes its secondary-level review and accepts referrals after (seed 003 §三(二)1).
    """

    role: ReferralRole
    condition: RoleCondition = RoleCondition.ALWAYS
    condition_value: str = ""

    def holds(
        self,
        *,
        on: date,
        review_passed_on: date | None,
        employer: str | None = None,
        condition_id: str | None = None,
    ) -> bool:
        """Whether the role holds on `on` for a patient with this employer and condition."""
        reviewed = review_passed_on is not None and review_passed_on <= on
        match self.condition:
            case RoleCondition.ALWAYS:
                return True
            case RoleCondition.UNTIL_REVIEW:
                return not reviewed
            case RoleCondition.AFTER_REVIEW:
                return reviewed
            case RoleCondition.EMPLOYEES_ONLY:
                return employer is not None and employer == self.condition_value
            case RoleCondition.FOR_CONDITION:
                return condition_id is not None and condition_id == self.condition_value
        return False  # pragma: no cover - the match is exhaustive


@dataclass(frozen=True, kw_only=True)
class Institution(Provenance):
    id: str
    name: str
    level: Level
    type: InstitutionType
    ownership: Ownership
    names_alt: tuple[str, ...] = ()
    grade: Grade | None = None
    level_text: str = ""
    division: str | None = None
    specialties: tuple[str, ...] = ()
    review_passed_on: date | None = None
    uscc: str | None = None
    note: str = ""
    roles: tuple[RoleGrant, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.names_alt)

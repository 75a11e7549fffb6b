"""What a validator reports: findings of the checks in `graphmodel.obligations`.

A finding names its check (`rule`), severity and source clause, the policy and policy rule
it comes from (none for data-integrity checks, which hold everywhere), the institution,
alliance, grid or division it is about, and says what is wrong in Chinese and in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FindingSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Most severe first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class SubjectKind(StrEnum):
    """What a finding is about."""

    INSTITUTION = "institution"
    ALLIANCE = "alliance"
    GRID = "grid"
    DIVISION = "division"


@dataclass(frozen=True)
class Obligation:
    id: str
    severity: FindingSeverity
    source: str  # data-integrity rules cite the data format ("data-format: memberships.csv")
    title_zh: str
    title_en: str
    message_zh: str  # str.format templates over the fields each check supplies
    message_en: str


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: FindingSeverity
    source: str
    subject_kind: SubjectKind
    subject: str  # the id of the institution, alliance, grid or division
    subject_name: str
    message_zh: str
    message_en: str
    related: tuple[str, ...] = ()  # ids of the other things involved
    policy: str | None = None  # the policy whose rule it is; None: a data-integrity check
    policy_rule: str | None = None  # the rule's id in that policy
    draft: bool = False  # the policy is a draft for comment (征求意见稿)
    not_yet_due: bool = False  # before the rule's deadline (`params.by`): reported as info

    @property
    def sort_key(self) -> tuple[int, str, str, str, tuple[str, ...], str, str]:
        return (
            self.severity.rank,
            self.rule,
            self.subject_kind.value,
            self.subject,
            self.related,
            self.policy_rule or "",
            self.message_en,
        )


def sorted_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: f.sort_key))


def shown(day: Any) -> str:
    """A date in a message; an open end reads as such."""
    return day.isoformat() if day is not None else "—"

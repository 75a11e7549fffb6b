"""Region policies as data: versioned rules, each citing its clause (docs/domain.md §11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphmodel.enums import Direction, Modality, RuleKind, Severity
from graphmodel.validity import Provenance


@dataclass(frozen=True, kw_only=True)
class ConditionCategory:
    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True, kw_only=True)
class RuleMatch:
    """When a rule applies; an empty field matches anything."""

    conditions: tuple[str, ...] = ()
    severity: Severity | None = None
    direction: Direction | None = None
    out_of_region: bool | None = None
    flags: tuple[str, ...] = ()  # any one of these
    all_flags: tuple[str, ...] = ()  # every one of these (conditions that combine)
    phases: tuple[str, ...] = ()  # down-referral: the patient's phase is one of these

    def flags_hold(self, flags: frozenset[str]) -> bool:
        """The patient's circumstances meet this rule's flag conditions."""
        if not set(self.all_flags) <= flags:
            return False
        return not self.flags or bool(set(self.flags) & flags)


@dataclass(frozen=True, kw_only=True)
class Rule(Provenance):
    id: str
    kind: RuleKind
    match: RuleMatch = RuleMatch()
    designates: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    text: str = ""
    modality: Modality | None = None  # required for routing kinds (`ROUTING_KINDS`)
    message_zh: str = ""  # what the rule means for a patient or a finding, in Chinese
    message_en: str = ""


@dataclass(frozen=True, kw_only=True)
class Policy(Provenance):
    id: str
    region: str
    document: str
    version: str
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = "in_force"  # or "draft_for_comment" (征求意见稿)
    conditions: tuple[ConditionCategory, ...] = ()
    rules: tuple[Rule, ...] = ()

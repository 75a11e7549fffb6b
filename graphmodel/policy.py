"""Region policies as data: versioned rules, each citing its clause (docs/domain.md §11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphmodel.enums import Direction, RuleKind, Severity
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
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Rule(Provenance):
    id: str
    kind: RuleKind
    match: RuleMatch = RuleMatch()
    designates: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class Policy(Provenance):
    id: str
    region: str
    document: str
    version: str
    valid_from: date | None = None
    conditions: tuple[ConditionCategory, ...] = ()
    rules: tuple[Rule, ...] = ()

"""The checks a validator runs, and the rules of the policies that call them.

An obligation is policy data: a rule of kind ``obligation`` in a region's policy
(`policies/*.json`, see docs/data-format.md) names a check (``params.check``), a severity,
optionally a deadline (``params.by``) and the check's own parameters, and may word its
findings (``message_zh`` / ``message_en``). The rule binds only institutions located in its
policy's region (the division it applies to and every division beneath it) and only on
the dates of the policy's period. What stays in code is the logic of each check (the
queries), its parameters with their defaults, and its default wording
(`graphmodel.checks.CHECKS`). This module turns a policy's rule into the form the queries
apply (`ObligationRule`), checks a rule on load (`rule_errors`) and words its findings.

The data-integrity checks (`graphmodel.checks.INTEGRITY`) are not any region's rule: they
say the data contradicts itself (a membership outside its alliance's dates) and hold
everywhere. They cite the data format (``source: "data-format: …"``) and name no policy.

Severity says what a finding means for a data pipeline:

- ``error`` — the data contradicts itself. Nothing downstream should trust it.
- ``warning`` — a policy's obligation is not met (or not recorded as met).
- ``info`` — the obligation cannot be judged from the data, or is not yet due: before a
  rule's deadline (``params.by``) a gap is reported as info, marked "not yet due".

A finding of a policy that is a draft for comment (征求意见稿) says so.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphmodel.checks import ALLOWED, CHECKS, INTEGRITY, KIND_ZH, LEVEL_ZH, SHARE, TYPE_ZH, Check
from graphmodel.findings import Finding, FindingSeverity, SubjectKind
from graphmodel.policy import Rule


@dataclass(frozen=True)
class ObligationRule:
    """An obligation rule of a policy that applies on a date, its parameters resolved."""

    policy: str
    region: str  # the division the policy applies to; the rule binds it and all beneath
    draft: bool  # the policy is a draft for comment (征求意见稿)
    rule: str  # the rule's id in the policy
    check: str
    severity: FindingSeverity
    by: date | None
    source: str
    message_zh: str
    message_en: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str) -> Any:
        return dict(self.params)[name]

    def cypher(self) -> dict[str, Any]:
        """The rule as a row of a Cypher `$rules` parameter (lists for the list params)."""
        return {"key": self.rule, "region": self.region, "check": self.check} | {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.params
        }


def obligation_rule(policy: str, region: str, status: str, rule: Rule) -> ObligationRule:
    """The in-force form of policy rule `rule` (checked by `rule_errors` on load)."""
    p = rule.params
    check = CHECKS[p["check"]]
    resolved = tuple(
        (name, _resolve(kind, p.get(name, default))) for name, kind, default in check.params
    )
    return ObligationRule(
        policy=policy,
        region=region,
        draft=status == "draft_for_comment",
        rule=rule.id,
        check=check.id,
        severity=FindingSeverity(p["severity"]),
        by=date.fromisoformat(p["by"]) if p.get("by") else None,
        source=rule.source,
        message_zh=rule.message_zh,
        message_en=rule.message_en,
        params=resolved,
    )


def _resolve(kind: str, value: Any) -> Any:
    return tuple(sorted(value)) if kind in ALLOWED else value


def rule_errors(params: dict[str, Any], message_zh: str, message_en: str) -> list[tuple[str, str]]:
    """Problems of an obligation rule as (JSON path below the rule, message); none if valid."""
    named = params.get("check")
    check = CHECKS.get(named) if isinstance(named, str) else None
    if check is None:
        known = ", ".join(sorted(CHECKS))
        return [(".params.check", f"unknown check {params.get('check')!r}; known: {known}")]
    out = []
    if params.get("severity") not in {s.value for s in FindingSeverity}:
        out.append((".params.severity", "severity must be one of error, warning, info"))
    by = params.get("by")
    if by is not None and not _iso_date(by):
        out.append((".params.by", f"by must be an ISO date (YYYY-MM-DD), not {by!r}"))
    for name, kind, default in check.params:
        if name not in params:
            if default is None:
                out.append((f".params.{name}", f"{check.id} needs parameter {name!r}"))
            continue
        problem = _param_problem(kind, params[name])
        if problem:
            out.append((f".params.{name}", f"{name}: {problem}"))
    own = {name for name, _, _ in check.params} | {"check", "severity", "by"}
    for extra in sorted(set(params) - own):
        takes = ", ".join(sorted(own))
        out.append((f".params.{extra}", f"{check.id} takes no parameter {extra!r} ({takes})"))
    for key, template in (("message_zh", message_zh), ("message_en", message_en)):
        out += [(f".{key}", m) for m in _template_problems(check, template)]
    return out


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _param_problem(kind: str, value: Any) -> str:
    if kind == SHARE:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
        return "" if ok else f"a share between 0 and 1, not {value!r}"
    allowed = ALLOWED[kind]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return f"a non-empty list of {kind}, not {value!r}"
    unknown = sorted(set(value) - allowed)
    return f"unknown {kind}: {', '.join(unknown)}" if unknown else ""


def _template_problems(check: Check, template: str) -> list[str]:
    if not template:
        return []
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        return [f"not a valid message template: {exc}"]
    unknown = sorted(n for n in names if n.split(".")[0].split("[")[0] not in check.fields)
    if unknown:
        fields = ", ".join(sorted(check.fields))
        return [f"unknown field(s) {', '.join(unknown)}; {check.id} supplies {fields}"]
    return []


def may_cross_grids(rule: ObligationRule, level: str, type_: str) -> bool:
    return level in rule.param("exempt_levels") or type_ in rule.param("exempt_types")


def _zh_names(fields: dict[str, Any]) -> dict[str, Any]:
    for key, names in (("level", LEVEL_ZH), ("type", TYPE_ZH), ("kind", KIND_ZH)):
        if key in fields:
            fields.setdefault(f"{key}_zh", names.get(fields[key], "（不详）"))
    return fields


def finding(
    rule: ObligationRule,
    subject: str,
    name: str,
    on: date,
    related: tuple[str, ...] = (),
    **fields: Any,
) -> Finding:
    """A finding of policy rule `rule` on `on`, its messages filled from `fields`."""
    check = CHECKS[rule.check]
    values = _zh_names({"name": name, "on": on.isoformat(), **fields})
    if "types" in dict(rule.params):
        types = rule.param("types")
        values.setdefault("allowed_zh", "或".join(TYPE_ZH[t] for t in types))
        values.setdefault("allowed", " or ".join(t.replace("_", " ") for t in types))
    zh = (rule.message_zh or check.message_zh).format(**values)
    en = (rule.message_en or check.message_en).format(**values)
    severity, not_yet_due = rule.severity, rule.by is not None and on < rule.by
    if not_yet_due:
        severity = FindingSeverity.INFO
        zh += f"（期限 {rule.by}，尚未到期）"
        en += f" (due {rule.by}, not yet due)"
    if rule.draft:
        zh += "（征求意见稿）"
        en += " (draft for comment)"
    return Finding(
        rule=check.id,
        severity=severity,
        source=rule.source,
        subject_kind=check.subject,
        subject=subject,
        subject_name=name,
        message_zh=zh,
        message_en=en,
        related=related,
        policy=rule.policy,
        policy_rule=rule.rule,
        draft=rule.draft,
        not_yet_due=not_yet_due,
    )


def integrity_finding(
    rule: str, kind: SubjectKind, subject: str, name: str, related: tuple[str, ...] = (),
    **fields: Any,
) -> Finding:  # fmt: skip
    """A finding of data-integrity rule `rule` (no policy: it holds everywhere)."""
    o = INTEGRITY[rule]
    values = {"name": name, **fields}
    return Finding(
        rule=o.id,
        severity=o.severity,
        source=o.source,
        subject_kind=kind,
        subject=subject,
        subject_name=name,
        message_zh=o.message_zh.format(**values),
        message_en=o.message_en.format(**values),
        related=related,
    )

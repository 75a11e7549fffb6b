"""The checks a validator runs, and the rules of the policies that call them.

An obligation is policy data: a rule of kind ``obligation`` in a region's policy
(`policies/*.json`, see docs/data-format.md) names a check (``params.check``), a severity,
optionally a deadline (``params.by``) and the check's own parameters, and may word its
findings (``message_zh`` / ``message_en``). The rule binds only institutions located in its
policy's region (the division it applies to and every division beneath it) and only on
the dates of the policy's period. What stays in code is the logic of each check, its
parameters with their defaults, and its default wording (`CHECKS`).

The data-integrity checks (`INTEGRITY`) are not any region's rule: they say the data
contradicts itself (a membership outside its alliance's dates) and hold everywhere. They
cite the data format (``source: "data-format: …"``) and name no policy.

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

from graphmodel.enums import AllianceKind, InstitutionType, Level
from graphmodel.findings import Finding, FindingSeverity, Obligation, SubjectKind
from graphmodel.policy import Rule

HOSPITAL_TYPES = frozenset(
    {
        InstitutionType.GENERAL,
        InstitutionType.TCM,
        InstitutionType.MATERNAL_CHILD,
        InstitutionType.PSYCHIATRIC,
        InstitutionType.INFECTIOUS,
        InstitutionType.SPECIALTY,
        InstitutionType.REHABILITATION,
        InstitutionType.HOSPITAL,
    }
)
UPPER_LEVELS = frozenset({Level.SECONDARY, Level.TERTIARY})
GRID_KINDS = frozenset({AllianceKind.URBAN_GROUP, AllianceKind.COUNTY_COMMUNITY})

LEVEL_ZH = {"tertiary": "三级", "secondary": "二级", "primary": "一级", "unrated": "未定级"}
TYPE_ZH = {
    "general": "综合医院",
    "tcm": "中医医院",
    "maternal_child": "妇幼保健院",
    "psychiatric": "精神卫生中心",
    "infectious": "传染病医院",
    "specialty": "专科医院",
    "rehabilitation": "康复医院",
    "nursing": "护理院",
    "township_centre": "乡镇卫生院",
    "central_township_centre": "中心卫生院",
    "community_centre": "社区卫生服务中心",
    "community_station": "社区卫生服务站",
    "village_clinic": "村卫生室",
    "staff_hospital": "职工医院",
    "county_subcentre": "县域医疗次中心",
    "independent_lab": "独立医学检验机构",
    "independent_imaging": "独立医学影像机构",
    "independent_pathology": "独立病理诊断机构",
    "dialysis_centre": "血液净化机构",
    "hospital": "医院（类别不详）",
}
KIND_ZH = {
    "urban_group": "城市医疗集团",
    "county_community": "县域医共体",
    "urban_rural": "城乡医联体",
    "specialty": "专科联盟",
    "telemedicine": "远程医疗协作网",
    "trusteeship": "托管",
}

# A parameter's type: a share in [0, 1], or a list of institution levels or types.
SHARE, LEVELS, TYPES = "share", "levels", "types"
_ALLOWED = {LEVELS: {v.value for v in Level}, TYPES: {v.value for v in InstitutionType}}


def _sorted(items: frozenset[Any]) -> tuple[str, ...]:
    return tuple(sorted(i.value for i in items))


@dataclass(frozen=True)
class Check:
    """One check the code implements: what it is about, its parameters and default wording.

    `params` maps a parameter name to (type, default); a default of None makes it required.
    `fields` are the names a message template may use.
    """

    id: str
    subject: SubjectKind
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    fields: frozenset[str]
    params: tuple[tuple[str, str, Any], ...] = ()


def _c(
    id: str,
    subject: SubjectKind,
    titles: tuple[str, str],
    zh: str,
    en: str,
    fields: str,
    *params: tuple[str, str, Any],
) -> Check:
    return Check(id, subject, titles[0], titles[1], zh, en, frozenset(fields.split()), params)


INST, ALLI, GRID, DIV = (
    SubjectKind.INSTITUTION,
    SubjectKind.ALLIANCE,
    SubjectKind.GRID,
    SubjectKind.DIVISION,
)
_MEMBER = "name level level_zh type type_zh on lapsed_zh lapsed_en"
_ROLE = "name member level level_zh type type_zh place allowed allowed_zh"

CHECKS: dict[str, Check] = {
    c.id: c
    for c in (
        _c(
            "membership.required",
            INST,
            ("公立医疗机构应参与医联体", "public institutions must join an alliance"),
            "{name}（{level_zh}{type_zh}，公立）在 {on} 不属于任何医联体{lapsed_zh}。",
            "{name} ({level} {type}, public) belongs to no alliance on {on}{lapsed_en}.",
            _MEMBER,
        ),
        _c(
            "membership.ownership_unknown",
            INST,
            ("举办性质不详，无法判断", "ownership unknown, obligation cannot be judged"),
            "{name}（{level_zh}{type_zh}）举办性质不详，在 {on} 不属于任何医联体{lapsed_zh}；"
            "若为公立，应参与医联体。",
            "{name} ({level} {type}) has no recorded ownership and belongs to no alliance on "
            "{on}{lapsed_en}; if it is public it is to join one.",
            _MEMBER,
        ),
        _c(
            "grid.none_defined",
            DIV,
            ("未划分网格", "no grids recorded"),
            "{name} 没有记录任何网格；每个县和市辖区应划分为若干网格，每个网格由一个医联体负责。",
            "No grids are recorded for {name}; every county and city district is to be divided "
            "into grids, each served by one alliance.",
            "name on",
        ),
        _c(
            "grid.uncovered",
            GRID,
            ("网格无医联体负责", "grid not covered"),
            "网格 {name} 在 {on} 没有城市医疗集团或县域医共体负责。",
            "Grid {name} is served by no urban medical group or county medical community on {on}.",
            "name on",
        ),
        _c(
            "grid.overlap",
            GRID,
            ("网格由多个医联体负责", "grid covered more than once"),
            "网格 {name} 在 {on} 由 {count} 个医联体同时负责（{alliances}），应只由一个负责。",
            "Grid {name} is served by {count} alliances on {on} ({alliances}); each grid is "
            "served by exactly one.",
            "name on count alliances",
        ),
        _c(
            "grid.cross_grid_member",
            INST,
            ("跨网格服务", "serves across grids"),
            "{name}（{level_zh}{type_zh}）位于网格 {grid}，却是不负责该网格的 {alliance} 的成员；"
            "只有三级医院和康复、护理等机构可以跨网格提供服务。",
            "{name} ({level}, {type}) lies in grid {grid} but is a member of {alliance}, which "
            "does not serve it; only tertiary hospitals and rehabilitation or nursing "
            "institutions may serve across grids.",
            "name level level_zh type type_zh grid alliance on",
            ("exempt_levels", LEVELS, ("tertiary",)),
            ("exempt_types", TYPES, ("nursing", "rehabilitation")),
        ),
        _c(
            "county_community.lead",
            ALLI,
            ("医共体应由县级医院牵头", "county community led by a county-level hospital"),
            "县域医共体 {name} 的牵头单位 {member} 不是县级医院"
            "（{level_zh}{type_zh}，位于{place}）。",
            "County medical community {name} is led by {member}, which is not a county-level "
            "hospital ({level} {type}, located in {place}).",
            _ROLE + " on",
            ("levels", LEVELS, _sorted(UPPER_LEVELS)),
            ("types", TYPES, _sorted(HOSPITAL_TYPES)),
        ),
        _c(
            "county_community.hub",
            ALLI,
            ("枢纽应为乡镇卫生院", "hubs are township centres"),
            "县域医共体 {name} 的枢纽单位 {member}（{type_zh}）不是{allowed_zh}。",
            "County medical community {name} has {member} ({type}) as a hub; hubs are {allowed}.",
            _ROLE + " on",
            (
                "types",
                TYPES,
                (
                    "central_township_centre",
                    "community_centre",
                    "county_subcentre",
                    "township_centre",
                ),
            ),
        ),
        _c(
            "county_community.base",
            ALLI,
            ("基础应为村卫生室", "base members are village clinics"),
            "县域医共体 {name} 的基础单位 {member}（{type_zh}）不是{allowed_zh}。",
            "County medical community {name} has {member} ({type}) as a base member; the base "
            "is {allowed}.",
            _ROLE + " on",
            ("types", TYPES, ("community_station", "village_clinic")),
        ),
        _c(
            "urban_group.lead_level",
            ALLI,
            ("医疗集团应由三级或较强医院牵头", "urban group led by a tertiary or strong hospital"),
            "城市医疗集团 {name} 的牵头单位 {member} 是{level_zh}医疗机构，不是三级或业务能力"
            "较强的医院。",
            "Urban medical group {name} is led by {member}, a {level} institution, not a "
            "tertiary or otherwise strong hospital.",
            "name member level level_zh on",
        ),
        _c(
            "urban_group.lead_not_tertiary",
            ALLI,
            ("牵头医院非三级", "lead is not tertiary"),
            "城市医疗集团 {name} 的牵头单位 {member} 是二级医院；政策也允许“业务能力较强的医院”"
            "牵头，数据无法判断。",
            "Urban medical group {name} is led by {member}, a secondary hospital; the policy "
            "also allows a 'strong' hospital to lead, which the data cannot judge.",
            "name member level level_zh on",
        ),
        _c(
            "alliance.lead_missing",
            ALLI,
            ("医联体没有牵头单位", "alliance without a lead"),
            "{kind_zh} {name} 在 {on} 没有记录牵头单位。",
            "Alliance {name} ({kind}) has no lead recorded on {on}.",
            "name kind kind_zh on",
        ),
        _c(
            "county_hospital.leads_community",
            INST,
            ("县级综合医院应牵头医共体", "county general hospital leads a county community"),
            "县级综合医院 {name} 在 {on} 没有牵头县域医共体。",
            "County general hospital {name} leads no county medical community on {on}.",
            "name level level_zh type type_zh on",
        ),
        _c(
            "county_hospital.specialty_alliance",
            INST,
            ("县直二级医院应牵头专科联盟", "county secondary hospital leads a specialty alliance"),
            "县直二级医院 {name} 在 {on} 没有牵头专科联盟。",
            "County secondary hospital {name} leads no specialty alliance on {on}.",
            "name level level_zh type type_zh on",
        ),
        _c(
            "county_hospital.tertiary_partner",
            INST,
            ("县医院应与三级医院对口衔接", "county hospital paired with a tertiary hospital"),
            "县级医院 {name} 在 {on} 没有与三级医院的对口关系（对口衔接）。",
            "County hospital {name} has no counterpart pairing with a tertiary hospital on {on}.",
            "name level level_zh type type_zh on",
        ),
        _c(
            "primary.secondary_partner",
            INST,
            ("基层机构应与二、三级医院协作", "primary centre partnered with a higher hospital"),
            "{name}（{type_zh}）在 {on} 没有与二、三级医院的对口帮扶关系。",
            "{name} ({type}) has no counterpart pairing with a secondary or tertiary hospital on "
            "{on}.",
            "name level level_zh type type_zh on",
            ("types", TYPES, ("central_township_centre", "community_centre", "township_centre")),
            ("partner_levels", LEVELS, _sorted(UPPER_LEVELS)),
        ),
        _c(
            "telemedicine.township_reach",
            DIV,
            ("远程医疗应覆盖足够乡镇", "telemedicine reaches enough townships"),
            "{name} 在 {on} 有远程医疗协作网成员的乡镇为 {reached}/{total}（{share}），"
            "低于 {min_share}。",
            "In {name}, {reached} of {total} townships ({share}) have a member of a telemedicine "
            "network on {on}; the target is at least {min_share}.",
            "name on reached total share min_share",
            ("min_share", SHARE, None),
        ),
    )
}


def _i(id: str, source: str, titles: tuple[str, str], zh: str, en: str) -> Obligation:
    return Obligation(id, FindingSeverity.ERROR, source, titles[0], titles[1], zh, en)


INTEGRITY: dict[str, Obligation] = {
    o.id: o
    for o in (
        _i(
            "integrity.membership_outside_alliance",
            "data-format: memberships.csv",
            ("成员关系超出医联体有效期", "membership outside the alliance's dates"),
            "{member} 在 {alliance} 的成员关系（{m_from} 至 {m_to}）超出该医联体的有效期"
            "（{a_from} 至 {a_to}）。",
            "{member}'s membership of {alliance} ({m_from} to {m_to}) lies outside the alliance's "
            "own dates ({a_from} to {a_to}).",
        ),
        _i(
            "integrity.pairing_outside_alliance",
            "data-format: pairings.csv",
            ("对口关系的两端不都在该医联体", "pairing ends not both in its alliance"),
            "{name} 的对口关系 {upper} → {lower} 在 {on} 有效，但 {missing} 不是该医联体的成员。",
            "The pairing {upper} → {lower} of {name} holds on {on}, but {missing} is not a "
            "member of that alliance then.",
        ),
        _i(
            "integrity.channel_outside_alliance",
            "data-format: channels.csv",
            ("转诊通道的两端不都在该医联体", "channel ends not both in its alliance"),
            "{name} 的转诊通道 {upper} → {lower} 在 {on} 有效，但 {missing} 不是该医联体的成员。",
            "The referral channel {upper} → {lower} of {name} holds on {on}, but {missing} is "
            "not a member of that alliance then.",
        ),
        _i(
            "integrity.lead_not_member",
            "data-format: memberships.csv",
            ("牵头单位不是成员", "lead is not a member"),
            "医联体 {name} 在 {on} 有效，但记录的牵头单位 {member} 当日不是成员"
            "（牵头关系 {m_from} 至 {m_to}）。",
            "Alliance {name} holds on {on}, but its recorded lead {member} is not a member then "
            "(lead from {m_from} to {m_to}).",
        ),
    )
}


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
    return tuple(sorted(value)) if kind in _ALLOWED else value


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
    allowed = _ALLOWED[kind]
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

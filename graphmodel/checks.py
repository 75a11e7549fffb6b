"""The checks the code implements: what each is about, its parameters with their defaults,
the fields its messages may use and its default wording (`CHECKS`); and the data-integrity
checks, which are no region's rule (`INTEGRITY`).

Which check binds where is policy data: a policy's `obligation` rules call these checks by
id (`graphmodel.obligations`, docs/data-format.md). The default parameters are those of
the clauses that first stated each check (000 for Linkou, 001 for grids); a rule sets its
own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphmodel.enums import AllianceKind, DivisionLevel, InstitutionType, Level
from graphmodel.findings import FindingSeverity, Obligation, SubjectKind

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

# A parameter's type: a share in [0, 1], or a list of institution levels or types, or of
# division levels.
SHARE, LEVELS, TYPES, DIVISIONS = "share", "levels", "types", "division_levels"
ALLOWED = {
    LEVELS: {v.value for v in Level},
    TYPES: {v.value for v in InstitutionType},
    DIVISIONS: {v.value for v in DivisionLevel},
}


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
            # Where a county-level lead sits: a county (000 §二(二)1); a policy whose text
            # counts city districts too (002 篇七 二(一)2: 旗县区) says so.
            ("division_levels", DIVISIONS, ("county",)),
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


def _i(
    id: str,
    source: str,
    titles: tuple[str, str],
    zh: str,
    en: str,
    severity: FindingSeverity = FindingSeverity.ERROR,
) -> Obligation:
    return Obligation(id, severity, source, titles[0], titles[1], zh, en)


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
        # Judgement, not corruption: two institutions may share a name (a warning).
        _i(
            "integrity.same_name_elsewhere",
            "data-format: institutions.csv",
            ("同名机构位于不同行政区", "one name in several divisions"),
            "{name} 与 {others} 同名，分属不同行政区（{divisions}）；同名是合法的，"
            "请确认它们不是同一机构。",
            "{name} shares its name with {others}, in other divisions ({divisions}); that is "
            "legal, but check they are not the same institution entered twice.",
            FindingSeverity.WARNING,
        ),
    )
}

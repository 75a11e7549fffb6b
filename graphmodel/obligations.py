"""The obligations a validator checks (DOMAIN §5), each with an id, a severity and its clause.

The structural obligations are a fixed catalogue: who must belong to an alliance, who may
lead which kind, the roles inside a county community (县域医共体), the pairings that must
exist, grid coverage (网格化全覆盖) and telemedicine reach. Caps and targets on referral
figures are not here: they are policy data (`policies/*.json`) read by the KPI report.

Severity says what a finding means for a data pipeline:

- ``error`` — the data contradicts itself (a membership outside its alliance's dates, a
  pairing whose ends are not in its alliance). Nothing downstream should trust it.
- ``warning`` — a policy target is not met (or not recorded as met). The targets have
  deadlines and the sources are plans; a gap is worth a look, not a failed load.
- ``info`` — the obligation cannot be judged from the data (ownership not recorded).

The shapes (`Finding`, `FindingSeverity`) live in `graphmodel.findings`. Each check's logic
is a named query (`queries/unaffiliated.py`, `queries/grid_coverage.py`,
`queries/obligation_checks.py`, `queries/data_integrity.py`); this module only names the
rules and words the findings, in Chinese and English.
"""

from __future__ import annotations

from typing import Any

from graphmodel.enums import AllianceKind, InstitutionType, Level
from graphmodel.findings import Finding, FindingSeverity, Obligation, SubjectKind

# Who may do what, as the clauses cited in the catalogue below say it.
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
# 000 §二(二)1: 乡镇卫生院（含县域内社区卫生服务机构）为枢纽;
# 002 篇七 二2: 乡镇卫生院(社区卫生服务中心)为枢纽.
HUB_TYPES = frozenset(
    {
        InstitutionType.TOWNSHIP_CENTRE,
        InstitutionType.CENTRAL_TOWNSHIP_CENTRE,
        InstitutionType.COMMUNITY_CENTRE,
        InstitutionType.COUNTY_SUBCENTRE,
    }
)
# 002 篇七 二2: 村卫生室(社区卫生服务站)为基础.
BASE_TYPES = frozenset({InstitutionType.VILLAGE_CLINIC, InstitutionType.COMMUNITY_STATION})
# 000 附件2 八: 全部社区卫生服务中心、乡镇卫生院.
PRIMARY_PARTNER_TYPES = frozenset(
    {
        InstitutionType.COMMUNITY_CENTRE,
        InstitutionType.TOWNSHIP_CENTRE,
        InstitutionType.CENTRAL_TOWNSHIP_CENTRE,
    }
)
# 001 §四: 三級醫院和康復、護理等慢性病醫療機構可以跨網格提供服務.
CROSS_GRID_TYPES = frozenset({InstitutionType.REHABILITATION, InstitutionType.NURSING})
GRID_KINDS = frozenset({AllianceKind.URBAN_GROUP, AllianceKind.COUNTY_COMMUNITY})
TELEMEDICINE_MIN_SHARE = 0.5  # 000 附件2 五: 覆盖试点地区50%以上的乡镇

LEVEL_ZH = {"tertiary": "三级", "secondary": "二级", "primary": "一级", "unrated": "未定级"}


def may_cross_grids(level: str, type_: str) -> bool:
    return level == Level.TERTIARY.value or type_ in {t.value for t in CROSS_GRID_TYPES}


def values(items: frozenset[Any]) -> list[str]:
    """Enum members as the sorted list of values a Cypher parameter takes."""
    return sorted(i.value for i in items)


def _o(
    id: str, severity: FindingSeverity, source: str, titles: tuple[str, str], zh: str, en: str
) -> Obligation:
    return Obligation(id, severity, source, titles[0], titles[1], zh, en)


E, W, I = FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO  # noqa: E741

CATALOGUE: dict[str, Obligation] = {
    o.id: o
    for o in (
        _o(
            "membership.required",
            W,
            "001 §三; 002 篇七 一",
            ("公立医疗机构应参与医联体", "public institutions must join an alliance"),
            "{name}（{level_zh}，公立）在 {on} 不属于任何医联体{lapsed_zh}；二级及以上公立医院和"
            "政府办基层医疗卫生机构应全部参与医联体（2020年前）。",
            "{name} ({level}, public) belongs to no alliance on {on}{lapsed_en}; every public "
            "hospital of secondary level or above and every government-run primary institution "
            "is to join one (by 2020).",
        ),
        _o(
            "membership.ownership_unknown",
            I,
            "001 §三",
            ("举办性质不详，无法判断", "ownership unknown, obligation cannot be judged"),
            "{name}（{level_zh}）举办性质不详，在 {on} 不属于任何医联体{lapsed_zh}；若为公立，"
            "应参与医联体。",
            "{name} ({level}) has no recorded ownership and belongs to no alliance on "
            "{on}{lapsed_en}; if it is public it is to join one.",
        ),
        _o(
            "grid.none_defined",
            W,
            "001 §四(一)(二); 001 §五(一)",
            ("未划分网格", "no grids recorded"),
            "{name} 没有记录任何网格；每个县和市辖区应划分为若干网格，每个网格由一个医联体负责。",
            "No grids are recorded for {name}; every county and city district is to be divided "
            "into grids, each served by one alliance.",
        ),
        _o(
            "grid.uncovered",
            W,
            "001 §三; 001 §四(一)(二)",
            ("网格无医联体负责", "grid not covered"),
            "网格 {name} 在 {on} 没有城市医疗集团或县域医共体负责。",
            "Grid {name} is served by no urban medical group or county medical community on {on}.",
        ),
        _o(
            "grid.overlap",
            W,
            "001 §四(一)(二)",
            ("网格由多个医联体负责", "grid covered more than once"),
            "网格 {name} 在 {on} 由 {count} 个医联体同时负责（{alliances}），应只由一个负责。",
            "Grid {name} is served by {count} alliances on {on} ({alliances}); each grid is "
            "served by exactly one.",
        ),
        _o(
            "grid.cross_grid_member",
            W,
            "001 §四",
            ("跨网格服务", "serves across grids"),
            "{name}（{level_zh}）位于网格 {grid}，却是不负责该网格的 {alliance} 的成员；只有三级"
            "医院和康复、护理等机构可以跨网格提供服务。",
            "{name} ({level}, {type}) lies in grid {grid} but is a member of {alliance}, which "
            "does not serve it; only tertiary hospitals and rehabilitation or nursing "
            "institutions may serve across grids.",
        ),
        _o(
            "county_community.lead",
            W,
            "000 §二(二)1; 001 §四(二); 002 篇七 二2",
            ("医共体应由县级医院牵头", "county community led by a county-level hospital"),
            "县域医共体 {name} 的牵头单位 {member} 不是县级医院（{level_zh}，位于{place}）。",
            "County medical community {name} is led by {member}, which is not a county-level "
            "hospital ({level}, located in {place}).",
        ),
        _o(
            "county_community.hub",
            W,
            "000 §二(二)1; 001 §四(二); 002 篇七 二2",
            ("枢纽应为乡镇卫生院", "hubs are township centres"),
            "县域医共体 {name} 的枢纽单位 {member}（{type}）不是乡镇卫生院或社区卫生服务中心。",
            "County medical community {name} has {member} ({type}) as a hub; hubs are township "
            "health centres or community health service centres.",
        ),
        _o(
            "county_community.base",
            W,
            "000 §二(二)1; 001 §四(二); 002 篇七 二2",
            ("基础应为村卫生室", "base members are village clinics"),
            "县域医共体 {name} 的基础单位 {member}（{type}）不是村卫生室或社区卫生服务站。",
            "County medical community {name} has {member} ({type}) as a base member; the base "
            "is village clinics or community health service stations.",
        ),
        _o(
            "urban_group.lead_level",
            W,
            "001 §四(一)",
            ("医疗集团应由三级或较强医院牵头", "urban group led by a tertiary or strong hospital"),
            "城市医疗集团 {name} 的牵头单位 {member} 是{level_zh}医疗机构，不是三级或业务能力"
            "较强的医院。",
            "Urban medical group {name} is led by {member}, a {level} institution, not a "
            "tertiary or otherwise strong hospital.",
        ),
        _o(
            "urban_group.lead_not_tertiary",
            I,
            "001 §四(一)",
            ("牵头医院非三级", "lead is not tertiary"),
            "城市医疗集团 {name} 的牵头单位 {member} 是二级医院；001 也允许“业务能力较强的医院”"
            "牵头，数据无法判断。",
            "Urban medical group {name} is led by {member}, a secondary hospital; 001 also "
            "allows a 'strong' hospital to lead, which the data cannot judge.",
        ),
        _o(
            "alliance.lead_missing",
            W,
            "000 §二(二); 001 §四",
            ("医联体没有牵头单位", "alliance without a lead"),
            "医联体 {name} 在 {on} 没有记录牵头单位。",
            "Alliance {name} has no lead recorded on {on}.",
        ),
        _o(
            "county_hospital.leads_community",
            W,
            "000 §二(二)1",
            ("县级综合医院应牵头医共体", "county general hospital leads a county community"),
            "县级综合医院 {name} 在 {on} 没有牵头县域医共体；"
            "每所县级综合医院都应牵头组建县域医联体。",
            "County general hospital {name} leads no county medical community on {on}; every "
            "county general hospital is to lead one.",
        ),
        _o(
            "county_hospital.specialty_alliance",
            W,
            "000 §二(二)3",
            ("县直二级医院应牵头专科联盟", "county secondary hospital leads a specialty alliance"),
            "县直二级医院 {name} 在 {on} 没有牵头专科联盟；到2017年底每单位最少牵头建立1-2个。",
            "County secondary hospital {name} leads no specialty alliance on {on}; each was to "
            "lead at least one or two by the end of 2017.",
        ),
        _o(
            "county_hospital.tertiary_partner",
            W,
            "002 篇六 二1",
            ("县医院应与三级医院对口衔接", "county hospital paired with a tertiary hospital"),
            "县级医院 {name} 在 {on} 没有与三级医院的对口关系（对口衔接）。",
            "County hospital {name} has no counterpart pairing with a tertiary hospital on {on}.",
        ),
        _o(
            "primary.secondary_partner",
            W,
            "000 附件2 八",
            ("基层机构应与二、三级医院协作", "primary centre partnered with a higher hospital"),
            "{name}（{type}）在 {on} 没有与二、三级医院的对口帮扶关系。",
            "{name} ({type}) has no counterpart pairing with a secondary or tertiary hospital on "
            "{on}.",
        ),
        _o(
            "telemedicine.township_reach",
            W,
            "000 附件2 五",
            ("远程医疗应覆盖50%以上乡镇", "telemedicine reaches half the townships"),
            "{name} 在 {on} 有远程医疗协作网成员的乡镇为 {reached}/{total}（{share}），低于50%。",
            "In {name}, {reached} of {total} townships ({share}) have a member of a telemedicine "
            "network on {on}; the target is at least 50%.",
        ),
        _o(
            "integrity.membership_outside_alliance",
            E,
            "data-format: memberships.csv",
            ("成员关系超出医联体有效期", "membership outside the alliance's dates"),
            "{member} 在 {alliance} 的成员关系（{m_from} 至 {m_to}）超出该医联体的有效期"
            "（{a_from} 至 {a_to}）。",
            "{member}'s membership of {alliance} ({m_from} to {m_to}) lies outside the alliance's "
            "own dates ({a_from} to {a_to}).",
        ),
        _o(
            "integrity.pairing_outside_alliance",
            E,
            "data-format: pairings.csv",
            ("对口关系的两端不都在该医联体", "pairing ends not both in its alliance"),
            "{name} 的对口关系 {upper} → {lower} 在 {on} 有效，但 {missing} 不是该医联体的成员。",
            "The pairing {upper} → {lower} of {name} holds on {on}, but {missing} is not a "
            "member of that alliance then.",
        ),
        _o(
            "integrity.channel_outside_alliance",
            E,
            "data-format: channels.csv",
            ("转诊通道的两端不都在该医联体", "channel ends not both in its alliance"),
            "{name} 的转诊通道 {upper} → {lower} 在 {on} 有效，但 {missing} 不是该医联体的成员。",
            "The referral channel {upper} → {lower} of {name} holds on {on}, but {missing} is "
            "not a member of that alliance then.",
        ),
        _o(
            "integrity.same_name_elsewhere",
            W,
            "data-format: institutions.csv",
            ("同名机构位于不同行政区", "one name in several divisions"),
            "{name} 与 {others} 同名，分属不同行政区（{divisions}）；同名是合法的，"
            "请确认它们不是同一机构。",
            "{name} shares its name with {others}, in other divisions ({divisions}); that is "
            "legal, but check they are not the same institution entered twice.",
        ),
        _o(
            "integrity.lead_not_member",
            E,
            "data-format: memberships.csv",
            ("牵头单位不是成员", "lead is not a member"),
            "医联体 {name} 在 {on} 有效，但记录的牵头单位 {member} 当日不是成员"
            "（牵头关系 {m_from} 至 {m_to}）。",
            "Alliance {name} holds on {on}, but its recorded lead {member} is not a member then "
            "(lead from {m_from} to {m_to}).",
        ),
    )
}


def finding(
    rule: str,
    kind: SubjectKind,
    subject: str,
    name: str,
    related: tuple[str, ...] = (),
    **fields: Any,
) -> Finding:
    """A finding of catalogue rule `rule`, its messages filled from `fields` (and `name`)."""
    o = CATALOGUE[rule]
    fields = {"name": name, **fields}
    if "level" in fields:
        fields.setdefault("level_zh", LEVEL_ZH.get(fields["level"], fields["level"]))
    return Finding(
        rule=o.id,
        severity=o.severity,
        source=o.source,
        subject_kind=kind,
        subject=subject,
        subject_name=name,
        message_zh=o.message_zh.format(**fields),
        message_en=o.message_en.format(**fields),
        related=related,
    )

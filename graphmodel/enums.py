"""Closed vocabularies of the domain, and the graph's labels and relationship types.

Every value a data file, a CLI flag or a GraphQL argument may carry is one of these; labels
and relationship types in Cypher come only from `Label` and `Rel`, never from user strings.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """医院级别 — the hospital level (三级 / 二级 / 一级 / unrated)."""

    TERTIARY = "tertiary"
    SECONDARY = "secondary"
    PRIMARY = "primary"
    UNRATED = "unrated"

    @property
    def rank(self) -> int:
        """Higher is a higher level; unrated primary-care units sit with primary."""
        return _LEVEL_RANK[self]  # a route reads it per candidate: one dict lookup


_LEVEL_RANK = {Level.TERTIARY: 3, Level.SECONDARY: 2, Level.PRIMARY: 1, Level.UNRATED: 1}


class Grade(StrEnum):
    """等次 — 甲 / 乙 / 丙."""

    A = "A"
    B = "B"
    C = "C"


class InstitutionType(StrEnum):
    GENERAL = "general"  # 综合医院
    TCM = "tcm"  # 中医医院
    MATERNAL_CHILD = "maternal_child"  # 妇幼保健院
    PSYCHIATRIC = "psychiatric"  # 精神卫生中心
    INFECTIOUS = "infectious"  # 传染病医院
    SPECIALTY = "specialty"  # 专科医院
    REHABILITATION = "rehabilitation"  # 康复医院
    NURSING = "nursing"  # 护理院
    TOWNSHIP_CENTRE = "township_centre"  # 乡镇卫生院
    CENTRAL_TOWNSHIP_CENTRE = "central_township_centre"  # 中心卫生院
    COMMUNITY_CENTRE = "community_centre"  # 社区卫生服务中心
    COMMUNITY_STATION = "community_station"  # 社区卫生服务站
    VILLAGE_CLINIC = "village_clinic"  # 村卫生室
    STAFF_HOSPITAL = "staff_hospital"  # 职工医院
    COUNTY_SUBCENTRE = "county_subcentre"  # 县域医疗次中心
    INDEPENDENT_LAB = "independent_lab"
    INDEPENDENT_IMAGING = "independent_imaging"
    INDEPENDENT_PATHOLOGY = "independent_pathology"
    DIALYSIS_CENTRE = "dialysis_centre"
    HOSPITAL = "hospital"  # a hospital whose type the source does not state


class Ownership(StrEnum):
    PUBLIC = "public"  # 公立
    SOCIAL = "social"  # 社会办
    UNKNOWN = "unknown"


class DivisionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    DISTRICT = "district"
    TOWNSHIP = "township"
    STREET = "street"
    VILLAGE = "village"


class ReferralRole(StrEnum):
    """Roles in a referral regime (seed 003 附件2)."""

    FIRST_CONTACT = "first_contact"  # 负责首诊
    ACCEPTS_REFERRALS = "accepts_referrals"  # 接受转诊
    HANDLES_OUT_OF_REGION = "handles_out_of_region"  # 负责外转


class RoleCondition(StrEnum):
    """When a conditional referral role holds."""

    ALWAYS = ""
    EMPLOYEES_ONLY = "employees_only"
    UNTIL_REVIEW = "until_review"
    AFTER_REVIEW = "after_review"
    FOR_CONDITION = "for_condition"


class AllianceKind(StrEnum):
    URBAN_GROUP = "urban_group"  # 城市医疗集团
    COUNTY_COMMUNITY = "county_community"  # 县域医共体
    URBAN_RURAL = "urban_rural"  # 城乡医联体
    SPECIALTY = "specialty"  # 专科联盟
    TELEMEDICINE = "telemedicine"  # 远程医疗协作网
    TRUSTEESHIP = "trusteeship"  # 托管


class Integration(StrEnum):
    TIGHT = "tight"  # 紧密型
    LOOSE = "loose"  # 松散型
    UNKNOWN = "unknown"


class MemberRole(StrEnum):
    LEAD = "lead"  # 牵头
    HUB = "hub"  # 枢纽
    BASE = "base"  # 基础
    MEMBER = "member"
    TRUSTEE = "trustee"  # 托管方
    MANAGED = "managed"  # 被托管方


class Direction(StrEnum):
    UP = "up"  # 上转
    DOWN = "down"  # 下转


class RuleKind(StrEnum):
    FIRST_CONTACT = "first_contact"
    DESIGNATION = "designation"
    GATEWAY = "gateway"
    EXEMPTION = "exemption"
    ALLIANCE_PREFERENCE = "alliance_preference"
    LEVEL_CHOICE = "level_choice"
    CHANNEL = "channel"
    DOWN_REFERRAL = "down_referral"
    READMISSION = "readmission"
    CAP = "cap"
    TARGET = "target"
    REIMBURSEMENT = "reimbursement"
    CONSEQUENCE = "consequence"  # what a route (or leaving it) changes for the patient
    OBLIGATION = "obligation"  # a structural duty a validator checks


class Modality(StrEnum):
    """How strongly a clause binds, read from its verb (docs/domain.md, "Modality").

    - ``must`` (必须, 须, 应 where it binds): only these destinations are admissible.
    - ``may`` (可, 可以, 可经): these are admissible and designated; others the general
      rule admits stay admissible.
    - ``prefer`` (优先, 在尊重患者意愿的前提下): these come first; others stay admissible.
    """

    MUST = "must"
    MAY = "may"
    PREFER = "prefer"


# The rule kinds that decide where a patient may go: each must say how strongly it binds.
ROUTING_KINDS = frozenset(
    {
        RuleKind.FIRST_CONTACT,
        RuleKind.DESIGNATION,
        RuleKind.GATEWAY,
        RuleKind.EXEMPTION,
        RuleKind.ALLIANCE_PREFERENCE,
        RuleKind.LEVEL_CHOICE,
        RuleKind.CHANNEL,
        RuleKind.DOWN_REFERRAL,
        RuleKind.READMISSION,
    }
)


class Severity(StrEnum):
    NORMAL = "normal"
    SEVERE = "severe"


class Label(StrEnum):
    """Neo4j node labels; the networkx store keys nodes by (label, id)."""

    DIVISION = "Division"
    GRID = "Grid"
    INSTITUTION = "Institution"
    ALLIANCE = "Alliance"
    POLICY = "Policy"
    RULE = "Rule"


class Rel(StrEnum):
    """Relationship types."""

    PART_OF = "PART_OF"
    WITHIN = "WITHIN"
    LOCATED_IN = "LOCATED_IN"
    MEMBER_OF = "MEMBER_OF"
    SERVES = "SERVES"
    PAIRED_WITH = "PAIRED_WITH"
    CHANNEL = "CHANNEL"
    REFERRED = "REFERRED"
    APPLIES_TO = "APPLIES_TO"
    HAS_RULE = "HAS_RULE"
    DESIGNATES = "DESIGNATES"

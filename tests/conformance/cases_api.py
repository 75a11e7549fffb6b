"""Conformance cases for the queries behind the GraphQL API."""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.enums import AllianceKind, InstitutionType, Level, Ownership
from queries.alliance_list import AllianceFilter
from queries.institution_list import InstitutionFilter

SOME = ["linkou-county-people", "linkou-kuishan-thc", "wuxi-jianghai-chc", "ezhou-dushan-thc"]
ALLIANCES = ["linkou-ur-mdj-first", "linkou-ur-mdj-tcm", "wuxi-second-people-alliance", "none"]

CASES: dict[str, list[dict[str, Any]]] = {
    "institution_list": [
        {"limit": 10},
        {"limit": 10, "after": "ezhou-yitingming-chc"},
        {"filter": InstitutionFilter(name="卫生院"), "limit": 100},
        {"filter": InstitutionFilter(name="衛生服務中心", level=Level.PRIMARY), "limit": 5},
        {"filter": InstitutionFilter(level=Level.TERTIARY, type=InstitutionType.TCM)},
        {"filter": InstitutionFilter(ownership=Ownership.PUBLIC), "limit": 3, "after": "linkou"},
        {"filter": InstitutionFilter(division="linkou-heilongjiang"), "limit": 100},
        {"filter": InstitutionFilter(alliance="linkou-ur-mdj-tcm"), "limit": 100},
        {
            "filter": InstitutionFilter(alliance="wuxi-second-people-alliance"),
            "on": date(2008, 1, 1),
        },
    ],
    "alliance": [{"id": "wuxi-second-people-alliance"}, {"id": "none"}],
    "alliance_list": [
        {},
        {"limit": 1, "after": "linkou-ur-mdj-first"},
        {"filter": AllianceFilter(kind=AllianceKind.URBAN_GROUP)},
        {"filter": AllianceFilter(lead="linkou-mdj-tcm")},
        {"filter": AllianceFilter(division="linkou-heilongjiang")},
    ],
    "root_divisions": [{}],
    "boundaries": [{}, {"division": "linkou-county"}],
    "divisions": [{"ids": ["linkou-county", "ezhou-city", "nowhere", "wuxi-chongan"]}],
    "division_children": [{"id": "linkou-county"}, {"id": "wuxi-city"}, {"id": "nowhere"}],
    "memberships_of": [{"ids": SOME}, {"ids": SOME, "on": date(2009, 6, 1)}],
    "members_of": [{"ids": ALLIANCES}, {"ids": ALLIANCES, "on": date(2000, 1, 1)}],
    "institutions": [{"ids": [*SOME, "nowhere"]}],
    "pairings_of": [{"ids": ALLIANCES}],
    "grids_of": [{"ids": ALLIANCES}],
    "channels_of": [
        {"ids": ["wuxi-second-people", "wuxi-jianghai-chc", "linkou-county-people"]},
        {"ids": ["wuxi-guangyi-chc"], "on": date(2000, 1, 1)},
    ],
}

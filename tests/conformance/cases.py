"""The arguments each named query is asked on both stores, over the bundled samples.

Every query in `queries.REGISTRY` must have cases here or in a `cases_*.py` module beside
this one (each defines its own `CASES` dict); the suite fails otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.enums import AllianceKind, Direction, Severity

CASES: dict[str, list[dict[str, Any]]] = {
    "counterparts": [
        {"institution": "linkou-kuishan-thc"},
        {"institution": "linkou-county-people"},
        {"institution": "linkou-county-people", "direction": "lower"},
        {"institution": "linkou-mdj-tcm", "alliance_kind": AllianceKind.URBAN_RURAL},
        {"institution": "wuxi-second-people", "specialty": "心内科"},
        # Issue 9: --specialty by catalogue code, standard name, alias, parent subject, the
        # department's own name (002 篇五 2.1.2), and in Traditional script.
        {"institution": "wuxi-second-people", "specialty": "03.04"},
        {"institution": "wuxi-second-people", "specialty": "心血管内科专业"},
        {"institution": "wuxi-second-people", "specialty": "呼吸科"},
        {"institution": "wuxi-second-people", "specialty": "内科"},
        {"institution": "wuxi-second-people", "specialty": "脑科中心"},
        {"institution": "wuxi-shangmadun-chc", "specialty": "呼吸內科"},
        {"institution": "wuxi-jianghai-chc", "direction": "upper"},
        {"institution": "wuxi-second-people", "on": date(2008, 1, 1)},
        {"institution": "linkou-qingshan-thc", "alliance": "linkou-ur-mdj-tcm"},
        {"institution": "xiaoxian-county-people", "direction": "upper"},
        {"institution": "xiaoxian-bengbu-affiliated", "direction": "lower"},
    ],
    "institution": [
        {"id": "ezhou-central-hospital"},
        {"id": "linkou-county-people"},
        {"id": "xiaoxian-county-people"},
        {"id": "hohhot-xincheng-community-lead"},
        {"id": "no-such-institution"},
    ],
    "institutions_named": [
        {"name": "市中心医院"},
        {"name": "鄂鋼職工醫院"},  # an alternative name, in Traditional script
        {"name": "奎山乡卫生院"},
        {"name": "三道通镇卫生院"},
        {"name": "县医院"},  # 004's short name for 萧县人民医院
        {"name": "呼和浩特市第一医院"},
        {"name": "不存在的医院"},
        # Issue 9: the city prefix typed (003 附件2 records 市中医医院 in 鄂州市), either script.
        {"name": "鄂州市中医医院"},
        {"name": "鄂州市中醫醫院"},
        {"name": "湖北省鄂州市中医医院"},
        {"name": "无锡市崇安区江海社区卫生服务中心"},  # 002 篇五: a community centre in 崇安区
        {"name": "牡丹江中医院"},  # 000 §二(二)4 牡丹江市中医院 without its 市
    ],
    "institution_candidates": [
        {"name": "鄂州市中医医阮"},  # issue 9: one character off 鄂州市中医医院
        {"name": "无锡第二人民医院x"},
        {"name": "市中医院院", "limit": 3},
        {"name": "刁翎镇卫生院"},
        {"name": "不存在的医院"},
    ],
    "institution_search": [
        {"text": "卫生院", "limit": 5},
        {"text": "社区卫生服务中心", "limit": 20},
        {"text": "醫院", "limit": 8},
    ],
    "institution_suggest": [
        {"text": "卫生院", "limit": 5},
        {"text": "三道通镇", "limit": 5},  # only in names_alt (000 附件1 prints 三道镇通)
        {"text": "衛生院", "limit": 30},  # traditional script
        {"text": "牡丹市", "limit": 10},  # 000 §二(二)2's misspelling, kept in names_alt
        {"text": "不存在", "limit": 5},
    ],
    "route_conditions": [
        {"origin": "linkou-diaoling-central-thc"},
        {"origin": "wuxi-second-people"},
        {"origin": "linkou-county-people", "on": date(2000, 1, 1)},
    ],
    "alliance_members": [
        {"alliance": "wuxi-second-people-alliance"},
        {"alliance": "wuxi-second-people-alliance", "on": date(2008, 12, 31)},
        {"alliance": "linkou-ur-mdj-first"},
        {"alliance": "xiaoxian-county-community"},
        {"alliance": "hohhot-first-group"},
        {"alliance": "no-such-alliance"},
    ],
    "institution_alliances": [
        {"institution": "linkou-kuishan-thc"},
        {"institution": "linkou-county-people"},
        {"institution": "wuxi-second-people", "on": date(2010, 1, 1)},
        {"institution": "ezhou-central-hospital"},
        {"institution": "xiaoxian-county-tcm"},
        {"institution": "hohhot-wuchuan-community-lead"},
    ],
    "division_institutions": [
        {"division": "ezhou-city"},
        {"division": "linkou-county"},
        {"division": "linkou-county", "recursive": False},
        {"division": "linkou-heilongjiang"},
        {"division": "xiaoxian-suzhou"},
        {"division": "hohhot-city", "recursive": False},
        {"division": "luoyang-henan"},  # policy only: no institutions
        {"division": "no-such-division"},
    ],
}


def _route(**kw: Any) -> dict[str, Any]:
    from graphmodel.routing import RouteRequest

    return {"request": RouteRequest(**kw)}


ROUTES = [
    _route(origin="ezhou-dushan-thc", condition="tuberculosis"),
    _route(origin="ezhou-dushan-thc", condition="infectious", severity=Severity.SEVERE),
    _route(origin="ezhou-dushan-thc", condition="hepatitis"),
    _route(origin="ezhou-dushan-thc", condition="psychiatric", severity=Severity.SEVERE),
    _route(origin="ezhou-dushan-thc", condition="general", out_of_region=True),
    _route(origin="ezhou-dushan-thc", condition="burn", out_of_region=True),
    _route(origin="ezhou-dushan-thc", condition="tcm-liver", out_of_region=True),
    _route(origin="ezhou-dushan-thc", condition="general"),
    _route(
        origin="ezhou-dushan-thc", condition="general", destination="ezhou-huarong-district-people"
    ),
    _route(origin="ezhou-chengchao-staff-hospital", condition="general"),
    _route(origin="ezhou-chengchao-staff-hospital", condition="general", employer="程潮铁矿"),
    _route(origin="ezhou-dushan-thc", condition="general", flags=frozenset({"emergency"})),
    _route(
        origin="ezhou-dushan-thc",
        condition="general",
        readmission_of="ezhou-egang-hospital",
        flags=frozenset(),
    ),
    _route(origin="ezhou-central-hospital", condition="general", direction=Direction.DOWN),
    _route(origin="linkou-diaoling-central-thc", condition="general"),
    _route(origin="linkou-kuishan-thc", condition="general"),
    _route(origin="linkou-diaoling-central-thc", condition="cardiovascular"),
    _route(origin="linkou-diaoling-central-thc", condition="general", destination="linkou-mdj-tcm"),
    _route(
        origin="linkou-diaoling-central-thc",
        condition="general",
        destination="linkou-mdj-first-people",
    ),
    _route(origin="linkou-county-people", condition="general", direction=Direction.DOWN),
    _route(origin="linkou-county-people", condition="general", flags=frozenset({"ambulance_120"})),
    _route(origin="wuxi-jianghai-chc", condition="general"),
    _route(origin="wuxi-jianghai-chc", condition="general", on=date(2005, 1, 1)),
    # Modality, conditions that combine, down by jurisdiction, first contact, consequences.
    _route(
        origin="ezhou-dushan-thc", condition="tuberculosis",
        destination="ezhou-central-hospital",
    ),
    _route(origin="ezhou-dushan-thc", condition="tcm-brain", out_of_region=True),
    _route(origin="ezhou-dushan-thc", condition="general", flags=frozenset({"travelling"})),
    _route(
        origin="ezhou-dushan-thc", condition="general",
        flags=frozenset({"travelling", "critical"}),
    ),
    _route(
        origin="ezhou-central-hospital", condition="general", direction=Direction.DOWN,
        phase="recovery",
    ),
    _route(
        origin="ezhou-central-hospital", condition="general", direction=Direction.DOWN,
        phase="late_cancer",
    ),
    _route(origin="ezhou-egang-hospital", condition="general", employer="鄂钢"),
    _route(origin="ezhou-mental-health-centre", condition="psychiatric"),
    _route(
        origin="linkou-county-people", condition="general", direction=Direction.DOWN,
        phase="chronic_stable",
    ),
    _route(
        origin="linkou-diaoling-central-thc", condition="general",
        flags=frozenset({"mass_casualty", "beyond_capacity", "signed_resident"}),
    ),
    _route(
        origin="linkou-diaoling-central-thc", condition="general",
        flags=frozenset({"emergency"}), destination="linkou-mdj-tcm",
    ),
    _route(origin="wuxi-second-people", condition="general", direction=Direction.DOWN),
    _route(origin="xiaoxian-baitu-central-thc", condition="general"),
    _route(
        origin="xiaoxian-county-people",
        condition="general",
        out_of_region=True,
        flags=frozenset({"travelling"}),
    ),
    _route(origin="xiaoxian-huangkou-subcentre", condition="general", on=date(2023, 1, 1)),
    _route(origin="hohhot-wuchuan-community-lead", condition="general"),
    _route(origin="hohhot-first", condition="general", direction=Direction.DOWN),
    _route(
        origin="hohhot-tuoketuo-community-lead", condition="general", destination="hohhot-first"
    ),
]  # fmt: skip
CASES["referral_route"] = ROUTES
CASES["route_context"] = ROUTES


def all_cases() -> dict[str, list[dict[str, Any]]]:
    """These cases plus those of every `cases_*.py` module in this folder."""
    import importlib
    import pkgutil

    import tests.conformance as package

    merged = dict(CASES)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"tests.conformance.{info.name}")
            for name, cases in module.CASES.items():
                merged.setdefault(name, []).extend(cases)
    return merged

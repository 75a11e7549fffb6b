"""The arguments each named query is asked on both stores, over the bundled samples.

Every query in `queries.REGISTRY` must have cases here; the suite fails otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.enums import AllianceKind

CASES: dict[str, list[dict[str, Any]]] = {
    "counterparts": [
        {"institution": "linkou-kuishan-thc"},
        {"institution": "linkou-county-people"},
        {"institution": "linkou-county-people", "direction": "lower"},
        {"institution": "linkou-mdj-tcm", "alliance_kind": AllianceKind.URBAN_RURAL},
        {"institution": "wuxi-second-people", "specialty": "心内科"},
        {"institution": "wuxi-jianghai-chc", "direction": "upper"},
        {"institution": "wuxi-second-people", "on": date(2008, 1, 1)},
        {"institution": "linkou-qingshan-thc", "alliance": "linkou-ur-mdj-tcm"},
    ],
    "institution": [
        {"id": "ezhou-central-hospital"},
        {"id": "linkou-county-people"},
        {"id": "no-such-institution"},
    ],
    "institutions_named": [
        {"name": "市中心医院"},
        {"name": "鄂鋼職工醫院"},  # an alternative name, in Traditional script
        {"name": "奎山乡卫生院"},
        {"name": "三道通镇卫生院"},
        {"name": "不存在的医院"},
    ],
    "institution_search": [
        {"text": "卫生院", "limit": 5},
        {"text": "社区卫生服务中心", "limit": 20},
        {"text": "醫院", "limit": 8},
    ],
    "alliance_members": [
        {"alliance": "wuxi-second-people-alliance"},
        {"alliance": "wuxi-second-people-alliance", "on": date(2008, 12, 31)},
        {"alliance": "linkou-ur-mdj-first"},
        {"alliance": "no-such-alliance"},
    ],
    "institution_alliances": [
        {"institution": "linkou-kuishan-thc"},
        {"institution": "linkou-county-people"},
        {"institution": "wuxi-second-people", "on": date(2010, 1, 1)},
        {"institution": "ezhou-central-hospital"},
    ],
    "division_institutions": [
        {"division": "ezhou-city"},
        {"division": "linkou-county"},
        {"division": "linkou-county", "recursive": False},
        {"division": "linkou-heilongjiang"},
        {"division": "no-such-division"},
    ],
}

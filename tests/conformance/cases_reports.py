"""Conformance cases of the report queries (issue 5) over the bundled samples.

The samples record no grids and no referral flows (the seeds state none), and no loaded
policy has a membership rule, so the grid, KPI and unaffiliated cases prove agreement on
what the samples do hold (counties without grids, policy targets that cannot be computed,
institutions that cannot be judged); the queries' own tests compare both stores on
datasets with grids, flows and every kind of finding.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.enums import InstitutionType, Level

TODAY = date(2026, 1, 1)
BEFORE_WUXI = date(2005, 1, 1)  # before the Wuxi alliance (2009) and its memberships
BEFORE_000 = date(2010, 1, 1)  # before 000 (林口县, 2017) and 003 (鄂州市, 2015) apply
NOT_YET_DUE = date(2017, 6, 1)  # 000 applies; its 附件2 deadlines (end of 2017) are not due

CASES: dict[str, list[dict[str, Any]]] = {
    "unaffiliated": [
        {"on": TODAY, "include_unknown": True},
        {"on": BEFORE_WUXI, "include_unknown": True},  # no policy obliges anyone: who is unjudged
        {"on": BEFORE_WUXI, "include_unknown": True, "division": "wuxi-city"},
        {"on": TODAY, "include_unknown": True, "division": "xiaoxian-county"},
        {"on": TODAY, "include_unknown": True, "level": Level.SECONDARY},
        {"on": TODAY, "include_unknown": True, "type": InstitutionType.COMMUNITY_CENTRE},
        {"on": TODAY},
    ],
    "grid_coverage": [
        {"on": TODAY},
        {"on": TODAY, "division": "linkou-county"},
        {"on": TODAY, "division": "hohhot-city"},
    ],
    "obligation_checks": [
        {"on": TODAY},
        {"on": BEFORE_WUXI},
        {"on": NOT_YET_DUE},
    ],
    "data_integrity": [
        {"on": BEFORE_WUXI},
        {"on": TODAY},
    ],
    "validation": [
        {"on": TODAY},
        {"on": BEFORE_WUXI},
        {"on": BEFORE_000},
        {"on": NOT_YET_DUE},
    ],
    "referral_kpis": [
        {"period": "2024"},
        {"period": "2017-Q4"},
        {"period": "2020-03", "division": "linkou-county"},
        {"period": "2023", "division": "xiaoxian-county"},
        {"period": "2018", "division": "hohhot-city"},
    ],
}

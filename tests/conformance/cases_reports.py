"""Conformance cases of the report queries (issue 5) over the bundled samples.

The samples record no grids and no referral flows (the seeds state none), so the grid and
KPI cases prove agreement on what the samples do hold (counties without grids, policy
targets that cannot be computed); the queries' own tests compare both stores on datasets
with grids, flows and every kind of finding.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphmodel.enums import InstitutionType, Level

TODAY = date(2026, 1, 1)
BEFORE_WUXI = date(2005, 1, 1)  # before the Wuxi alliance (2009) and its memberships

CASES: dict[str, list[dict[str, Any]]] = {
    "unaffiliated": [
        {"on": TODAY, "include_unknown": True},
        {"on": BEFORE_WUXI},
        {"on": BEFORE_WUXI, "division": "wuxi-city"},
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
    ],
    "data_integrity": [
        {"on": BEFORE_WUXI},
        {"on": TODAY},
    ],
    "validation": [
        {"on": TODAY},
        {"on": BEFORE_WUXI},
    ],
    "referral_kpis": [
        {"period": "2024"},
        {"period": "2017-Q4"},
        {"period": "2020-03", "division": "linkou-county"},
        {"period": "2023", "division": "xiaoxian-county"},
        {"period": "2018", "division": "hohhot-city"},
    ],
}

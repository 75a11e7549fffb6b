"""Conformance cases of the scenario and fragility queries (issue 14) over the samples."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from graphmodel.enums import Level
from graphmodel.scenario import Change, Scenario
from loaders.scenario import load

TODAY = date(2026, 1, 1)
LINKOU = load(
    Path(__file__).resolve().parents[2]
    / "loaders/samples/linkou/scenarios/county-hospital-leaves.yaml"
)
WUXI = Scenario(
    "a Wuxi community centre leaves its alliance",
    (
        Change("end", "membership", (("alliance", "wuxi-second-people-alliance"),
                                     ("institution", "wuxi-jianghai-chc")), path="changes[0]"),
        Change("set", "level", (("institution", "wuxi-jianghai-chc"),
                                ("level", Level.SECONDARY)),
               path="changes[1]"),
    ),
)  # fmt: skip

CASES: dict[str, list[dict[str, Any]]] = {
    "what_if": [
        {"scenario": LINKOU},
        {"scenario": LINKOU, "on": date(2016, 1, 1)},  # before 000 applies: no policy's routes
        {"scenario": WUXI, "on": TODAY},
    ],
    "network_analysis": [
        {"on": TODAY},
        {"on": TODAY, "division": "linkou-county"},
        {"on": TODAY, "division": "hohhot-city", "share": 0.3},
    ],
}

"""whatIf and networkAnalysis over HTTP, on both stores, over the bundled samples."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

WHAT_IF = """
query($s: ScenarioInput!) {
  whatIf(scenario: $s) {
    scenario on changes origins
    newFindings { ruleId subjectId related }
    coverage { grid { id } before after }
    unaffiliated { institution { id } becomes }
    routes { origin { id } condition before { verdict hops { to via rule source } }
             after { verdict hops { to via rule source } } }
  }
}
"""
LEAVES: dict[str, Any] = {
    "name": "林口县人民医院 leaves its chain",
    "on": "2026-01-01",
    "changes": [
        {"op": "END", "target": "MEMBERSHIP", "institution": "linkou-county-people",
         "alliance": "linkou-ur-mdj-first"},
        {"op": "END", "target": "PAIRING", "alliance": "linkou-ur-mdj-first",
         "upper": "linkou-mdj-first-people", "lower": "linkou-county-people"},
    ],
}  # fmt: skip


def test_what_if_reports_the_difference(api: Api) -> None:
    d = api.data(WHAT_IF, {"s": LEAVES})["whatIf"]
    assert (d["on"], d["changes"]) == ("2026-01-01", 2)
    assert {f["ruleId"] for f in d["newFindings"]} == {"integrity.pairing_outside_alliance"}
    assert all(f["related"][0] == "linkou-county-people" for f in d["newFindings"])
    county = [r for r in d["routes"] if r["origin"]["id"] == "linkou-county-people"]
    general = [r for r in county if r["condition"] == "general"]
    assert general[0]["before"]["hops"] == [
        {"to": "linkou-mdj-first-people", "via": "alliance",
         "rule": "linkou-2017-alliance-preference", "source": "000 §二(四)4"}
    ]  # fmt: skip
    assert general[0]["after"]["verdict"] == "admissible"


def test_an_invalid_scenario_is_refused_with_its_path(api: Api) -> None:
    bad = {**LEAVES, "changes": [{**LEAVES["changes"][0], "alliance": "no-such-alliance"}]}
    body = api.post(WHAT_IF, {"s": bad}).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "changes[0]" in error["message"] and "no-such-alliance" in error["message"]
    assert body["data"] is None


def test_network_analysis_names_the_single_points_of_failure(api: Api) -> None:
    q = """{ networkAnalysis(division: "linkou-county", on: "2026-01-01") {
               singlePoints { institution { id } alliance { id } dependentCount articulation }
               concentration { region { id } level hhi gini } } }"""
    r = api.data(q)["networkAnalysis"]
    points = {(p["institution"]["id"], p["dependentCount"]) for p in r["singlePoints"]}
    assert points == {("linkou-county-people", 7), ("linkou-county-tcm", 6),
                      ("linkou-county-mch", 5)}  # fmt: skip
    assert {(c["level"], c["hhi"]) for c in r["concentration"]} == {
        ("secondary", 0.339506), ("tertiary", 0.333333)
    }  # fmt: skip

"""The validators' reports over GraphQL say what the named queries say, on both stores."""

from __future__ import annotations

import json

from graphmodel.alliance import Alliance, Service
from graphmodel.dataset import Dataset
from graphmodel.division import Division, Grid
from graphmodel.enums import AllianceKind, DivisionLevel, Integration, Level
from graphmodel.store import Store
from queries.referral_kpis import REFERRAL_KPIS
from queries.unaffiliated import UNAFFILIATED
from queries.validation import VALIDATION
from stores.memory import MemoryStore
from tests.api.conftest import Api, make_api


def test_validation_lists_the_same_findings(api: Api, store: Store) -> None:
    data = api.data("""{ validation { errors warnings infos
      findings { ruleId severity source subjectKind subjectId messageZh messageEn } } }""")
    report = store.run(VALIDATION)
    got = data["validation"]
    assert (got["errors"], got["warnings"], got["infos"]) == (
        report.counts["error"], report.counts["warning"], report.counts["info"])  # fmt: skip
    assert [(f["ruleId"], f["subjectId"], f["source"]) for f in got["findings"]] == [
        (f.rule, f.subject, f.source) for f in report.findings
    ]
    assert got["findings"] and all(f["messageZh"] and f["messageEn"] for f in got["findings"])


def test_validation_names_policies_and_the_regions_without_policy(api: Api, store: Store) -> None:
    got = api.data("""{ validation(on: "2026-01-01") {
      findings { policy policyRule draft notYetDue }
      policies { policy regionName status obligations }
      regionsWithoutPolicy { division name institutions } } }""")["validation"]
    assert {f["policy"] for f in got["findings"]} == {"linkou-2017"}
    assert not any(f["draft"] or f["notYetDue"] for f in got["findings"])
    assert [(p["policy"], p["obligations"]) for p in got["policies"]] == [
        ("ezhou-2015", 0), ("hohhot-2017", 6), ("linkou-2017", 8), ("luoyang-2010", 3),
        ("xiaoxian-2023", 1),
    ]  # fmt: skip
    assert {p["policy"]: p["status"] for p in got["policies"]}["xiaoxian-2023"] == (
        "draft_for_comment"
    )
    assert got["regionsWithoutPolicy"] == [
        {"division": "linkou-mudanjiang", "name": "牡丹江市", "institutions": 3},
        {"division": "wuxi-city", "name": "无锡市", "institutions": 7},
        {"division": "xiaoxian-bengbu", "name": "蚌埠市", "institutions": 1},
    ]


def test_unaffiliated_filters(api: Api, store: Store) -> None:
    q = """query($level: Level) { unaffiliated(level: $level) { reason institution { id } } }"""
    got = api.data(q, {"level": "SECONDARY"})["unaffiliated"]
    expected = store.run(UNAFFILIATED, level=Level.SECONDARY)
    assert [g["institution"]["id"] for g in got] == [u.institution.id for u in expected]


def test_unaffiliated_says_how_many_it_could_not_judge(api: Api) -> None:
    got = api.data("""{ unaffiliated(on: "2026-01-01") { reason }
      unaffiliatedNotJudged(on: "2026-01-01") { ownershipUnknown noObligation howToList } }""")
    assert got["unaffiliated"] == []
    assert got["unaffiliatedNotJudged"] == {
        "ownershipUnknown": 0, "noObligation": 51,
        "howToList": "unaffiliated(includeUnknown: true)",
    }  # fmt: skip


def test_referral_kpis_for_a_period(api: Api, store: Store) -> None:
    got = api.data("""{ referralKpis(period: "2024") { period previous
      regions { policy figures { metric status source } } } }""")["referralKpis"]
    report = store.run(REFERRAL_KPIS, period="2024")
    assert (got["period"], got["previous"]) == (report.period, report.previous)
    assert [r["policy"] for r in got["regions"]] == [r.policy for r in report.regions]


def gridded() -> Dataset:
    t = "test data"
    county = Division(id="g-county", name="某县", level=DivisionLevel.COUNTY, assumption=t)
    grids = tuple(Grid(id=f"g-{k}", name=f"{k}号网格", division="g-county", assumption=t)
                  for k in range(3))  # fmt: skip
    alliances = tuple(
        Alliance(id=f"g-a{k}", name=f"医共体{k}", kind=AllianceKind.COUNTY_COMMUNITY,
                 integration=Integration.TIGHT, assumption=t)
        for k in range(2)
    )  # fmt: skip
    services = (
        Service(alliance="g-a0", grid="g-1", assumption=t),
        Service(alliance="g-a0", grid="g-2", assumption=t),
        Service(alliance="g-a1", grid="g-2", assumption=t),
    )
    return Dataset(id="g", divisions=(county,), grids=grids, alliances=alliances,
                   services=services)  # fmt: skip


def test_grid_coverage_statuses_and_area_summary() -> None:
    for api in make_api(MemoryStore(gridded())):
        got = api.data("""{ gridCoverage { grids { grid { id } status alliances { id } }
          areas { division grids uncovered coveredOnce coveredMore shareCovered } } }""")
    coverage = got["gridCoverage"]
    assert {g["grid"]["id"]: g["status"] for g in coverage["grids"]} == {
        "g-0": "uncovered", "g-1": "covered", "g-2": "overlap"}  # fmt: skip
    assert coverage["areas"] == [{"division": "g-county", "grids": 3, "uncovered": 1,
                                  "coveredOnce": 1, "coveredMore": 1,
                                  "shareCovered": 2 / 3}]  # fmt: skip


def test_boundaries_as_one_feature_collection() -> None:
    from pathlib import Path

    from loaders.folder import load_dataset

    gridded = load_dataset(Path(__file__).parents[1] / "web" / "gridded")
    for api in make_api(MemoryStore(gridded)):
        text = api.data("{ boundaries }")["boundaries"]
        within = api.data('{ boundaries(division: "testgrid-district") }')["boundaries"]
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 6
    assert {f["properties"]["kind"] for f in collection["features"]} == {"grid"}
    assert 0 < len(json.loads(within)["features"]) < 6


def test_no_boundaries_is_null(api: Api) -> None:
    assert api.data("{ boundaries }") == {"boundaries": None}

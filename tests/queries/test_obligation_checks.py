"""Structural obligations on both stores: each rule broken by one change to a compliant network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from graphmodel.dataset import Dataset
from graphmodel.findings import Finding, FindingSeverity
from graphmodel.obligations import CATALOGUE
from graphmodel.store import Store
from queries.obligation_checks import OBLIGATION_CHECKS
from tests.queries.reports_data import ON, Build, compliant, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def checks(store: Store, on: date = ON) -> list[Finding]:
    found: list[Finding] = store.run(OBLIGATION_CHECKS, on=on)
    return found


def lead_not_county_level(b: Build) -> Build:
    return b.alliance("cc2", "county_community").member("district-hosp", "cc2", "lead")


def hub_not_township(b: Build) -> Build:
    b.institution("hosp-t2", "secondary", "general", "t2")
    return b.member("hosp-t2", "cc", "hub")


def base_not_village(b: Build) -> Build:
    b.institution("thc3", "primary", "township_centre", "t2").member("thc3", "cc", "base")
    return b.pair("cc", "county-hosp", "thc3")


def urban_group_led_by_primary(b: Build) -> Build:
    return b.alliance("ug2", "urban_group").member("chc", "ug2", "lead")


def urban_group_led_by_secondary(b: Build) -> Build:
    return b.alliance("ug2", "urban_group").member("district-hosp", "ug2", "lead")


def alliance_without_lead(b: Build) -> Build:
    return b.alliance("leaderless", "specialty").member("chc", "leaderless")


def county_hospital_leading_no_community(b: Build) -> Build:
    b.institution("county-hosp2", "secondary", "general", "county")
    b.member("county-hosp2", "ur").pair("ur", "city-hosp", "county-hosp2")
    return b.alliance("spec2", "specialty").member("county-hosp2", "spec2", "lead")


def county_hospital_leading_no_specialty_alliance(b: Build) -> Build:
    b.without("alliances", lambda a: a.id != "spec")
    return b.without("memberships", lambda m: m.alliance != "spec")


def county_hospital_without_tertiary_partner(b: Build) -> Build:
    return b.without("pairings", lambda p: p.alliance != "ur")


def township_without_partner(b: Build) -> Build:
    return b.without("pairings", lambda p: p.lower != "thc2")


def telemedicine_reaching_no_township(b: Build) -> Build:
    return b.without("memberships", lambda m: (m.institution, m.alliance) != ("thc1", "tele"))


BROKEN = [
    (lead_not_county_level, "county_community.lead", "cc2"),
    (hub_not_township, "county_community.hub", "cc"),
    (base_not_village, "county_community.base", "cc"),
    (urban_group_led_by_primary, "urban_group.lead_level", "ug2"),
    (urban_group_led_by_secondary, "urban_group.lead_not_tertiary", "ug2"),
    (alliance_without_lead, "alliance.lead_missing", "leaderless"),
    (county_hospital_leading_no_community, "county_hospital.leads_community", "county-hosp2"),
    (county_hospital_leading_no_specialty_alliance, "county_hospital.specialty_alliance",
     "county-hosp"),
    (county_hospital_without_tertiary_partner, "county_hospital.tertiary_partner", "county-hosp"),
    (township_without_partner, "primary.secondary_partner", "thc2"),
    (telemedicine_reaching_no_township, "telemedicine.township_reach", "county"),
]  # fmt: skip


def test_a_compliant_network_has_no_findings(make_store: MakeStore) -> None:
    assert checks(make_store(compliant().dataset())) == []


@pytest.mark.parametrize(("change", "rule", "subject"), BROKEN, ids=[rule for _, rule, _ in BROKEN])
def test_each_rule_finds_exactly_the_change_that_breaks_it(
    make_store: MakeStore, change: Callable[[Build], Build], rule: str, subject: str
) -> None:
    [f] = checks(make_store(change(compliant()).dataset()))
    assert (f.rule, f.subject) == (rule, subject)
    assert (f.severity, f.source) == (CATALOGUE[rule].severity, CATALOGUE[rule].source)
    assert f.message_zh and f.message_en


def test_every_structural_rule_of_the_catalogue_is_tested() -> None:
    structural = {r for r in CATALOGUE if r.split(".")[0] in
                  {"county_community", "urban_group", "alliance", "county_hospital",
                   "primary", "telemedicine"}}  # fmt: skip
    assert structural == {rule for _, rule, _ in BROKEN}


def test_a_secondary_lead_of_an_urban_group_is_only_info(make_store: MakeStore) -> None:
    [f] = checks(make_store(urban_group_led_by_secondary(compliant()).dataset()))
    assert f.severity is FindingSeverity.INFO


def test_telemedicine_reaching_exactly_half_the_townships_passes(make_store: MakeStore) -> None:
    b = compliant().division("t3", "township", "county").division("t4", "township", "county")
    b.institution("thc4", "primary", "township_centre", "t4").member("thc4", "tele")
    b.pair("cc", "county-hosp", "thc4").member("thc4", "cc", "hub")
    assert checks(make_store(b.dataset())) == []  # t1 and t4 of four: 50%
    [f] = checks(make_store(b.without("memberships", lambda m: m.institution != "thc4").dataset()))
    assert "1 of 4 townships (25%)" in f.message_en


def test_pairings_and_leads_count_only_while_they_hold(make_store: MakeStore) -> None:
    b = compliant().without("pairings", lambda p: p.lower != "thc2")
    b.pair("cc", "county-hosp", "thc2", valid_to=date(2020, 12, 31))
    b.without("memberships", lambda m: m.alliance != "spec")
    b.member("county-hosp", "spec", "lead", valid_from=date(2025, 1, 1))
    store = make_store(b.dataset())
    assert sorted(f.rule for f in checks(store)) == [
        "county_hospital.specialty_alliance", "primary.secondary_partner",
    ]  # fmt: skip
    assert [f.rule for f in checks(store, on=date(2020, 6, 1))] == [
        "county_hospital.specialty_alliance"
    ]


def test_samples_findings(store: Store) -> None:
    found = checks(store, on=date(2026, 1, 1))
    by_rule: dict[str, list[str]] = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f.subject)
    assert by_rule["county_hospital.leads_community"] == ["linkou-county-people"]
    assert by_rule["county_hospital.specialty_alliance"] == [
        "linkou-county-mch", "linkou-county-people", "linkou-county-tcm",
        "xiaoxian-county-people", "xiaoxian-county-tcm",
    ]  # fmt: skip
    assert by_rule["telemedicine.township_reach"] == ["linkou-county", "xiaoxian-county"]
    assert len(by_rule["primary.secondary_partner"]) == 31 + 2
    assert [s for s in by_rule["primary.secondary_partner"] if not s.startswith("ezhou-")] == [
        "xiaoxian-baitu-central-thc", "xiaoxian-datun-central-thc",
    ]  # fmt: skip
    # 004 2 pairs both county hospitals with 蚌埠医学院附属医院.
    assert "county_hospital.tertiary_partner" not in by_rule
    # The check counts only divisions of level county as county-level, so the placeholder
    # communities of 呼和浩特's four city districts (区, level district) are flagged.
    assert by_rule["county_community.lead"] == [
        "hohhot-huimin-community", "hohhot-saihan-community", "hohhot-xincheng-community",
        "hohhot-yuquan-community",
    ]  # fmt: skip
    assert len(found) == 45

"""Structural obligations on both stores: each check broken by one change to a compliant
network under a policy calling every check; and where and when a policy's rules bind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from graphmodel.checks import CHECKS
from graphmodel.dataset import Dataset
from graphmodel.findings import Finding, FindingSeverity
from graphmodel.policy import Policy
from graphmodel.store import Store
from queries._examples import every_check
from queries.obligation_checks import OBLIGATION_CHECKS
from tests.queries.reports_data import ON, POLICY, Build, compliant, obliged, store_fixture

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
    assert checks(make_store(obliged().dataset())) == []


@pytest.mark.parametrize(("change", "rule", "subject"), BROKEN, ids=[rule for _, rule, _ in BROKEN])
def test_each_rule_finds_exactly_the_change_that_breaks_it(
    make_store: MakeStore, change: Callable[[Build], Build], rule: str, subject: str
) -> None:
    [f] = checks(make_store(change(obliged()).dataset()))
    assert (f.rule, f.subject) == (rule, subject)
    assert (f.policy, f.policy_rule, f.source) == (POLICY, f"{POLICY}-{rule}", f"{POLICY} {rule}")
    expected = "info" if rule == "urban_group.lead_not_tertiary" else "warning"
    assert f.severity.value == expected
    assert f.message_zh and f.message_en


def test_every_structural_check_is_tested() -> None:
    structural = {r for r in CHECKS if r.split(".")[0] in
                  {"county_community", "urban_group", "alliance", "county_hospital",
                   "primary", "telemedicine"}}  # fmt: skip
    assert structural == {rule for _, rule, _ in BROKEN}


def test_a_finding_has_its_rules_severity(make_store: MakeStore) -> None:
    b = urban_group_led_by_secondary(compliant())
    severe = {"urban_group.lead_not_tertiary": {"severity": "error"}}
    b.policies.append(every_check(POLICY, "prov", **severe))
    [f] = checks(make_store(b.dataset()))
    assert f.severity is FindingSeverity.ERROR


def every_rule_broken() -> Build:
    b = compliant()
    for change, _, _ in BROKEN:
        if change is not urban_group_led_by_secondary:  # both add `ug2`
            b = change(b)
    return b


def test_no_policy_no_finding(make_store: MakeStore) -> None:
    """A region without policy gets no policy findings, however much it breaks."""
    assert checks(make_store(every_rule_broken().dataset())) == []


def test_a_rule_of_one_region_never_produces_a_finding_in_another(make_store: MakeStore) -> None:
    """The policy of the district binds the district only: nothing in the county is cited
    under it, though the county breaks every rule."""
    b = every_rule_broken()
    b.policies.append(every_check("district-policy", "district"))
    found = checks(make_store(b.dataset()))
    assert {f.policy for f in found} == {"district-policy"}
    assert {(f.rule, f.subject) for f in found} == {
        ("urban_group.lead_level", "ug2"),  # its lead, chc, lies in the district
        ("alliance.lead_missing", "leaderless"),  # chc is its member
        ("county_community.lead", "cc2"),  # led by district-hosp
    }
    b.policies.append(every_check("county-policy", "county"))
    by_policy = {f.subject: f.policy for f in checks(make_store(b.dataset()))}
    assert by_policy["county-hosp"] == "county-policy"
    assert by_policy["county"] == "county-policy"  # telemedicine reach of the county


def test_nothing_is_reported_before_valid_from_or_after_valid_to(make_store: MakeStore) -> None:
    b = every_rule_broken()
    b.policies.append(
        Policy(**vars(every_check(POLICY, "prov", valid_from=date(2017, 1, 1)))
               | {"valid_to": date(2020, 12, 31)})
    )  # fmt: skip
    store = make_store(b.dataset())
    assert checks(store, on=date(2016, 12, 31)) == []
    assert checks(store, on=date(2021, 1, 1)) == []
    assert {f.rule for f in checks(store, on=date(2018, 6, 1))} >= {"county_community.lead"}


def test_before_its_deadline_a_gap_is_info_not_yet_due(make_store: MakeStore) -> None:
    due = {"by": "2025-12-31"}
    b = township_without_partner(compliant())
    b.policies.append(every_check(POLICY, "prov", **{"primary.secondary_partner": due}))
    store = make_store(b.dataset())
    [before] = checks(store, on=ON)
    assert (before.severity, before.not_yet_due) == (FindingSeverity.INFO, True)
    assert before.message_zh.endswith("（期限 2025-12-31，尚未到期）")
    [after] = checks(store, on=date(2026, 1, 1))
    assert (after.severity, after.not_yet_due) == (FindingSeverity.WARNING, False)


def test_a_draft_for_comment_says_so(make_store: MakeStore) -> None:
    b = township_without_partner(compliant())
    b.policies.append(Policy(**vars(every_check(POLICY, "prov")) | {"status": "draft_for_comment"}))
    [f] = checks(make_store(b.dataset()))
    assert f.draft and f.message_zh.endswith("（征求意见稿）")
    assert f.message_en.endswith(" (draft for comment)")


def test_a_rule_s_parameters_and_wording_are_its_own(make_store: MakeStore) -> None:
    own = {"primary.secondary_partner": {"types": ["township_centre"]}}
    b = township_without_partner(compliant())  # thc2 is a central township centre
    b.policies.append(every_check(POLICY, "prov", **own))
    assert checks(make_store(b.dataset())) == []
    b = base_not_village(compliant())  # thc3 a base member; vc1 is one already
    p = every_check(POLICY, "prov", **{"county_community.base": {"types": ["township_centre"]}})
    b.policies.append(p)
    [f] = checks(make_store(b.dataset()))
    assert (f.related, f.message_zh) == (
        ("vc1",),
        "县域医共体 cc联合体 的基础单位 vc1院（村卫生室）不是乡镇卫生院。",
    )
    wording = {"message_zh": "{name}：{member} 不宜作基础单位", "message_en": "{name}"}
    b.policies[-1] = replace(p, rules=tuple(
        replace(r, **wording) if r.params["check"] == "county_community.base" else r
        for r in p.rules
    ))  # fmt: skip
    [f] = checks(make_store(b.dataset()))
    assert f.message_zh == "cc联合体：vc1院 不宜作基础单位"


def test_samples_findings(store: Store) -> None:
    found = checks(store, on=date(2026, 1, 1))
    by_rule: dict[str, list[str]] = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f.subject)
    assert by_rule == {
        "county_hospital.leads_community": ["linkou-county-people"],  # 000 §二(二)1
        "county_hospital.specialty_alliance": [  # 000 §二(二)3
            "linkou-county-mch", "linkou-county-people", "linkou-county-tcm",
        ],
        "telemedicine.township_reach": ["linkou-county"],  # 000 附件2 五
    }  # fmt: skip
    assert {f.policy for f in found} == {"linkou-2017"}


def test_no_ezhou_institution_is_ever_cited_under_a_clause_of_000(store: Store) -> None:
    """000 binds 林口县 only: 003 (鄂州市) states no structural obligation."""
    for on in (date(2018, 1, 1), date(2026, 1, 1)):
        found = checks(store, on=on)
        assert found and all(f.source.startswith("000") for f in found)
        assert not any(f.subject.startswith("ezhou-") for f in found)


def test_samples_before_000_applies_have_no_findings(store: Store) -> None:
    assert checks(store, on=date(2010, 1, 1)) == []

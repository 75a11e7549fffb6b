"""Referral KPIs on both stores: what flows support, what they cannot, and leapfrog flows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError
from graphmodel.kpis import FAIL, INFO, NOT_COMPUTABLE, PASS, Figure, KpiReport
from graphmodel.policy import RuleMatch
from graphmodel.store import Store
from queries.referral_kpis import REFERRAL_KPIS
from stores.neo4j import Neo4jStore
from tests.queries.reports_data import Build, compliant, rule, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]

PREFERENCE = rule("pref", "alliance_preference", "000 §二(四)4", exempt_conditions=["infectious"])
CAPS = (
    rule("cap-sec", "cap", "000 §二(四)4", metric="up_referral_rate",
         applies_to={"level": "secondary"}, max=0.2, by="2020"),
    rule("cap-thc", "cap", "003 §三(五)4", metric="up_referral_rate",
         applies_to={"type": "township_centre", "inpatient_capable": True}, max=0.5),
    rule("growth", "target", "000 附件2 七", metric="down_referral_annual_growth", min=0.1,
         from_levels=["secondary", "tertiary"]),
    rule("in-county", "target", "000 附件2 二", metric="in_county_treatment_rate", min=0.9,
         approximate=True),
    rule("tele", "target", "000 附件2 五", metric="telemedicine_township_coverage", min=0.5),
)  # fmt: skip


def flows(*extra_rules: object, preference: bool = True) -> Build:
    """The compliant network with a county policy and a year of flows (2023 for growth)."""
    b = compliant().division("prov2", "province").division("far-city", "city", "prov2")
    b.institution("far-hosp", "tertiary", "general", "far-city")
    rules = (*CAPS, *([PREFERENCE] if preference else []), *extra_rules)
    b.policy("pol", "county", *rules)  # type: ignore[arg-type]
    b.flow("thc1", "county-hosp", "2024", "up", 10)  # up within the county community
    b.flow("thc1", "city-hosp", "2024-03", "up", 5)  # skips the county level
    b.flow("thc2", "district-hosp", "2024", "up", 3)  # leaves its alliance
    b.flow("thc2", "district-hosp", "2024", "up", 2, "infectious")  # exempt condition
    b.flow("county-hosp", "thc1", "2024", "down", 8).flow("county-hosp", "thc1", "2023", "down", 5)
    return b.flow("county-hosp", "far-hosp", "2024", "up", 1)  # out of province


def report(store: Store, period: str = "2024", **kw: object) -> KpiReport:
    found: KpiReport = store.run(REFERRAL_KPIS, period=period, **kw)
    return found


def figure(figures: tuple[Figure, ...], metric: str) -> Figure:
    return next(f for f in figures if f.metric == metric)


def leaps(r: KpiReport) -> list[tuple[str, str, bool, bool]]:
    return [(x.origin.id, x.target.id, x.skips_level, x.leaves_alliance) for x in r.leapfrogs]


def test_institution_totals_sum_months_into_the_year(make_store: MakeStore) -> None:
    store = make_store(flows().dataset())
    r = report(store)
    thc1 = next(x for x in r.institutions if x.institution.id == "thc1")
    assert (thc1.up_sent, thc1.down_sent, thc1.down_received, thc1.leapfrog) == (15, 0, 8, 5)
    assert figure(thc1.figures, "leapfrog_share_of_up_referrals").value == 5 / 15
    q1 = report(store, "2024-Q1")
    assert [(x.institution.id, x.up_sent) for x in q1.institutions] == [
        ("city-hosp", 0), ("thc1", 5),
    ]  # fmt: skip
    assert q1.previous == "2023-Q1"


def test_referral_rate_caps_are_listed_but_not_computable(make_store: MakeStore) -> None:
    r = report(make_store(flows().dataset()))
    by_id = {x.institution.id: x for x in r.institutions}
    cap = figure(by_id["county-hosp"].figures, "up_referral_rate")
    assert (cap.status, cap.value, cap.limit, cap.bound) == (NOT_COMPUTABLE, None, 0.2, "max")
    assert (cap.rule, cap.source, cap.by) == ("cap-sec", "000 §二(四)4", "2020")
    assert "admissions" in cap.note
    thc_cap = figure(by_id["thc1"].figures, "up_referral_rate")
    assert thc_cap.rule == "cap-thc" and "inpatient_capable" in thc_cap.note
    # thc2 is a central township centre: the general township centres' cap does not apply.
    assert [f.metric for f in by_id["thc2"].figures if f.rule] == []
    # Institutions outside the policy's region get no caps; a receiver only gets no shares.
    assert (by_id["city-hosp"].policy, by_id["city-hosp"].figures) == (None, ())


def test_region_shares_and_down_referral_growth_pass(make_store: MakeStore) -> None:
    [region] = report(make_store(flows().dataset())).regions
    assert (region.policy, region.referrals, region.located) == ("pol", 29, 29)
    assert (region.in_region, region.out_of_city, region.cross_province) == (18, 1, 1)
    assert figure(region.figures, "referral_in_region_share").value == 18 / 29
    growth = figure(region.figures, "down_referral_annual_growth")
    assert (growth.value, growth.status, growth.numerator, growth.denominator) == (0.6, PASS, 8, 5)
    target = figure(region.figures, "in_county_treatment_rate")
    assert (target.status, target.limit) == (NOT_COMPUTABLE, 0.9)
    assert "referral_in_region_share" in target.note and "approximate" in target.note
    assert "telemedicine_township_coverage" not in {f.metric for f in region.figures}


def test_down_referral_growth_fails_or_cannot_be_computed(make_store: MakeStore) -> None:
    b = flows().flow("city-hosp", "county-hosp", "2023", "down", 1)  # not from the region
    b.flow("county-hosp", "vc1", "2023", "down", 3)
    [region] = report(make_store(b.dataset())).regions
    growth = figure(region.figures, "down_referral_annual_growth")
    assert (growth.numerator, growth.denominator, growth.status) == (8, 8, FAIL)
    [region] = report(make_store(flows().dataset()), "2023").regions
    growth = figure(region.figures, "down_referral_annual_growth")
    assert (growth.status, growth.value) == (NOT_COMPUTABLE, None)
    assert "none recorded in 2022" in growth.note


def test_growth_is_info_without_a_target(make_store: MakeStore) -> None:
    b = flows().without("policies", lambda p: False).policy("pol", "county", PREFERENCE)
    [region] = report(make_store(b.dataset())).regions
    assert figure(region.figures, "down_referral_annual_growth").status == INFO


def test_leapfrogs_skip_a_level_or_leave_the_alliance(make_store: MakeStore) -> None:
    r = report(make_store(flows().dataset()))
    assert leaps(r) == [
        ("county-hosp", "far-hosp", False, True),
        ("thc1", "city-hosp", True, False),
        ("thc2", "district-hosp", False, True),
    ]
    assert [x.flow.count for x in r.leapfrogs] == [1, 5, 3]
    assert r.leapfrogs[2].rule == "pref" and r.leapfrogs[2].source == "000 §二(四)4"


@pytest.mark.parametrize(
    ("change", "remaining"),
    [
        (lambda b: b.channel("thc1", "city-hosp", "tele"), ["county-hosp", "thc2"]),
        (lambda b: b.pair("tele", "city-hosp", "thc1"), ["county-hosp", "thc2"]),
        (lambda b: b.channel("thc2", "district-hosp"), ["county-hosp", "thc1"]),
    ],
    ids=["agreed-channel", "direct-pairing", "channel-out-of-alliance"],
)
def test_agreed_channels_and_pairings_are_not_leapfrogs(
    make_store: MakeStore, change: Callable[[Build], Build], remaining: list[str]
) -> None:
    r = report(make_store(change(flows()).dataset()))
    assert [x.origin.id for x in r.leapfrogs] == remaining


def test_policy_level_choice_and_designations_allow_the_jump(make_store: MakeStore) -> None:
    choice = rule("choice", "level_choice", levels=["secondary", "tertiary"],
                  match=RuleMatch())  # fmt: skip
    r = report(make_store(flows(choice).dataset()))
    assert [x.origin.id for x in r.leapfrogs] == ["county-hosp", "thc2"]
    designated = rule("to-district", "designation", designates=["district-hosp"])
    r = report(make_store(flows(designated).dataset()))
    assert [x.origin.id for x in r.leapfrogs] == ["county-hosp", "thc1"]


def test_leaving_the_alliance_counts_only_where_the_policy_prefers_it(
    make_store: MakeStore,
) -> None:
    r = report(make_store(flows(preference=False).dataset()))
    assert leaps(r) == [("thc1", "city-hosp", True, False)]
    bare = flows().without("policies", lambda p: False)
    r = report(make_store(bare.dataset()))
    assert leaps(r) == [("thc1", "city-hosp", True, False)]
    assert (r.leapfrogs[0].policy, r.regions) == (None, ())


def test_division_filter(make_store: MakeStore) -> None:
    r = report(make_store(flows().dataset()), division="t2")
    assert [x.institution.id for x in r.institutions] == ["thc2"]
    assert (leaps(r), r.regions) == ([("thc2", "district-hosp", False, True)], ())


def test_a_bad_period_is_invalid_input(make_store: MakeStore) -> None:
    with pytest.raises(InvalidInputError, match="YYYY, YYYY-Qn or YYYY-MM"):
        report(make_store(flows().dataset()), "2024-13")


def test_samples_record_no_flows_so_every_target_is_listed_not_computable(store: Store) -> None:
    r = report(store)
    assert (r.institutions, r.leapfrogs) == ((), ())
    assert [(x.policy, x.referrals) for x in r.regions] == [
        ("ezhou-2015", 0), ("hohhot-2017", 0), ("linkou-2017", 0), ("luoyang-2010", 0),
        ("xiaoxian-2023", 0),
    ]  # fmt: skip
    linkou = r.regions[2]
    statuses = {f.metric: f.status for f in linkou.figures}
    assert statuses["down_referral_annual_growth"] == NOT_COMPUTABLE
    assert statuses["in_county_treatment_rate"] == NOT_COMPUTABLE
    assert statuses["down_referral_rate_inpatient"] == NOT_COMPUTABLE
    assert figure(r.regions[0].figures, "in_city_treatment_rate").rule == (
        "ezhou-2015-target-in-city-rate"
    )


def test_on_neo4j_the_report_is_four_statements(neo4j_clean: Neo4jStore) -> None:
    neo4j_clean.load(flows().dataset())
    before = neo4j_clean.reader.round_trips
    report(neo4j_clean)
    assert neo4j_clean.reader.round_trips - before == 4


def test_a_policy_applies_only_within_its_period(make_store: MakeStore) -> None:
    from dataclasses import replace
    from datetime import date

    b = flows()
    b.policies[-1] = replace(b.policies[-1], valid_from=date(2020, 1, 1),
                             valid_to=date(2023, 12, 31))  # fmt: skip
    store = make_store(b.dataset())
    assert [r.policy for r in report(store, "2023").regions] == ["pol"]
    assert report(store, "2024").regions == ()
    assert report(store, "2019").regions == ()


def test_an_average_stay_is_counted_in_days() -> None:
    stay = Figure("average_length_of_stay_days", None, limit=9.0, bound="max")
    assert (stay.unit, Figure("up_referral_rate", 0.1).unit) == ("days", "share")

"""Referral routes on both stores: the rules of 003 (Ezhou) and 000 (Linkou), cited per hop.

Each test names the clause it checks, and reads it as strongly as its verb: 可 (may) and
优先 (preferably) name preferred destinations and leave others admissible; 必须 (must)
admits only what it names.
"""

from __future__ import annotations

from typing import Any

import pytest

from graphmodel.enums import Direction, Severity
from graphmodel.errors import InvalidInputError
from graphmodel.routing import Route, RouteRequest
from graphmodel.store import Store
from queries.referral_route import REFERRAL_ROUTE
from stores.neo4j import Neo4jStore

TOWNSHIP = "ezhou-dushan-thc"


def route(store: Store, origin: str, **kw: Any) -> Route:
    result: Route = store.run(REFERRAL_ROUTE, request=RouteRequest(origin=origin, **kw))
    return result


def ids(refs: Any) -> list[str | None]:
    return [r.id for r in refs]


def preferred(r: Route) -> list[str]:
    return [d.id for d in r.destinations if d.preferred]


def admissible(r: Route) -> set[str]:
    return {d.id for d in r.destinations}


@pytest.mark.parametrize(
    ("condition", "severity", "designated"),
    [
        ("tuberculosis", Severity.NORMAL, "ezhou-third-hospital"),
        ("infectious", Severity.NORMAL, "ezhou-third-hospital"),
        ("infectious", Severity.SEVERE, "ezhou-central-hospital"),
        ("hepatitis", Severity.NORMAL, "ezhou-tcm-hospital"),
        ("psychiatric", Severity.SEVERE, "ezhou-mental-health-centre"),
    ],
)
def test_ezhou_designated_destinations(
    store: Store, condition: str, severity: Severity, designated: str
) -> None:
    """003 §三(二)2(2) 可转: the designated hospital is preferred, not the only choice."""
    r = route(store, TOWNSHIP, condition=condition, severity=severity)
    assert r.verdict == "preferred"
    assert preferred(r) == [designated]
    [hop] = r.hops
    assert (hop.to.id, hop.via, hop.rule.modality) == (designated, "designation", "may")
    assert hop.rule.source.startswith("003 §三(二)2(2)")
    # The general rule underneath (003 §三(二)2(1)) stays in force: others stay admissible.
    others = [d for d in r.destinations if not d.preferred]
    assert others and {d.basis.source for d in others} == {"003 §三(二)2(1)"}


def test_ezhou_tuberculosis_patient_may_choose_another_qualifying_hospital(store: Store) -> None:
    """003 §三(二)2(2) 可转入市三医院 + §三(二)2(1): 市中心医院 is admissible, not refused."""
    r = route(store, TOWNSHIP, condition="tuberculosis", destination="ezhou-central-hospital")
    assert r.allowed and r.verdict == "admissible"
    [d] = r.destinations
    assert (d.id, d.preferred, d.basis.modality) == ("ezhou-central-hospital", False, "may")
    assert d.basis.source == "003 §三(二)2(1)"
    chosen = route(store, TOWNSHIP, condition="tuberculosis", destination="ezhou-third-hospital")
    assert chosen.verdict == "preferred"


@pytest.mark.parametrize(
    ("condition", "gateway", "rule"),
    [
        ("general", None, None),
        ("tcm-brain", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("tcm-liver", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("tcm-kidney", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("obstetric", "ezhou-mch-hospital", "ezhou-2015-gateway-mch"),
        ("pediatric", "ezhou-mch-hospital", "ezhou-2015-gateway-mch"),
        ("burn", "ezhou-egang-hospital", "ezhou-2015-gateway-burn"),
        ("psychiatric", "ezhou-mental-health-centre", "ezhou-2015-gateway-psychiatric"),
    ],
)
def test_ezhou_out_of_region_gateway_is_required_and_its_may_go_via_alternatives(
    store: Store, condition: str, gateway: str | None, rule: str | None
) -> None:
    """003 §三(二)2(3): 必须经过市中心医院确认 (must), and the 可经 hospitals (may) beside it."""
    r = route(store, TOWNSHIP, condition=condition, out_of_region=True)
    assert r.verdict == "preferred"
    [hop] = r.hops
    assert (hop.to.id, hop.via, hop.rule.id, hop.rule.modality) == (
        "ezhou-central-hospital", "gateway", "ezhou-2015-gateway-default", "must"
    )  # fmt: skip
    assert hop.rule.source.startswith("003 §三(二)2(3)")
    assert preferred(r) == ["ezhou-central-hospital"]
    # A must admits nothing else but the alternatives its clause names.
    also = [(d.id, d.basis.rule, d.basis.modality) for d in r.destinations if not d.preferred]
    assert also == ([(gateway, rule, "may")] if gateway else [])
    elsewhere = route(store, TOWNSHIP, condition=condition, out_of_region=True,
                      destination="ezhou-second-hospital")  # fmt: skip
    assert elsewhere.verdict == "refused"


def test_ezhou_general_case_names_a_level_and_the_patient_chooses(store: Store) -> None:
    """003 §三(二)2(1) 可以就近转至二级或三级; §三(三)1 the form names a level only."""
    r = route(store, TOWNSHIP, condition="general")
    assert r.allowed
    [hop] = r.hops
    assert hop.to.id is None and hop.rule.source == "003 §三(二)2(1)"
    assert "003 §三(三)1" in r.explanation_zh
    assert {d.level for d in r.destinations} == {"secondary", "tertiary"}
    assert preferred(r), "the nearest come first"
    # 华容区人民医院 accepts referrals only after its secondary review, which it has not passed.
    assert "ezhou-huarong-district-people" not in ids(r.destinations)
    assert "ezhou-second-hospital" in ids(r.destinations)


def test_ezhou_destination_before_review_is_refused_with_alternatives(store: Store) -> None:
    r = route(store, TOWNSHIP, condition="general", destination="ezhou-huarong-district-people")
    assert not r.allowed
    assert r.reason and "华容区人民医院" in r.reason
    assert "ezhou-central-hospital" in ids(r.alternatives)


def test_ezhou_staff_hospital_origin_for_a_non_employee(store: Store) -> None:
    r = route(store, "ezhou-chengchao-staff-hospital", condition="general")
    assert not r.allowed and r.hops == ()
    assert "程潮铁矿" in r.explanation_zh and "003 §三(二)1" in r.explanation_zh
    employee = route(store, "ezhou-chengchao-staff-hospital", condition="general",
                     employer="程潮铁矿")  # fmt: skip
    assert employee.allowed
    # 003 §三(二)2(1): a first-contact institution refers to secondary *or* tertiary.
    assert {d.level for d in employee.destinations} == {"secondary", "tertiary"}
    assert "ezhou-chengchao-staff-hospital" not in admissible(employee)


def test_ezhou_tertiary_first_contact_gets_a_real_answer(store: Store) -> None:
    """003 §三(二)1 鄂钢职工医院…本单位职工的住院首诊; §三(二)2(1) 二级或三级."""
    r = route(store, "ezhou-egang-hospital", condition="general", employer="鄂钢")
    assert r.allowed and r.destinations
    assert {d.level for d in r.destinations} == {"secondary", "tertiary"}
    assert "ezhou-egang-hospital" not in admissible(r)
    psych = route(store, "ezhou-mental-health-centre", condition="psychiatric")
    assert psych.allowed and psych.destinations  # 003 附件2: 同时负责精神病人首诊


def test_ezhou_emergency_goes_to_the_nearest_suitable_institution(store: Store) -> None:
    """003 §三(三)2(1) 按照“就近就医”的原则，可自主选择定点医疗机构."""
    r = route(store, TOWNSHIP, condition="general", flags=frozenset({"emergency"}))
    assert r.verdict == "preferred"
    assert [h.via for h in r.hops] == ["exemption"]
    assert r.hops[0].rule.source == "003 §三(三)2(1)"
    assert "就近" in r.explanation_zh and "nearest" in r.explanation_en
    assert r.destinations and all(d.level in {"secondary", "tertiary"} for d in r.destinations)
    assert preferred(r)


@pytest.mark.parametrize(
    ("flags", "exempt"),
    [
        (frozenset({"travelling"}), False),
        (frozenset({"travelling", "emergency"}), True),
        (frozenset({"travelling", "critical"}), True),
    ],
)
def test_ezhou_travellers_are_exempt_only_when_suddenly_acutely_ill(
    store: Store, flags: frozenset[str], exempt: bool
) -> None:
    """003 §三(三)2(3) 出差、旅游、探亲途中突发急、危、重症: travelling alone is no exemption."""
    r = route(store, TOWNSHIP, condition="general", flags=flags)
    assert (r.hops[0].via == "exemption") is exempt
    if exempt and "travelling" in flags and "emergency" not in flags:
        assert r.hops[0].rule.id == "ezhou-2015-exemption-away-emergency"


def test_ezhou_readmission_returns_to_the_treating_institution(store: Store) -> None:
    """003 §三(三)2(2) 可直接选择原就治的定点医疗机构 (may: the usual route stays open)."""
    r = route(store, TOWNSHIP, condition="general", readmission_of="ezhou-egang-hospital")
    assert preferred(r) == ["ezhou-egang-hospital"]
    assert r.hops[0].rule.source == "003 §三(三)2(2)"
    assert "ezhou-central-hospital" in admissible(r)


def test_ezhou_down_referral_without_pairings_goes_to_the_next_lower_level(store: Store) -> None:
    """003 §三(二)2(4) 应及时转至辖区内的下一级医疗机构 (must), no pairings in 003."""
    r = route(store, "ezhou-central-hospital", condition="general", direction=Direction.DOWN,
              phase="recovery")  # fmt: skip
    assert r.allowed and r.destinations
    assert {d.level for d in r.destinations} == {"secondary"}
    assert {d.basis.rule for d in r.destinations} == {"ezhou-2015-down-referral"}
    assert r.hops[0].rule.modality == "must"
    # Two levels down is not the next lower level: refused under a must.
    primary = route(store, "ezhou-central-hospital", condition="general",
                    direction=Direction.DOWN, phase="recovery", destination=TOWNSHIP)  # fmt: skip
    assert primary.verdict == "refused"
    # A phase the clause does not name is no down-referral case.
    other = route(store, "ezhou-central-hospital", condition="general",
                  direction=Direction.DOWN, phase="late_cancer")  # fmt: skip
    assert other.verdict == "refused" and other.reason


def test_unknown_condition_lists_the_regions_categories(store: Store) -> None:
    with pytest.raises(InvalidInputError, match="tcm-kidney") as caught:
        route(store, TOWNSHIP, condition="cancer")
    assert "cancer" in str(caught.value)


def test_linkou_general_upward_route_prefers_the_alliance(store: Store) -> None:
    """000 §二(四)4 应优先转往本机构所在医联体内的上级医院 (prefer)."""
    r = route(store, "linkou-diaoling-central-thc", condition="general")
    assert r.verdict == "preferred"
    assert preferred(r) == ["linkou-county-people"]
    assert [(h.source.id, h.to.id) for h in r.hops] == [
        ("linkou-diaoling-central-thc", "linkou-county-people"),
        ("linkou-county-people", "linkou-mdj-first-people"),
    ]
    assert all(h.alliance and h.alliance.id == "linkou-ur-mdj-first" for h in r.hops)
    assert r.hops[0].rule.source == "000 §二(四)4"


def test_linkou_leaving_the_alliance_is_admissible_not_preferred(store: Store) -> None:
    """000 §二(四)3 在尊重患者意愿的前提下…优先; §二(四)4 应优先: another choice stays open."""
    r = route(store, "linkou-diaoling-central-thc", condition="general",
              destination="linkou-mdj-tcm")  # fmt: skip
    assert r.allowed and r.verdict == "admissible"
    [d] = r.destinations
    assert (d.preferred, d.basis.modality) == (False, "prefer")


def test_linkou_destination_up_the_chain_is_reached_through_it(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="general",
              destination="linkou-mdj-first-people")  # fmt: skip
    assert r.allowed and r.verdict == "admissible"
    assert [h.to.id for h in r.hops] == ["linkou-county-people", "linkou-mdj-first-people"]


def test_linkou_cardiovascular_case_may_leave_the_alliance(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="cardiovascular")
    assert r.allowed
    assert {"linkou-county-people", "linkou-mdj-tcm", "linkou-mdj-first-people"} <= set(
        ids(r.destinations)
    )
    outside = route(store, "linkou-diaoling-central-thc", condition="cardiovascular",
                    destination="linkou-county-tcm")  # fmt: skip
    assert outside.allowed
    assert outside.destinations[0].basis.rule == "linkou-2017-alliance-preference"


def test_linkou_emergency_may_go_directly_to_a_higher_institution(store: Store) -> None:
    """000 §二(四)6 可直接转诊治疗或就近治疗: the hospital the patient is taken to is admitted."""
    r = route(store, "linkou-diaoling-central-thc", condition="general",
              flags=frozenset({"emergency"}), destination="linkou-mdj-tcm")  # fmt: skip
    assert r.allowed
    assert r.destinations[0].basis.rule == "linkou-2017-exemption-emergency"


@pytest.mark.parametrize(
    ("flags", "exempt"),
    [
        (frozenset({"mass_casualty"}), False),
        (frozenset({"mass_casualty", "beyond_capacity"}), True),
        (frozenset({"ambulance_120"}), True),
    ],
)
def test_linkou_mass_casualty_needs_the_event_to_exceed_capacity(
    store: Store, flags: frozenset[str], exempt: bool
) -> None:
    """000 §二(四)6 …群体性事故超出医疗机构处理能力的患者: conditions combine."""
    r = route(store, "linkou-diaoling-central-thc", condition="general", flags=flags)
    assert (r.hops[0].via == "exemption") is exempt


def test_linkou_township_in_two_chains_has_a_route_in_each(store: Store) -> None:
    r = route(store, "linkou-kuishan-thc", condition="general")
    assert preferred(r) == ["linkou-county-mch", "linkou-county-tcm"]
    assert {h.alliance.id for h in r.hops if h.alliance} == {
        "linkou-ur-mdj-tcm", "linkou-ur-mdj-women-children"
    }  # fmt: skip


def test_linkou_down_referral_prefers_the_lower_counterparts(store: Store) -> None:
    """000 §二(一)4 + §二(四)1 必须 (primary level), §二(四)3 优先 the counterparts."""
    r = route(store, "linkou-county-people", condition="general", direction=Direction.DOWN,
              phase="chronic_stable")  # fmt: skip
    assert len(preferred(r)) == 7
    assert all(d.level == "primary" for d in r.destinations)
    assert {d.basis.rule for d in r.destinations if d.preferred} == {
        "linkou-2017-channel-counterpart"
    }
    others = {d.basis.rule for d in r.destinations if not d.preferred}
    assert others == {"linkou-2017-down-primary"}


def test_wuxi_community_centre_uses_the_agreed_green_channel(store: Store) -> None:
    r = route(store, "wuxi-jianghai-chc", condition="general")
    assert preferred(r) == ["wuxi-second-people"]
    assert r.hops[0].via == "channel" and "2.3.2" in r.hops[0].rule.source


def test_routes_are_at_most_six_hops(store: Store) -> None:
    for origin in ("linkou-kuishan-thc", "linkou-diaoling-central-thc", TOWNSHIP):
        assert len(route(store, origin, condition="general").hops) <= 6


def test_ezhou_route_says_what_the_patient_pays(store: Store) -> None:
    """003 附件4 (deductible by level), 附件4 注 (halved), §三(四)4 (50 % off the route)."""
    r = route(store, TOWNSHIP, condition="tuberculosis")
    rules = {c.rule: c for c in r.consequences}
    deductible = rules["ezhou-2015-consequence-deductible-by-level"]
    assert "500" in deductible.message_zh and "100" in deductible.message_zh
    assert deductible.applies == "on_route" and deductible.source == "003 附件4"
    assert rules["ezhou-2015-consequence-unreferred"].applies == "off_route"
    assert "50%" in rules["ezhou-2015-consequence-unreferred"].message_zh
    assert "ezhou-2015-consequence-deductible-second-admission" in rules
    down = route(store, "ezhou-central-hospital", condition="general",
                 direction=Direction.DOWN, phase="recovery")  # fmt: skip
    assert "ezhou-2015-consequence-deductible-waived-down" in {c.rule for c in down.consequences}
    out = route(store, TOWNSHIP, condition="general", out_of_region=True)
    assert "ezhou-2015-consequence-out-of-city-self-pay" in {c.rule for c in out.consequences}


def test_linkou_route_consequences(store: Store) -> None:
    """000 §二(五)3 可以连续计算起付线; §二(三)3 签约居民…免除挂号费."""
    r = route(store, "linkou-diaoling-central-thc", condition="general")
    c = {x.rule: x for x in r.consequences}
    assert c["linkou-2017-consequence-deductible-continuous"].modality == "may"
    assert not c["linkou-2017-consequence-registration-fee"].holds
    signed = route(store, "linkou-diaoling-central-thc", condition="general",
                   flags=frozenset({"signed_resident"}))  # fmt: skip
    assert {x.rule: x.holds for x in signed.consequences}[
        "linkou-2017-consequence-registration-fee"
    ]


def test_never_allowed_without_a_destination(store: Store) -> None:
    """A route that admits nothing is refused, with its reason."""
    for origin in ("ezhou-central-hospital", "linkou-mdj-first-people", TOWNSHIP):
        for kw in ({}, {"direction": Direction.DOWN}, {"out_of_region": True}):
            r = route(store, origin, condition="general", **kw)
            assert r.allowed == bool(r.destinations)
            if not r.allowed:
                assert r.reason


def test_chinese_explanations_carry_no_ascii_identifiers(store: Store) -> None:
    """Chinese sentences name conditions, flags and levels in Chinese (no enum ids)."""
    import re

    cases = [
        dict(origin=TOWNSHIP, condition="tcm-brain", out_of_region=True),
        dict(origin=TOWNSHIP, condition="general", flags=frozenset({"emergency"})),
        dict(origin=TOWNSHIP, condition="tuberculosis"),
        dict(origin="ezhou-chengchao-staff-hospital", condition="general"),
        dict(origin="ezhou-central-hospital", condition="general", direction=Direction.DOWN),
        dict(origin="linkou-diaoling-central-thc", condition="cardiovascular"),
        dict(origin="linkou-diaoling-central-thc", condition="general",
             flags=frozenset({"mass_casualty", "beyond_capacity"})),
    ]  # fmt: skip
    for kw in cases:
        r = store.run(REFERRAL_ROUTE, request=RouteRequest(**kw))
        texts = [r.explanation_zh] + [c.message_zh for c in r.consequences]
        for text in texts:
            assert not re.search(r"[A-Za-z]{2,}", text), (kw, text)


def test_a_route_is_one_round_trip_on_neo4j(neo4j_samples: Neo4jStore) -> None:
    before = neo4j_samples.reader.round_trips
    route(neo4j_samples, "linkou-kuishan-thc", condition="general", destination="linkou-mdj-tcm")
    assert neo4j_samples.reader.round_trips - before == 1


def test_no_chinese_route_sentence_on_any_sample_carries_an_ascii_identifier(
    memory_store: Store, samples: Any
) -> None:
    """Every origin of every sample, up, down, out of region and in an emergency."""
    import re

    kinds: list[dict[str, Any]] = [
        {}, {"direction": Direction.DOWN}, {"direction": Direction.DOWN, "phase": "recovery"},
        {"out_of_region": True}, {"flags": frozenset({"emergency", "signed_resident"})},
    ]  # fmt: skip
    for i in samples.institutions:
        for kw in kinds:
            r = route(memory_store, i.id, condition="general", **kw)
            assert r.allowed == bool(r.destinations)
            for text in [r.explanation_zh, *(c.message_zh for c in r.consequences)]:
                assert not re.search(r"[A-Za-z]{2,}", text), (i.id, kw, text)


@pytest.mark.parametrize("kind", ["memory", "neo4j"])
def test_a_policy_binds_routes_only_within_its_period(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """A rule binds only when its document does: after valid_to the region has no policy."""
    import dataclasses
    from datetime import date

    from loaders.samples import load_sample
    from stores.memory import MemoryStore

    linkou = load_sample("linkou")
    ended = dataclasses.replace(
        linkou, policies=tuple(dataclasses.replace(p, valid_to=date(2019, 12, 31))
                               for p in linkou.policies),
    )  # fmt: skip
    if kind == "memory":
        store: Store = MemoryStore(ended)
    else:
        store = request.getfixturevalue("neo4j_clean")
        store.load(ended)
    origin = "linkou-diaoling-central-thc"
    assert route(store, origin, on=date(2018, 6, 1)).policy == "linkou-2017"
    assert route(store, origin, on=date(2026, 1, 1)).policy is None
    assert route(store, origin, on=date(2016, 6, 1)).policy is None  # before valid_from


@pytest.mark.parametrize("given", [["unrated", "primary"], ["primary", "unrated"]])
def test_levels_of_one_rank_are_named_in_one_order_whatever_the_set_gave(given: list[str]) -> None:
    # Routes sort the levels they name from a set, whose order of strings changes with
    # PYTHONHASHSEED: "一级或未定级" must not become "未定级或一级" in another process.
    from graphmodel.routing import _level_rank

    assert sorted([*given, "tertiary", "secondary"], key=_level_rank) == [
        "primary",
        "unrated",
        "secondary",
        "tertiary",
    ]


def test_links_sort_by_their_ends_and_then_by_the_facts_key() -> None:
    from datetime import date

    from graphmodel.counterpart import Pairing
    from graphmodel.routing import Link
    from queries.referral_route import _link_key, _sorted_links

    def link(lower: str, upper: str, start: int) -> Link:
        p = Pairing(alliance="a", upper=upper, lower=lower, valid_from=date(start, 1, 1))
        return Link(lower, upper, None, pairing=p)

    distinct = [link("o", "c", 2020), link("b", "z", 2019), link("o", "b", 2021)]
    same_ends = [link("o", "c", 2021), link("o", "b", 2022), link("o", "c", 2019)]
    for links in (distinct, same_ends):
        assert list(_sorted_links(links)) == sorted(links, key=_link_key)
    starts = [x.pairing.valid_from for x in _sorted_links(same_ends) if x.pairing]
    assert [d.year for d in starts if d] == [2022, 2019, 2021]

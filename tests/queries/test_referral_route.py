"""Referral routes on both stores: the rules of 003 (Ezhou) and 000 (Linkou), cited per hop."""

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
    r = route(store, TOWNSHIP, condition=condition, severity=severity)
    assert r.allowed
    assert ids(r.destinations) == [designated]
    [hop] = r.hops
    assert (hop.to.id, hop.via) == (designated, "designation")
    assert hop.rule.source.startswith("003 §三(二)2(2)")


@pytest.mark.parametrize(
    ("condition", "gateway", "rule"),
    [
        ("general", "ezhou-central-hospital", "ezhou-2015-gateway-default"),
        ("tcm-brain", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("tcm-liver", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("tcm-kidney", "ezhou-tcm-hospital", "ezhou-2015-gateway-tcm"),
        ("obstetric", "ezhou-mch-hospital", "ezhou-2015-gateway-mch"),
        ("pediatric", "ezhou-mch-hospital", "ezhou-2015-gateway-mch"),
        ("burn", "ezhou-egang-hospital", "ezhou-2015-gateway-burn"),
        ("psychiatric", "ezhou-mental-health-centre", "ezhou-2015-gateway-psychiatric"),
    ],
)
def test_ezhou_out_of_region_gateway_and_its_exceptions(
    store: Store, condition: str, gateway: str, rule: str
) -> None:
    r = route(store, TOWNSHIP, condition=condition, out_of_region=True)
    assert r.allowed and ids(r.destinations) == [gateway]
    assert [(h.to.id, h.via, h.rule.id) for h in r.hops] == [(gateway, "gateway", rule)]
    assert r.hops[0].rule.source.startswith("003 §三(二)2(3)")


def test_ezhou_general_case_names_a_level_and_the_patient_chooses(store: Store) -> None:
    r = route(store, TOWNSHIP, condition="general")
    assert r.allowed
    [hop] = r.hops
    assert hop.to.id is None and hop.rule.source == "003 §三(三)1"
    assert {d.level for d in r.destinations} == {"secondary", "tertiary"}
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
    assert {d.level for d in employee.destinations} == {"tertiary"}


def test_ezhou_emergency_goes_to_the_nearest_suitable_institution(store: Store) -> None:
    r = route(store, TOWNSHIP, condition="general", flags=frozenset({"emergency"}))
    assert r.allowed
    assert [h.via for h in r.hops] == ["exemption"]
    assert r.hops[0].rule.source == "003 §三(三)2(1)"
    assert "就近" in r.explanation_zh and "nearest" in r.explanation_en
    assert r.destinations and all(d.level in {"secondary", "tertiary"} for d in r.destinations)


def test_ezhou_readmission_returns_to_the_treating_institution(store: Store) -> None:
    r = route(store, TOWNSHIP, condition="general", readmission_of="ezhou-egang-hospital")
    assert ids(r.destinations) == ["ezhou-egang-hospital"]
    assert r.hops[0].rule.source == "003 §三(三)2(2)"


def test_unknown_condition_lists_the_regions_categories(store: Store) -> None:
    with pytest.raises(InvalidInputError, match="tcm-kidney") as caught:
        route(store, TOWNSHIP, condition="cancer")
    assert "cancer" in str(caught.value)


def test_linkou_general_upward_route_stays_inside_the_alliance(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="general")
    assert r.allowed
    assert ids(r.destinations) == ["linkou-county-people"]
    assert [(h.source.id, h.to.id) for h in r.hops] == [
        ("linkou-diaoling-central-thc", "linkou-county-people"),
        ("linkou-county-people", "linkou-mdj-first-people"),
    ]
    assert all(h.alliance and h.alliance.id == "linkou-ur-mdj-first" for h in r.hops)
    assert r.hops[0].rule.source == "000 §二(四)4"


def test_linkou_leaving_the_alliance_is_refused_for_a_general_case(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="general",
              destination="linkou-mdj-tcm")  # fmt: skip
    assert not r.allowed
    assert ids(r.alternatives) == ["linkou-county-people"]


def test_linkou_destination_up_the_chain_is_reached_through_it(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="general",
              destination="linkou-mdj-first-people")  # fmt: skip
    assert r.allowed
    assert [h.to.id for h in r.hops] == ["linkou-county-people", "linkou-mdj-first-people"]


def test_linkou_cardiovascular_case_may_leave_the_alliance(store: Store) -> None:
    r = route(store, "linkou-diaoling-central-thc", condition="cardiovascular")
    assert r.allowed
    assert {"linkou-county-people", "linkou-mdj-tcm", "linkou-mdj-first-people"} <= set(
        ids(r.destinations)
    )
    assert r.hops[0].rule.id == "linkou-2017-alliance-preference"
    outside = route(store, "linkou-diaoling-central-thc", condition="cardiovascular",
                    destination="linkou-county-tcm")  # fmt: skip
    assert outside.allowed


def test_linkou_township_in_two_chains_has_a_route_in_each(store: Store) -> None:
    r = route(store, "linkou-kuishan-thc", condition="general")
    assert ids(r.destinations) == ["linkou-county-mch", "linkou-county-tcm"]
    assert {h.alliance.id for h in r.hops if h.alliance} == {
        "linkou-ur-mdj-tcm", "linkou-ur-mdj-women-children"
    }  # fmt: skip


def test_linkou_down_referral_returns_to_the_lower_counterparts(store: Store) -> None:
    r = route(store, "linkou-county-people", condition="general", direction=Direction.DOWN)
    assert len(r.destinations) == 7
    assert all(d.level == "primary" for d in r.destinations)


def test_wuxi_community_centre_uses_the_agreed_green_channel(store: Store) -> None:
    r = route(store, "wuxi-jianghai-chc", condition="general")
    assert ids(r.destinations) == ["wuxi-second-people"]
    assert r.hops[0].via == "channel" and "2.3.2" in r.hops[0].rule.source


def test_routes_are_at_most_six_hops(store: Store) -> None:
    for origin in ("linkou-kuishan-thc", "linkou-diaoling-central-thc", TOWNSHIP):
        assert len(route(store, origin, condition="general").hops) <= 6


def test_a_route_is_one_round_trip_on_neo4j(neo4j_samples: Neo4jStore) -> None:
    before = neo4j_samples.reader.round_trips
    route(neo4j_samples, "linkou-kuishan-thc", condition="general", destination="linkou-mdj-tcm")
    assert neo4j_samples.reader.round_trips - before == 1

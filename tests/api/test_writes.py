"""Writes on Neo4j: validated as the loaders validate, one transaction, idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loaders.samples import load_sample
from stores.neo4j import Neo4jStore
from tests.api.conftest import EDITOR, Api, make_api


@pytest.fixture
def api(neo4j_clean: Neo4jStore) -> Iterator[Api]:
    neo4j_clean.load(load_sample("wuxi"))
    yield from make_api(neo4j_clean)


def twice(api: Api, query: str, variables: dict[str, Any]) -> Any:
    """Run a write, then retry it as a client would: both succeed, counts are unchanged."""
    first = api.data(query, variables, token=EDITOR)
    after_first = api.store.stats()
    assert api.data(query, variables, token=EDITOR) == first
    assert api.store.stats() == after_first
    return first


REGISTER = """mutation($i: InstitutionInput!) { registerInstitution(input: $i) {
  id name level division { code } } }"""
NEW = {"id": "wuxi-new-centre", "name": "新社区卫生服务中心", "level": "PRIMARY",
       "type": "COMMUNITY_CENTRE", "ownership": "PUBLIC", "division": "wuxi-chongan",
       "assumption": "test data"}  # fmt: skip


def test_register_institution_then_update_it(api: Api) -> None:
    before = api.store.stats()["Institution"]
    made = twice(api, REGISTER, {"i": NEW})["registerInstitution"]
    assert made == {"id": "wuxi-new-centre", "name": "新社区卫生服务中心", "level": "PRIMARY",
                    "division": {"code": "wuxi-chongan"}}  # fmt: skip
    assert api.store.stats()["Institution"] == before + 1
    renamed = api.data(REGISTER, {"i": {**NEW, "name": "改名中心"}}, token=EDITOR)
    assert renamed["registerInstitution"]["name"] == "改名中心"
    assert api.store.stats()["Institution"] == before + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"division": "nowhere"}, "division"),
        ({"id": "Not A Slug"}, "id"),
        ({"uscc": "91110000600037341X"}, "uscc"),
        ({"assumption": None}, "source"),
    ],
)
def test_register_institution_validation(api: Api, change: dict[str, Any], field: str) -> None:
    before = api.store.stats()
    body = api.post(REGISTER, {"i": {**NEW, **change}}, token=EDITOR).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert field in {p["field"] for p in error["extensions"].get("problems", [])} | {
        field if field in error["message"] else ""
    }
    assert api.store.stats() == before


START = """mutation($i: MembershipInput!) { startMembership(input: $i) {
  role validFrom validTo alliance { id } } }"""
END = """mutation($on: Date!) { endMembership(institution: "wuxi-jianghai-chc",
  alliance: "wuxi-second-people-alliance", role: MEMBER, validTo: $on) { validTo } }"""


def test_start_and_end_membership_keep_history(api: Api) -> None:
    api.data(REGISTER, {"i": NEW}, token=EDITOR)
    started = twice(api, START, {"i": {"institution": "wuxi-new-centre",
                                       "alliance": "wuxi-second-people-alliance",
                                       "role": "MEMBER", "validFrom": "2024-01-01",
                                       "assumption": "test"}})  # fmt: skip
    assert started["startMembership"]["alliance"] == {"id": "wuxi-second-people-alliance"}
    ended = twice(api, END, {"on": "2025-06-30"})
    assert ended["endMembership"]["validTo"] == "2025-06-30"
    q = """query($on: Date) { institution(id: "wuxi-jianghai-chc") {
      memberships(on: $on) { role } } }"""
    assert api.data(q, {"on": "2025-06-30"})["institution"]["memberships"] == [{"role": "MEMBER"}]
    assert api.data(q, {"on": "2025-07-01"})["institution"]["memberships"] == []
    # History is kept: the relationship is still there, with its end date.
    assert api.store.stats()["MEMBER_OF"] == 8


def test_membership_validation_and_not_found(api: Api) -> None:
    bad = {"institution": "nobody", "alliance": "wuxi-second-people-alliance", "role": "MEMBER",
           "assumption": "t"}  # fmt: skip
    assert api.codes(START, {"i": bad}, token=EDITOR) == ["INVALID_INPUT"]
    assert api.codes(START, {"i": {**bad, "institution": "wuxi-jianghai-chc",
                                   "validFrom": "2024-02-01", "validTo": "2024-01-01"}},
                     token=EDITOR) == ["INVALID_INPUT"]  # fmt: skip
    missing = """mutation { endMembership(institution: "wuxi-jianghai-chc",
      alliance: "wuxi-second-people-alliance", role: LEAD, validTo: "2025-01-01") { validTo } }"""
    assert api.codes(missing, token=EDITOR) == ["NOT_FOUND"]


PAIR = """mutation($i: PairingInput!) { addPairing(input: $i) {
  upperDepartment upper { id } lower { id } } }"""


def test_add_and_end_pairing(api: Api) -> None:
    pairing = {
        "alliance": "wuxi-second-people-alliance",
        "upper": "wuxi-second-people",
        "lower": "wuxi-jianghai-chc",
        "upperDepartment": "眼科",
        "assumption": "test",
    }
    made = twice(api, PAIR, {"i": pairing})["addPairing"]
    assert made == {"upperDepartment": "眼科", "upper": {"id": "wuxi-second-people"},
                    "lower": {"id": "wuxi-jianghai-chc"}}  # fmt: skip
    assert api.store.stats()["PAIRED_WITH"] == 13
    end = """mutation { endPairing(alliance: "wuxi-second-people-alliance",
      upper: "wuxi-second-people", lower: "wuxi-jianghai-chc", upperDepartment: "眼科",
      validTo: "2025-01-01") { validTo } }"""
    assert twice(api, end, {})["endPairing"] == {"validTo": "2025-01-01"}
    same_ends = {**pairing, "lower": "wuxi-second-people"}
    assert api.codes(PAIR, {"i": same_ends}, token=EDITOR) == ["INVALID_INPUT"]


def test_registered_institution_answers_to_its_place_prefixed_name(api: Api) -> None:
    """Issue 9: an institution registered through the API gets the same place keys as a
    loaded one (its division 崇安区 in 无锡市, 002 篇五)."""
    twice(api, REGISTER, {"i": NEW})
    q = '{ institution(id: "无锡市崇安区新社区卫生服务中心") { id } }'
    assert api.data(q)["institution"] == {"id": "wuxi-new-centre"}


def test_add_pairing_checks_the_specialty_code(api: Api) -> None:
    """Issue 9: specialtyCode must be a code of 《医疗机构诊疗科目名录》, as in pairings.csv."""
    pairing = {
        "alliance": "wuxi-second-people-alliance",
        "upper": "wuxi-second-people",
        "lower": "wuxi-jianghai-chc",
        "upperDepartment": "眼科",
        "assumption": "test",
    }
    body = api.post(PAIR, {"i": {**pairing, "specialtyCode": "99.99"}}, token=EDITOR).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["problems"][0]["field"] == "specialty_code"
    assert api.store.stats()["PAIRED_WITH"] == 12
    q = PAIR.replace("upperDepartment upper", "upperDepartment specialtyCode upper")
    made = api.data(q, {"i": {**pairing, "specialtyCode": "10"}}, token=EDITOR)
    assert made["addPairing"]["specialtyCode"] == "10"  # 10 眼科


RECORD = """mutation($i: ReferralCountInput!) { recordReferrals(input: $i) {
  from to period count } }"""


def test_record_referrals_replaces_the_count_for_the_period(api: Api) -> None:
    flow = {"from": "wuxi-jianghai-chc", "to": "wuxi-second-people", "period": "2024-Q1",
            "direction": "UP", "count": 12, "assumption": "test"}  # fmt: skip
    twice(api, RECORD, {"i": flow})
    api.data(RECORD, {"i": {**flow, "count": 15}}, token=EDITOR)
    rows = api.store.reader.rows("MATCH ()-[r:REFERRED]->() RETURN r.count AS n")
    assert rows == [{"n": 15}]
    assert api.codes(RECORD, {"i": {**flow, "period": "2024-Q5"}}, token=EDITOR) == [
        "INVALID_INPUT"
    ]
    assert api.codes(RECORD, {"i": {**flow, "count": -1}}, token=EDITOR) == ["INVALID_INPUT"]


def test_no_token_and_wrong_token_write_nothing(api: Api) -> None:
    before = api.store.stats()
    assert api.codes(REGISTER, {"i": NEW}) == ["FORBIDDEN"]
    assert api.post(REGISTER, {"i": NEW}, token="wrong").status_code == 401
    assert api.store.stats() == before

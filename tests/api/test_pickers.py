"""The page's pickers over HTTP, on both stores: type-ahead and the policy's conditions."""

from __future__ import annotations

from tests.api.conftest import Api

SUGGEST = """query($text: String!, $first: Int) {
  institutionSuggestions(text: $text, first: $first) {
  matches { id name level division { name } } closest { id name } } }"""
CONDITIONS = """query($origin: String!) { routeConditions(origin: $origin) {
  origin policy conditions { id name nameEn } } }"""


def test_traditional_text_finds_names_and_alternative_names(api: Api) -> None:
    found = api.data(SUGGEST, {"text": "三道通鎮", "first": 5})["institutionSuggestions"]
    # 000 附件1 prints 三道镇通卫生院; the town's own spelling is only in names_alt.
    assert [m["id"] for m in found["matches"]] == ["linkou-sandaotong-thc"]
    assert found["matches"][0]["level"] == "PRIMARY"
    assert found["matches"][0]["division"]["name"] == "三道通镇"
    assert found["closest"] == []


def test_matches_come_shortest_name_first_and_stop_at_first(api: Api) -> None:
    found = api.data(SUGGEST, {"text": "衛生院", "first": 4})["institutionSuggestions"]
    names = [m["name"] for m in found["matches"]]
    assert len(names) == 4 and all("卫生院" in n for n in names)
    assert [len(n) for n in names] == sorted(len(n) for n in names)


def test_a_typo_gets_the_closest_names_instead(api: Api) -> None:
    found = api.data(SUGGEST, {"text": "鄂州市中医医阮"})["institutionSuggestions"]
    assert found["matches"] == []
    assert found["closest"][0] == {"id": "ezhou-tcm-hospital", "name": "市中医医院"}


def test_conditions_come_from_the_regions_policy(api: Api) -> None:
    found = api.data(CONDITIONS, {"origin": "刁翎镇中心卫生院"})["routeConditions"]
    assert found["origin"] == "linkou-diaoling-central-thc"
    assert found["policy"] == "linkou-2017"
    first = found["conditions"][0]
    assert first == {"id": "general", "name": "一般疾病", "nameEn": "general"}
    assert "tuberculosis" not in [c["id"] for c in found["conditions"]]


def test_without_a_policy_the_standard_ids_unnamed(api: Api) -> None:
    found = api.data(CONDITIONS, {"origin": "wuxi-second-people"})["routeConditions"]
    assert found["policy"] is None
    assert {"id": "tuberculosis", "name": "", "nameEn": ""} in found["conditions"]

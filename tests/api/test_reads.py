"""Reads and path queries over HTTP, on both stores."""

from __future__ import annotations

from tests.api.conftest import Api


def test_institution_by_id_and_by_traditional_name(api: Api) -> None:
    q = "query($id: ID!) { institution(id: $id) { id name level type division { code name } } }"
    by_id = api.data(q, {"id": "ezhou-egang-hospital"})["institution"]
    by_name = api.data(q, {"id": "鄂鋼醫院"})["institution"]
    assert by_id == by_name
    assert by_id["level"] == "TERTIARY" and by_id["division"]["code"] == "ezhou-city"


def test_unknown_institution_is_not_found(api: Api) -> None:
    assert api.codes('{ institution(id: "nowhere") { id } }') == ["NOT_FOUND"]


def test_unknown_name_lists_the_closest_in_extensions(api: Api) -> None:
    """Issue 9: a name one character off 鄂州市中医医院 (003 附件2's 市中医医院 in 鄂州市) is
    NOT_FOUND with the closest institutions first in `extensions.candidates`."""
    body = api.post('{ institution(id: "鄂州市中医医阮") { id } }').json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["candidates"][0] == {
        "id": "ezhou-tcm-hospital",
        "name": "市中医医院",
    }
    ok = api.data('{ institution(id: "鄂州市中醫醫院") { id } }')
    assert ok["institution"]["id"] == "ezhou-tcm-hospital"


def test_institutions_filter_by_name_level_division_and_alliance(api: Api) -> None:
    q = """query($f: InstitutionFilterInput) {
      institutions(filter: $f, first: 100) { nodes { id } } }"""

    def ids(f: dict[str, object]) -> list[str]:
        return [n["id"] for n in api.data(q, {"f": f})["institutions"]["nodes"]]

    assert ids({"name": "衛生服務中心", "division": "wuxi-city"}) == [
        "wuxi-chongansi-chc", "wuxi-guangrui-chc", "wuxi-guangyi-chc", "wuxi-jianghai-chc",
        "wuxi-shangmadun-chc", "wuxi-tongjiang-chc",
    ]  # fmt: skip
    assert ids({"level": "TERTIARY", "type": "TCM"}) == [
        "ezhou-tcm-hospital", "hohhot-imar-mongolian-international", "hohhot-imar-tcm",
        "hohhot-mongolian-tcm", "linkou-mdj-tcm",
    ]  # fmt: skip
    assert ids({"alliance": "linkou-ur-mdj-women-children"}) == [
        "linkou-county-mch", "linkou-jiantang-thc", "linkou-kuishan-thc", "linkou-longzhao-thc",
        "linkou-mdj-women-children", "linkou-qingshan-thc", "linkou-sandaotong-thc",
    ]  # fmt: skip


def test_alliance_with_lead_members_pairs(api: Api) -> None:
    q = """{ alliance(id: "wuxi-second-people-alliance") {
      kind integration lead { id } members { role institution { id } }
      pairs { upperDepartment lower { id } } } }"""
    a = api.data(q)["alliance"]
    assert (a["kind"], a["integration"]) == ("URBAN_GROUP", "LOOSE")
    assert a["lead"]["id"] == "wuxi-second-people"
    assert a["members"][0]["role"] == "LEAD" and len(a["members"]) == 7
    assert len(a["pairs"]) == 12
    assert {"upperDepartment": "脑科中心", "lower": {"id": "wuxi-jianghai-chc"}} in a["pairs"]


def test_alliances_filter_by_kind_and_lead(api: Api) -> None:
    q = """query($f: AllianceFilterInput) { alliances(filter: $f) { nodes { id } } }"""
    found = api.data(q, {"f": {"kind": "URBAN_RURAL", "lead": "linkou-mdj-tcm"}})
    assert found["alliances"]["nodes"] == [{"id": "linkou-ur-mdj-tcm"}]


def test_division_children_and_institutions(api: Api) -> None:
    q = """{ division(code: "wuxi-city") { name parent { code }
      children { code } institutions(first: 3) { nodes { id } pageInfo { hasNextPage } } } }"""
    d = api.data(q)["division"]
    assert d["name"] == "无锡市" and d["parent"] == {"code": "wuxi-jiangsu"}
    assert d["children"] == [{"code": "wuxi-chongan"}]
    assert len(d["institutions"]["nodes"]) == 3 and d["institutions"]["pageInfo"]["hasNextPage"]


def test_institution_neighbours_memberships_counterparts_channels(api: Api) -> None:
    q = """{ institution(id: "wuxi-jianghai-chc") {
      memberships { role alliance { id } }
      counterparts { institution { id } department direction }
      channels { fromId toId direction } } }"""
    i = api.data(q)["institution"]
    assert i["memberships"] == [{"role": "MEMBER",
                                 "alliance": {"id": "wuxi-second-people-alliance"}}]  # fmt: skip
    assert {c["department"] for c in i["counterparts"]} == {"脑科中心", "骨科"}
    # 002 篇五 2.3.2 (the green channel up) and 3.2 (全面开展双向转诊: down as well).
    assert sorted(i["channels"], key=lambda c: c["direction"]) == [
        {"fromId": "wuxi-second-people", "toId": "wuxi-jianghai-chc", "direction": "DOWN"},
        {"fromId": "wuxi-jianghai-chc", "toId": "wuxi-second-people", "direction": "UP"},
    ]


def test_referral_route_matches_the_cli_contract(api: Api) -> None:
    """000 §二(四)3-4 优先: leaving the alliance is admissible, with its basis."""
    q = """query($i: RouteInput!) { referralRoute(input: $i) {
      allowed verdict hops { from { id } to { id name level } via rule { id source modality } }
      destinations { id preferred basis { rule kind modality source } } explanation reason
      alternatives { id } consequences { rule applies holds messageZh } } }"""
    r = api.data(q, {"i": {"origin": "刁翎镇中心卫生院", "to": "牡丹江市中医医院"}})
    route = r["referralRoute"]
    assert (route["allowed"], route["verdict"]) == (True, "ADMISSIBLE")
    assert [h["to"]["id"] for h in route["hops"]] == ["linkou-mdj-tcm"]
    [dest] = route["destinations"]
    assert dest["preferred"] is False
    assert dest["basis"] == {"rule": "linkou-2017-alliance-preference",
                             "kind": "alliance_preference", "modality": "prefer",
                             "source": "000 §二(四)4"}  # fmt: skip
    assert {c["rule"] for c in route["consequences"]} >= {
        "linkou-2017-consequence-deductible-continuous"}  # fmt: skip
    # 003 §三(二)2(3) 必须: out-of-city care goes through the gateway, not elsewhere.
    refused = api.data(q, {"i": {"origin": "杜山镇卫生院", "outOfRegion": True,
                                 "to": "鄂州二医院"}})["referralRoute"]  # fmt: skip
    assert (refused["allowed"], refused["verdict"]) == (False, "REFUSED")
    assert refused["reason"] and refused["alternatives"] == [{"id": "ezhou-central-hospital"}]


def test_referral_route_flags_and_condition_errors(api: Api) -> None:
    q = """query($i: RouteInput!) { referralRoute(input: $i) { allowed hops { via } } }"""
    emergency = api.data(q, {"i": {"origin": "ezhou-dushan-thc", "flags": ["EMERGENCY"]}})
    assert emergency["referralRoute"]["hops"] == [{"via": "exemption"}]
    body = api.post(q, {"i": {"origin": "ezhou-dushan-thc", "condition": "cancer"}}).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "tcm-kidney" in error["message"]


def test_counterparts_path_query(api: Api) -> None:
    q = """{ counterparts(institution: "奎山乡卫生院", direction: UPPER) {
      institution { id } alliance { id kind } responsiblePerson } }"""
    found = api.data(q)["counterparts"]
    assert [c["institution"]["id"] for c in found] == ["linkou-county-tcm", "linkou-county-mch"]
    assert {c["responsiblePerson"] for c in found} == {"李强", "王海峰"}


def test_pagination_walks_every_institution_once(api: Api) -> None:
    q = """query($after: String) { institutions(first: 10, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = api.data(q, {"after": after})["institutions"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 108


def test_pagination_edges(api: Api) -> None:
    empty = api.data("{ institutions(first: 0) { edges { cursor } pageInfo { hasNextPage } } }")
    assert empty["institutions"] == {"edges": [], "pageInfo": {"hasNextPage": True}}
    assert api.codes("{ institutions(first: 101) { nodes { id } } }") == ["INVALID_INPUT"]
    assert api.codes('{ institutions(after: "bm90LWEtY3Vyc29y") { nodes { id } } }') == [
        "INVALID_INPUT"
    ]
    after_last = "aWQ6eGlhb3hpYW4temhhbmd6aHVhbmd6aGFpLXN1YmNlbnRyZQ=="  # the last id, base64
    last = api.data(f'{{ institutions(first: 5, after: "{after_last}") '
                    "{ nodes { id } pageInfo { hasNextPage endCursor } } }")  # fmt: skip
    assert last["institutions"] == {"nodes": [], "pageInfo": {"hasNextPage": False,
                                                              "endCursor": None}}  # fmt: skip


def test_root_divisions_start_each_hierarchy(api: Api) -> None:
    roots = api.data("{ rootDivisions { code level children { code } } }")["rootDivisions"]
    assert [r["code"] for r in roots] == [
        "ezhou-hubei", "hohhot-inner-mongolia", "linkou-heilongjiang", "luoyang-henan",
        "wuxi-jiangsu", "xiaoxian-anhui",
    ]  # fmt: skip
    assert all(r["level"] == "PROVINCE" and r["children"] for r in roots)


def test_counterparts_by_specialty_alias_and_code(api: Api) -> None:
    """Issue 9: counterparts(specialty:) matches an alias (呼吸科 → 03.01) or a code (03.04);
    002 篇五 2.1.2 pairs 无锡二院's 呼吸内科 with 上马墩 and its 心内科 with 崇安寺 and 广益."""
    q = """query($s: String) { counterparts(institution: "无锡市第二人民医院", specialty: $s) {
      institution { id } department specialtyCode } }"""
    assert api.data(q, {"s": "呼吸科"})["counterparts"] == [
        {"institution": {"id": "wuxi-shangmadun-chc"}, "department": "呼吸内科",
         "specialtyCode": "03.01"}
    ]  # fmt: skip
    found = api.data(q, {"s": "03.04"})["counterparts"]
    assert [c["institution"]["id"] for c in found] == ["wuxi-chongansi-chc", "wuxi-guangyi-chc"]

"""The planner's page in a real browser: each view against a running server.

Coverage runs on tests/web/gridded (the bundled samples hold no grids); the other views on
the bundled samples. Each test checks what was drawn, through the ECharts option the page
set (`window.alliancegraph.chart(name).getOption()`) or the data-* attributes it wrote,
and the main views leave a screenshot in build/screenshots/ (docs/screenshots/, shown in the
README, with ALLIANCEGRAPH_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import GRIDDED, Server, option, screenshot

STATUS_COLOURS = {"uncovered": "#d9534f", "covered": "#3ba272", "overlap": "#f0a030"}
LEVEL_COLOURS = {"TERTIARY": "#1f4e9a", "SECONDARY": "#3a9ad9", "PRIMARY": "#3ba272"}


def leaves(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes:
        out.extend(leaves(n["children"]) if n.get("children") else [n])
    return out


def hover_treemap_node(page: Any, node_id: str) -> str:
    """Move the mouse onto a treemap block and return the tooltip's text."""
    box = page.evaluate(
        """id => {
            const chart = window.alliancegraph.chart('coverage');
            const data = chart.getModel().getSeriesByIndex(0).getData();
            for (let i = 0; i < data.count(); i++) {
                if (data.getId(i) !== id) continue;
                const el = data.getItemGraphicEl(i);
                const r = el.getBoundingRect();
                const [x, y] = el.transformCoordToGlobal(r.x + r.width / 2, r.y + r.height / 2);
                return {x, y};
            }
            return null;
        }""",
        node_id,
    )
    assert box, f"{node_id} is not drawn"
    origin = page.locator("#coverage-chart").bounding_box()
    page.mouse.move(origin["x"] + box["x"], origin["y"] + box["y"])
    tip = page.locator("#coverage-chart > div").filter(has_text="负责医联体").last
    tip.wait_for(state="visible")
    return str(tip.inner_text())


def click_graph_node(page: Any, chart: str, node_id: str) -> None:
    """Click a graph node where ECharts drew it."""
    point = page.evaluate(
        """([name, id]) => {
            const c = window.alliancegraph.chart(name);
            const data = c.getModel().getSeriesByIndex(0).getData();
            for (let i = 0; i < data.count(); i++) {
                if (data.getId(i) !== id) continue;
                return c.convertToPixel({seriesIndex: 0}, data.getItemLayout(i));
            }
            return null;
        }""",
        [chart, node_id],
    )
    assert point, f"{node_id} is not drawn"
    box = page.locator(f"#{chart}-chart").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


# --- 1. Coverage ----------------------------------------------------------------------


def test_coverage_colours_each_grid_by_status(gridded_server: Server, open_view: Any) -> None:
    page = open_view(gridded_server, "coverage")
    page.wait_for_selector("#coverage-chart[data-ready='true']")
    drawn = leaves(option(page, "coverage")["series"][0]["data"])
    grids = {n["id"].removeprefix("grid:"): n for n in drawn if n["id"].startswith("grid:")}
    names = ("east", "west", "south", "north", "central", "new")
    assert set(grids) == {f"testgrid-g-{g}" for g in names}
    colour = {g: n["itemStyle"]["color"] for g, n in grids.items()}
    assert colour == {
        "testgrid-g-east": STATUS_COLOURS["covered"],
        "testgrid-g-north": STATUS_COLOURS["covered"],
        "testgrid-g-central": STATUS_COLOURS["covered"],
        "testgrid-g-west": STATUS_COLOURS["overlap"],
        "testgrid-g-south": STATUS_COLOURS["uncovered"],
        "testgrid-g-new": STATUS_COLOURS["uncovered"],
    }
    # Names in the script they were loaded in (北鄉網格 stays traditional).
    assert grids["testgrid-g-north"]["name"] == "北鄉網格"
    legend = {
        el.get_attribute("data-status"): int(el.get_attribute("data-count"))
        for el in page.locator("[data-testid='status-legend'] [data-status]").all()
    }
    assert legend == {"uncovered": 2, "covered": 3, "overlap": 1}

    # The serving alliances on hover: the overlapping grid names both.
    tip = hover_treemap_node(page, "grid:testgrid-g-west")
    assert "西镇网格" in tip and "重复覆盖" in tip
    assert "甲县县域医共体" in tip and "测试市第一医疗集团" in tip

    # A summary per division, as the server counts it.
    rows = {
        r.get_attribute("data-division"): [c.inner_text() for c in r.locator("td").all()]
        for r in page.locator("#coverage-summary tbody tr").all()
    }
    assert rows["testgrid-county"][2:] == ["4", "1", "2", "1", "75%"]
    assert rows["testgrid-district"][2:] == ["2", "1", "1", "0", "50%"]
    screenshot(page, "coverage")


def test_coverage_without_grids_shows_the_divisions(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "coverage")
    page.wait_for_selector("#coverage-chart[data-ready='true']")
    assert page.locator("[data-testid='no-grids']").is_visible()
    drawn = leaves(option(page, "coverage")["series"][0]["data"])
    assert drawn and all(n["id"].startswith("division:") for n in drawn)
    assert "division:linkou-diaoling" in {n["id"] for n in drawn}


def test_coverage_map_when_the_dataset_ships_boundaries(gridded_server: Server, page: Any) -> None:
    """tests/web/gridded ships boundaries.geojson; the API serves it as `boundaries`."""
    page.goto(f"{gridded_server.url}/#/coverage")
    page.wait_for_selector("#coverage-map[data-ready='true']")
    series = option(page, "coverage-map")["series"][0]
    colours = {d["name"]: d["itemStyle"]["areaColor"] for d in series["data"]}
    assert colours["testgrid-g-west"] == STATUS_COLOURS["overlap"]
    assert colours["testgrid-g-south"] == STATUS_COLOURS["uncovered"]
    assert colours["testgrid-g-east"] == STATUS_COLOURS["covered"]
    page.locator("#map-panel").evaluate("el => el.scrollIntoView()")
    screenshot(page, "coverage-map")


def test_coverage_map_is_hidden_without_boundaries(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "coverage")
    assert page.locator("#map-panel").is_hidden()


# --- 2. Alliance graph ----------------------------------------------------------------


def test_alliance_graph_draws_members_pairs_by_level(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, "graph?alliance=linkou-ur-mdj-first")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    series = option(page, "graph")["series"][0]
    nodes = {n["id"]: n for n in series["data"]}
    assert len(nodes) == 9  # the lead, the county hospital, seven township/community centres
    assert {n["itemStyle"]["color"] for n in nodes.values()} == set(LEVEL_COLOURS.values())
    assert nodes["linkou-mdj-first-people"]["itemStyle"]["color"] == LEVEL_COLOURS["TERTIARY"]
    assert nodes["linkou-county-people"]["itemStyle"]["color"] == LEVEL_COLOURS["SECONDARY"]
    assert nodes["linkou-mdj-first-people"]["role"] == "LEAD"
    assert nodes["linkou-diaoling-central-thc"]["symbol"] == "rect"  # a township centre
    assert nodes["linkou-xinglin-chc"]["symbol"] == "roundRect"  # a community centre
    # Levels in rows, the lead on top.
    assert nodes["linkou-mdj-first-people"]["y"] < nodes["linkou-county-people"]["y"]
    assert nodes["linkou-county-people"]["y"] < nodes["linkou-diaoling-central-thc"]["y"]
    pairs = [(e["source"], e["target"]) for e in series["links"] if e["kind"] == "pairing"]
    assert len(pairs) == 8
    assert ("linkou-mdj-first-people", "linkou-county-people") in pairs

    # Click a node: its details and all its alliances.
    click_graph_node(page, "graph", "linkou-longzhao-thc")
    page.wait_for_selector("#details[data-institution='linkou-longzhao-thc']")
    alliances = page.locator("#details-alliances li").all_inner_texts()
    assert len(alliances) == 2  # 龙爪镇卫生院 is in two chains (000 附件1)
    assert any("牡丹江市妇女儿童医院" in a for a in alliances)
    screenshot(page, "graph")


def test_alliance_graph_draws_referral_channels(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "graph?alliance=wuxi-second-people-alliance")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    links = option(page, "graph")["series"][0]["links"]
    kinds = [e["kind"] for e in links]
    assert kinds.count("up") == 6  # six green channels up to 无锡二院 (002 篇五 2.3.2)
    assert kinds.count("pairing") == 6  # twelve department pairings, one line per centre
    pairs = [e for e in links if e["kind"] == "pairing"]
    jianghai = next(e for e in pairs if e["target"] == "wuxi-jianghai-chc")
    assert set(jianghai["notes"]) == {"脑科中心", "骨科"}


def test_county_community_hub_base_and_both_channels(
    gridded_server: Server, open_view: Any
) -> None:
    page = open_view(gridded_server, "graph?alliance=testgrid-community")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    series = option(page, "graph")["series"][0]
    roles = {n["id"]: n["role"] for n in series["data"]}
    assert roles == {
        "testgrid-county-people": "LEAD", "testgrid-east-thc": "HUB", "testgrid-west-thc": "HUB",
        "testgrid-north-thc": "HUB", "testgrid-east-village": "BASE",
    }  # fmt: skip
    size = {n["id"]: n["symbolSize"] for n in series["data"]}
    assert (
        size["testgrid-county-people"] > size["testgrid-east-thc"] > size["testgrid-east-village"]
    )
    channels = {e["kind"]: e for e in series["links"] if e["kind"] in ("up", "down")}
    assert (channels["up"]["source"], channels["up"]["target"]) == (
        "testgrid-east-thc", "testgrid-county-people",
    )  # fmt: skip
    assert (channels["down"]["source"], channels["down"]["target"]) == (
        "testgrid-county-people", "testgrid-east-thc",
    )  # fmt: skip
    # Drawn apart: the same curveness in opposite directions bends to opposite sides.
    assert channels["up"]["lineStyle"]["curveness"] == channels["down"]["lineStyle"]["curveness"]
    assert channels["up"]["lineStyle"]["color"] != channels["down"]["lineStyle"]["color"]


def test_division_graph_loads_its_institutions(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "graph?division=linkou-county")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    nodes = option(page, "graph")["series"][0]["data"]
    inside = [n for n in nodes if not n["outside"]]
    outside = [n for n in nodes if n["outside"]]
    assert len(inside) == 16  # every institution located in 林口县
    assert {n["id"] for n in outside} == {
        "linkou-mdj-first-people",
        "linkou-mdj-tcm",
        "linkou-mdj-women-children",
    }  # fmt: skip  (their city counterparts, drawn faded)


# --- 3. Findings ------------------------------------------------------------------------

FINDINGS = """query($on: Date) { validation(on: $on) { findings { ruleId source subjectId } }
  unaffiliated(on: $on, includeUnknown: true) { institution { id } reason } }"""


def test_findings_table_filters_and_exports(samples_server: Server, open_view: Any) -> None:
    expected = samples_server.graphql(FINDINGS)
    page = open_view(samples_server, "findings")
    table = page.locator("#findings-table")
    assert int(table.get_attribute("data-rows")) == len(expected["validation"]["findings"])
    # The source clause of each rule is in its row.
    first = expected["validation"]["findings"][0]
    row = page.locator(f"#findings-table tr[data-rule='{first['ruleId']}']").first
    assert first["source"] in row.inner_text()
    # Filter by rule.
    rule_counts: dict[str, int] = {}
    for f in expected["validation"]["findings"]:
        rule_counts[f["ruleId"]] = rule_counts.get(f["ruleId"], 0) + 1
    rule, count = min(rule_counts.items(), key=lambda kv: kv[1])
    page.select_option("#findings-table-rule", rule)
    assert int(table.get_attribute("data-rows")) == count
    # Export what is shown.
    with page.expect_download() as download:
        page.click("button[data-export='findings-table']")
    text = Path(download.value.path()).read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["严重程度", "规则", "依据条款"]
    assert len(rows) == count + 1 and all(r[1] == rule for r in rows[1:])

    unaffiliated = page.locator("#unaffiliated-table")
    assert int(unaffiliated.get_attribute("data-rows")) == len(expected["unaffiliated"])
    if expected["unaffiliated"]:
        some = expected["unaffiliated"][0]["institution"]["id"]
        row = page.locator(f"#unaffiliated-table tr[data-institution='{some}']")
        # 000 and 003 state no membership obligation: no clause is cited against anyone.
        assert "无适用政策条款" in row.inner_text() and "001" not in row.inner_text()
    regions = page.locator("[data-testid=regions-without-policy]").inner_text()
    assert "无锡市（7 家机构）" in regions
    page.select_option("#findings-table-rule", "")
    screenshot(page, "findings")


def test_findings_in_english(gridded_server: Server, open_view: Any) -> None:
    page = open_view(gridded_server, "findings", lang="en")
    assert page.locator("nav a").all_inner_texts() == [
        "Coverage", "Alliance graph", "Findings", "Route explorer", "County report",
    ]  # fmt: skip
    # 南镇卫生院 (public, primary) belongs to no alliance.
    row = page.locator("#unaffiliated-table tr[data-institution='testgrid-south-thc']")
    assert "government-run primary institution" in row.inner_text()
    assert "testgrid-policy" in row.inner_text()  # the policy whose rule obliges it
    assert "南镇卫生院" in row.inner_text()  # names stay as loaded


# --- 4. Route explorer ------------------------------------------------------------------


def test_route_is_drawn_hop_by_hop(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "route")
    page.fill("#route-origin", "刁翎镇中心卫生院")
    page.click("li[data-id='linkou-diaoling-central-thc']")
    page.wait_for_selector("#route-condition[data-ready='true']")
    page.select_option("#route-condition", "general")
    page.fill("#route-to", "牡丹江市中医医院")  # typed in full: settled on submit
    page.click("#route-submit")
    page.wait_for_selector("#route-chart[data-ready='true']")
    # 000 §二(四)3-4 优先: leaving the alliance is admissible with the patient's consent.
    assert page.get_attribute("#route-verdict", "data-verdict") == "ADMISSIBLE"
    assert page.get_attribute("#route-destinations li", "data-preferred") == "false"
    assert "000 §二(四)4" in page.inner_text("#route-destinations li")
    page.fill("#route-to", "")
    page.click("#route-submit")
    page.wait_for_selector("#route-verdict[data-allowed='true']")
    page.wait_for_selector("#route-chart[data-ready='true']")
    links = option(page, "route")["series"][0]["links"]
    hops = [e for e in links if e["kind"] == "hop"]
    assert [(e["n"], e["source"], e["target"]) for e in hops] == [
        (1, "linkou-diaoling-central-thc", "linkou-county-people"),
        (2, "linkou-county-people", "linkou-mdj-first-people"),
    ]
    assert {e["rule"] for e in hops} == {"linkou-2017-alliance-preference"}
    items = page.locator("#route-hops li").all()
    assert len(items) == 2 and all("000 §二(四)4" in i.inner_text() for i in items)
    first = page.locator("#route-destinations li[data-preferred='true']").all_inner_texts()
    assert [t.split(" · ")[0] for t in first] == ["林口县人民医院"]
    also = page.locator("#route-destinations li[data-preferred='false']").count()
    assert also > 0, "other higher institutions stay admissible (000 §二(四)3)"
    assert page.locator("#route-consequences li").count() > 0
    nodes = {n["id"]: n for n in option(page, "route")["series"][0]["data"]}
    assert nodes["linkou-county-people"]["destination"] is True
    screenshot(page, "route")


def test_route_to_a_level_fans_out_to_the_destinations(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, "route?origin=杜山镇卫生院&condition=general")
    page.wait_for_selector("#route-chart[data-ready='true']")
    links = option(page, "route")["series"][0]["links"]
    hops = [e for e in links if e["kind"] == "hop"]
    assert len(hops) == 1 and hops[0]["target"].startswith("level:")
    assert hops[0]["clause"] == "003 §三(二)2(1)"
    fans = [e for e in links if e["kind"] == "destination"]
    assert len(fans) == 7 == page.locator("#route-destinations li").count()


# --- The same page on Neo4j -------------------------------------------------------------


@pytest.mark.neo4j
def test_graph_and_route_on_neo4j(neo4j_samples: Any, built: Path, open_view: Any) -> None:
    from tests.conftest import neo4j_settings

    s = neo4j_settings()
    env = {"NEO4J_URI": s.neo4j_uri or "", "NEO4J_USER": s.neo4j_user,
           "NEO4J_PASSWORD": s.neo4j_password}  # fmt: skip
    server = Server([], env=env)
    try:
        assert server.graphql('{ alliance(id: "linkou-ur-mdj-first") { id } }')["alliance"]
        page = open_view(server, "graph?alliance=linkou-ur-mdj-first")
        page.wait_for_selector("#graph-chart[data-ready='true']")
        assert len(option(page, "graph")["series"][0]["data"]) == 9
        page = open_view(server, "route?origin=linkou-diaoling-central-thc&condition=general")
        page.wait_for_selector("#route-chart[data-ready='true']")
        assert page.get_attribute("#route-chart", "data-hops") == "2"
        findings = server.graphql("{ validation { findings { ruleId } } }")["validation"]
        page = open_view(server, "findings")
        rows = int(page.get_attribute("#findings-table", "data-rows"))
        assert rows == len(findings["findings"]) > 0
    finally:
        server.stop()


def test_gridded_dataset_is_marked_as_test_data() -> None:
    for table in GRIDDED.glob("*.csv"):
        with table.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                assert row["assumption"] == "test data for the coverage view", (table.name, row)


@pytest.mark.neo4j
def test_coverage_on_neo4j(neo4j_clean: Any, built: Path, open_view: Any) -> None:
    """tests/web/gridded loaded into Neo4j (which the next sample test reloads)."""
    from loaders.folder import load_dataset
    from tests.conftest import neo4j_settings

    neo4j_clean.load(load_dataset(GRIDDED))
    s = neo4j_settings()
    env = {"NEO4J_URI": s.neo4j_uri or "", "NEO4J_USER": s.neo4j_user,
           "NEO4J_PASSWORD": s.neo4j_password}  # fmt: skip
    server = Server([], env=env)
    try:
        page = open_view(server, "coverage")
        page.wait_for_selector("#coverage-chart[data-ready='true']")
        drawn = leaves(option(page, "coverage")["series"][0]["data"])
        colours = {n["id"]: n["itemStyle"]["color"] for n in drawn}
        assert colours["grid:testgrid-g-west"] == STATUS_COLOURS["overlap"]
        assert colours["grid:testgrid-g-south"] == STATUS_COLOURS["uncovered"]
        assert colours["grid:testgrid-g-north"] == STATUS_COLOURS["covered"]
        assert len(colours) == 6
    finally:
        server.stop()

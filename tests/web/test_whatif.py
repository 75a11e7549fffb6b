"""The "what if" panel and the fragility overlay on the alliance graph, in a real browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web.conftest import Server, option, screenshot
from tests.web.test_pages import click_graph_node

# Points along the drawn edge a → b, in chart pixels, the middle first. ECharts draws a
# label or another edge over some of them; the caller hovers each until the edge is hit.
ALONG = """([a, b]) => {
    const c = window.alliancegraph.chart('graph');
    const data = c.getModel().getSeriesByIndex(0).getData();
    const at = (id) => {
        for (let i = 0; i < data.count(); i++)
            if (data.getId(i) === id)
                return c.convertToPixel({seriesIndex: 0}, data.getItemLayout(i));
        return null;
    };
    const [p, q] = [at(a), at(b)];
    const on = (f) => [p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])];
    return [0.5, 0.4, 0.6, 0.3, 0.7].map(on);
}"""
# What the pointer is over, as ECharts reports it (mouseover / mouseout on the chart).
WATCH_HOVER = """() => {
    const c = window.alliancegraph.chart('graph');
    window.__hovered = null;
    c.on('mouseover', (p) => {
        window.__hovered = {type: p.dataType, source: p.data?.source, target: p.data?.target};
    });
    c.on('mouseout', () => { window.__hovered = null; });
}"""


def click_graph_edge(page: Any, source: str, target: str) -> None:
    """Click the drawn edge source → target where the pointer is over it and nothing else.

    A bare click at the computed midpoint proved flaky in CI: the chart is scrolled so its
    middle is in the viewport, the layout is read once it stopped moving, and each point
    along the edge is hovered until ECharts itself says the edge is under the pointer.
    """
    page.evaluate("document.querySelector('#graph-chart').scrollIntoView({block: 'center'})")
    page.evaluate(WATCH_HOVER)
    points = page.evaluate(ALONG, [source, target])
    for _ in range(20):  # until two readings 100 ms apart agree (no animation under way)
        page.wait_for_timeout(100)
        again = page.evaluate(ALONG, [source, target])
        if again == points:
            break
        points = again
    box = page.locator("#graph-chart").bounding_box()
    wanted = {"type": "edge", "source": source, "target": target}
    for x, y in points:
        page.mouse.move(box["x"] + x, box["y"] + y)
        try:
            page.wait_for_function(
                "w => JSON.stringify(window.__hovered) === w",
                arg=json.dumps(wanted, separators=(",", ":")),
                timeout=1500,
            )
        except PlaywrightTimeout:
            continue
        page.mouse.click(box["x"] + x, box["y"] + y)
        return
    raise AssertionError(f"no point along {source} → {target} hovers that edge: {points}")


CHAIN = "graph?alliance=linkou-ur-mdj-first"


def test_fragility_overlay_rings_the_single_points_of_failure(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, CHAIN)
    page.wait_for_selector("#graph-chart[data-ready='true']")
    page.check("#fragility-toggle")
    # 林口县人民医院: every up route of its seven township and community centres runs through it.
    page.wait_for_selector("#graph-chart[data-fragile='linkou-county-people:7']")
    nodes = {n["id"]: n for n in option(page, "graph")["series"][0]["data"]}
    assert nodes["linkou-county-people"]["itemStyle"]["borderColor"] == "#d62728"
    assert nodes["linkou-county-people"]["fragile"] == 7
    assert "borderColor" not in nodes["linkou-mdj-first-people"]["itemStyle"]
    assert "林口县人民医院（7 家依赖）" in page.inner_text("#fragility-note")
    screenshot(page, "fragility")
    page.uncheck("#fragility-toggle")
    page.wait_for_selector("#graph-chart[data-fragile='']")


def test_what_if_panel_shows_the_difference_of_changes_picked_from_the_graph(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, CHAIN)
    page.wait_for_selector("#graph-chart[data-ready='true']")
    assert page.is_disabled("#whatif-run")
    page.check("#whatif-pick")
    click_graph_node(page, "graph", "linkou-county-people")
    page.wait_for_selector("#whatif-changes[data-count='1']")
    assert "林口县人民医院 退出本医联体" in page.inner_text("#whatif-changes")
    page.click("#whatif-run")
    page.wait_for_selector("#whatif-result[data-state='ready']")
    # Its eight pairings in the chain (one up, seven down) are left outside the alliance.
    rules = page.locator("#whatif-new li").evaluate_all("els => els.map(e => e.dataset.rule)")
    assert rules == ["integrity.pairing_outside_alliance"] * 8
    assert page.locator("#whatif-routes tbody tr").count() == 0  # the pairings still hold

    # Click the pairing up to the city hospital too: the README's example, on the page.
    click_graph_edge(page, "linkou-mdj-first-people", "linkou-county-people")
    page.wait_for_selector("#whatif-changes[data-count='2']")
    assert "结束对口：牡丹江市第一人民医院 → 林口县人民医院" in page.inner_text("#whatif-changes")
    page.click("#whatif-run")
    page.wait_for_selector("#whatif-result[data-state='ready'] #whatif-routes")
    assert page.locator("#whatif-new li").count() == 7
    origins = page.locator("#whatif-routes tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.origin)"
    )
    assert origins.count("linkou-county-people") == 6  # each condition of linkou-2017
    assert len(origins) == 48
    page.evaluate("document.querySelector('#whatif').scrollIntoView({block: 'start'})")
    screenshot(page, "whatif")


def test_overlay_and_panel_on_neo4j(neo4j_samples: Any, built: Path, open_view: Any) -> None:
    from tests.conftest import neo4j_settings

    s = neo4j_settings()
    env = {"NEO4J_URI": s.neo4j_uri or "", "NEO4J_USER": s.neo4j_user,
           "NEO4J_PASSWORD": s.neo4j_password}  # fmt: skip
    server = Server([], env=env)
    try:
        page = open_view(server, CHAIN)
        page.wait_for_selector("#graph-chart[data-ready='true']")
        page.check("#fragility-toggle")
        page.wait_for_selector("#graph-chart[data-fragile='linkou-county-people:7']")
        page.check("#whatif-pick")
        click_graph_node(page, "graph", "linkou-county-people")
        page.click("#whatif-run")
        page.wait_for_selector("#whatif-result[data-state='ready']")
        assert page.locator("#whatif-new li").count() == 8
    finally:
        server.stop()

"""The coverage view's official outlines: drawn offline, coloured as the GraphQL report says.

On the bundled samples (no grids) every outline is "no grids defined"; on the Linkou sample
with grids from `grids propose` (its alliances are urban–rural chains, which serve no grid,
so every proposed grid is uncovered) 黑龙江省 › 牡丹江市 › 林口县 are uncovered. The page
may reach nothing but its own server: any other request fails the test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from loaders.samples import sample_path
from tests.web.conftest import Server, option, screenshot

STATUS_COLOURS = {"uncovered": "#d9534f", "covered": "#3ba272", "overlap": "#f0a030"}
NO_GRID = "#c9d3de"
REPORT = "{ gridCoverage { grids { grid { id } area status } areas { division uncovered } } }"


@pytest.fixture(scope="module")
def proposed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("proposed") / "linkou"
    shutil.copytree(sample_path("linkou"), folder)
    result = CliRunner().invoke(cli, ["--data", str(folder), "grids", "propose"])
    assert result.exit_code == 0, result.output
    server = Server(["--data", str(folder)])
    yield server
    server.stop()


def offline(page: Any, server: Server) -> list[str]:
    """Refuse every request that is not to `server`; return the refused URLs."""
    refused: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return refused


def regions(page: Any) -> dict[str, str]:
    series = option(page, "coverage-outlines")["series"][0]
    return {d["label"]: d["itemStyle"]["areaColor"] for d in series["data"]}


def click_region(page: Any, code: str) -> None:
    page.locator("#outline-map").scroll_into_view_if_needed()
    point = page.evaluate(
        """code => {
            const c = window.alliancegraph.chart('coverage-outlines');
            const geo = c.getModel().getSeriesByIndex(0).coordinateSystem;
            return c.convertToPixel({seriesIndex: 0}, geo.getRegion(code).getCenter());
        }""",
        code,
    )
    page.locator("#outline-map").scroll_into_view_if_needed()
    box = page.locator("#outline-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def open_coverage(page: Any, server: Server) -> list[str]:
    refused = offline(page, server)
    page.goto(f"{server.url}/#/coverage")
    page.wait_for_selector("#outline-map[data-ready='true']")
    return refused


def test_sample_outlines_are_drawn_offline_with_no_grids(samples_server: Server, page: Any) -> None:
    refused = open_coverage(page, samples_server)
    drawn = regions(page)
    assert set(drawn) == {"湖北省", "内蒙古自治区", "黑龙江省", "河南省", "江苏省", "安徽省"}
    assert samples_server.graphql(REPORT)["gridCoverage"]["grids"] == []
    assert set(drawn.values()) == {NO_GRID}
    page.locator("#outline-panel").evaluate("el => el.scrollIntoView()")
    screenshot(page, "coverage-outlines-samples")
    click_region(page, "linkou-heilongjiang")
    page.wait_for_selector("#outline-map[data-path='linkou-heilongjiang']")
    assert set(regions(page)) == {"牡丹江市"}
    click_region(page, "linkou-mudanjiang")
    page.wait_for_selector("#outline-map[data-path='linkou-heilongjiang/linkou-mudanjiang']")
    assert set(regions(page)) == {"林口县"}
    page.locator("#outline-back").click()
    page.wait_for_selector("#outline-map[data-path='linkou-heilongjiang']")
    assert refused == []


def test_proposed_grids_colour_the_outlines_as_the_report(
    proposed_server: Server, page: Any
) -> None:
    refused = open_coverage(page, proposed_server)
    report = proposed_server.graphql(REPORT)["gridCoverage"]
    statuses = {g["status"] for g in report["grids"]}
    assert len(report["grids"]) == 11 and statuses == {"uncovered"}
    assert regions(page) == {"黑龙江省": STATUS_COLOURS["uncovered"]}
    click_region(page, "linkou-heilongjiang")
    click_region(page, "linkou-mudanjiang")
    page.wait_for_selector("#outline-map[data-path='linkou-heilongjiang/linkou-mudanjiang']")
    county = {a["division"]: a["uncovered"] for a in report["areas"]}["linkou-county"]
    assert county == 11
    assert regions(page) == {"林口县": STATUS_COLOURS["uncovered"]}
    # Below the county there are no outlines: the click drills the treemap down to its grids.
    click_region(page, "linkou-county")
    page.wait_for_selector("#coverage-chart[data-zoomed='linkou-county']", state="attached")
    page.locator("#outline-panel").evaluate("el => el.scrollIntoView()")
    screenshot(page, "coverage-outlines")
    assert refused == []

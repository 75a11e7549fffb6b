"""The planner's page used for a working day (issue 15): choosing instead of typing ids,
labels that never overlap, dates in the page's language, the county report on paper, and
an accessibility check of every view in both languages.

Label boxes are read from what ECharts drew (each node's text element, transformed to the
canvas), not from the layout's own estimate, so a wrong estimate fails here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.synthetic import generate
from loaders.export import write_folder
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, SCREENSHOTS, Server, screenshot

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"

LABEL_BOXES = """name => {
  const c = window.alliancegraph.chart(name);
  const data = c.getModel().getSeriesByIndex(0).getData();
  const out = [];
  for (let i = 0; i < data.count(); i++) {
    const el = data.getItemGraphicEl(i);
    if (!el) continue;
    for (const holder of [el, el.childAt ? el.childAt(0) : null]) {
      const text = holder && holder.getTextContent && holder.getTextContent();
      if (!text || text.ignore || text.invisible || !text.style || !text.style.text) continue;
      const r = text.getBoundingRect().clone();
      r.applyTransform(text.getComputedTransform());
      out.push({id: data.getId(i), text: text.style.text, x: r.x, y: r.y, w: r.width, h: r.height});
      break;
    }
  }
  return out;
}"""


def label_boxes(page: Any, chart: str) -> list[dict[str, Any]]:
    page.wait_for_timeout(400)  # the last frame drawn (animations are short)
    return list(page.evaluate(LABEL_BOXES, chart))


def overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of label boxes that share any area (half a pixel of slack)."""
    found = []
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            across = a["x"] + 0.5 < b["x"] + b["w"] and b["x"] + 0.5 < a["x"] + a["w"]
            down = a["y"] + 0.5 < b["y"] + b["h"] and b["y"] + 0.5 < a["y"] + a["h"]
            if across and down:
                found.append((a["text"], b["text"]))
    return found


# --- 1. Choose, don't type ids ---------------------------------------------------------


def test_origin_by_part_of_a_traditional_name_and_the_policys_condition(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, "route")
    page.fill("#route-origin", "刁翎鎮中心")  # 鎮: the traditional script of 镇
    option = page.locator("#route-form li[data-id='linkou-diaoling-central-thc']")
    option.wait_for()
    assert "一级/基层 · 刁翎镇" in option.inner_text()  # level and division tell names apart
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#route-origin") == "刁翎镇中心卫生院"
    assert page.input_value("input[type=hidden][name=origin]") == "linkou-diaoling-central-thc"
    page.wait_for_selector("#route-condition[data-ready='true']")
    # The conditions of the policy that binds 林口县 (000 §二(四)4), by their names.
    names = page.locator("#route-condition option").all_inner_texts()
    assert names == ["一般疾病", "传染病", "精神病", "儿科疾病", "肿瘤", "心血管疾病"]
    assert "linkou-2017" in page.inner_text("#route-policy")
    page.select_option("#route-condition", label="心血管疾病")
    page.click("#route-submit")
    page.wait_for_selector("#route-chart[data-ready='true']")
    assert "condition=cardiovascular" in page.url
    assert page.input_value("#route-condition") == "cardiovascular"
    assert page.get_attribute("#route-verdict", "data-allowed") == "true"
    assert label_boxes(page, "route") and not overlaps(label_boxes(page, "route"))
    screenshot(page, "route-chosen")


def test_a_name_only_in_names_alt_is_found(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "route")
    page.fill("#route-to", "三道通鎮")  # 000 附件1 prints 三道镇通卫生院
    page.locator("#route-form li[data-id='linkou-sandaotong-thc']").wait_for()


def test_a_typo_lists_the_closest_names_in_place(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "route")
    page.fill("#route-origin", "鄂州市中医医阮")
    first = page.locator("#route-form [role=listbox] li").first
    first.wait_for()
    assert first.get_attribute("data-id") == "ezhou-tcm-hospital"
    assert page.get_attribute("#route-origin", "data-closest") == "true"
    assert "最接近" in page.inner_text("#route-form")
    page.click("#route-submit")  # not one institution: the list stays, nothing is asked
    assert "route?" not in page.url
    # A link naming no institution shows the candidates, not an error page.
    page = open_view(samples_server, "route?origin=鄂州市中医医阮&condition=general")
    link = page.locator("#route-candidates li[data-id='ezhou-tcm-hospital'] a")
    assert "origin=ezhou-tcm-hospital" in link.get_attribute("href")


# --- 2. Labels that never overlap -------------------------------------------------------


@pytest.mark.parametrize("alliance", ["linkou-ur-mdj-first", "wuxi-second-people-alliance"])
def test_no_label_overlaps_on_the_samples(
    samples_server: Server, open_view: Any, alliance: str
) -> None:
    page = open_view(samples_server, f"graph?alliance={alliance}")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    boxes = label_boxes(page, "graph")
    assert not overlaps(boxes)
    if alliance == "linkou-ur-mdj-first":
        # The seven township centres under 林口县人民医院, each name readable.
        assert len(boxes) == int(page.get_attribute("#graph-chart", "data-drawn")) == 9


@pytest.fixture(scope="module")
def synthetic_server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """bench/synthetic.py at 2,000 institutions: six counties, one community near 360."""
    folder = tmp_path_factory.mktemp("synthetic") / "syn"
    write_folder(generate(2000).dataset, folder)
    server = Server(["--data", str(folder)])
    yield server
    server.stop()


def test_no_label_overlaps_in_a_360_member_community(
    synthetic_server: Server, open_view: Any
) -> None:
    sizes = synthetic_server.graphql("""{ alliances(filter: {kind: COUNTY_COMMUNITY}, first: 50)
        { nodes { id members { role } } } }""")["alliances"]["nodes"]
    community = min(sizes, key=lambda a: abs(len(a["members"]) - 360))
    assert 340 <= len(community["members"]) <= 380
    page = open_view(synthetic_server, f"graph?alliance={community['id']}")
    page.wait_for_selector("#graph-chart[data-ready='true']")
    assert int(page.get_attribute("#graph-chart", "data-nodes")) == len(community["members"])
    folded = int(page.get_attribute("#graph-chart", "data-drawn"))
    assert folded < 120  # village clinics folded under their township centres
    boxes = label_boxes(page, "graph")
    assert not overlaps(boxes)
    assert len(boxes) >= folded * 0.6, "most of the folded drawing keeps its labels"
    screenshot(page, "graph-dense")
    # Expand one township (by keyboard, from the list under the chart): still no overlap.
    page.click("#graph-groups summary")
    page.locator("#graph-groups button[aria-expanded='false']").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => Number(document.querySelector('#graph-chart').dataset.drawn) > {folded}"
    )
    assert not overlaps(label_boxes(page, "graph"))
    # Zoomed in, labels that had no room come back, still without overlapping.
    box = page.locator("#graph-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before = len(label_boxes(page, "graph"))
    for _ in range(4):
        page.mouse.wheel(0, -300)
    page.wait_for_timeout(600)
    zoomed = label_boxes(page, "graph")
    assert not overlaps(zoomed)
    assert len(zoomed) >= before


# --- 3. Dates in the page's language ----------------------------------------------------


def pick_date(page: Any, year: str, month: str, day: str) -> None:
    page.fill("#on-year", year)
    page.press("#on-year", "Tab")
    page.select_option("#on-month", month)
    page.select_option("#on-day", day)


def test_the_date_control_in_chinese_whatever_the_browser_locale(
    browser: Any, samples_server: Server
) -> None:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{samples_server.url}/?lang=zh#/report?division=linkou-county")
        page.wait_for_selector("#report[data-ready='true']")
        assert page.locator("input[type=date]").count() == 0
        control = page.inner_text("#on")
        assert "年" in control and "月" in control and "日" in control
        pick_date(page, "2020", "03", "15")
        page.wait_for_selector("#report-as-of[data-on='2020-03-15']")
        assert "2020年3月15日" in page.inner_text("#report-as-of")
        assert page.get_attribute("#on", "data-value") == "2020-03-15"
    finally:
        context.close()


def test_the_date_control_in_english_is_iso(browser: Any, samples_server: Server) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{samples_server.url}/?lang=en#/report?division=linkou-county")
        page.wait_for_selector("#report[data-ready='true']")
        assert "年" not in page.inner_text("#on")
        pick_date(page, "2021", "11", "05")
        page.wait_for_selector("#report-as-of[data-on='2021-11-05']")
        assert "2021-11-05" in page.inner_text("#report-as-of")
        assert page.get_attribute("#on-month", "aria-label") == "Month"
    finally:
        context.close()


# --- 4. The county report on paper ------------------------------------------------------

SECTIONS_ZH = ["林口县医联体建设情况报告", "网格覆盖", "医联体及成员", "未加入医联体的机构",
               "核查发现", "转诊指标", "所用政策与数据"]  # fmt: skip


def print_to_pdf(url: str, out: Path) -> None:
    """Headless Chromium's own print, as a planner's browser would print the page."""
    command = [CHROMIUM, *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={out}",
               "--virtual-time-budget=20000", "--run-all-compositor-stages-before-draw",
               url]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def poppler() -> None:
    for tool in ("pdftoppm", "pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is missing: apt-get install poppler-utils (./test.sh does)")


def test_the_county_report_prints_to_pdf_with_its_sections(
    samples_server: Server, poppler: None, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    print_to_pdf(f"{samples_server.url}/?lang=zh#/report?division=linkou-county", pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for heading in SECTIONS_ZH:
        assert heading in text, heading
    assert re.search(r"日期: \d{4}年\d{1,2}月\d{1,2}日", text)  # the "as of" date
    assert "000 §二(二)1" in text and "警告" in text  # a finding with its clause and severity
    assert "牡丹江市第一人民医院—林口县人民医院城乡医联体" in text  # an alliance and members
    assert "linkou-2017" in text and "min 90%" in text  # the policy and a KPI cap
    assert "医联体规划视图" not in text  # the page's own header is not printed
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout  # fmt: skip
    cjk = [line for line in fonts.splitlines() if re.search(r"WenQuanYi|Noto|CJK|Hei", line)]
    assert cjk and all(" yes " in line for line in cjk), fonts  # CJK fonts embedded
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    [first] = tmp_path.glob("page*.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(first, SCREENSHOTS / "report-page.png")


def test_the_report_switches_to_english(samples_server: Server, open_view: Any) -> None:
    page = open_view(samples_server, "report?division=linkou-county", lang="en")
    page.wait_for_selector("#report[data-ready='true']")
    assert "Medical alliances in 林口县: report" in page.inner_text("#report-head")
    assert page.locator("#report-findings-table tbody tr[data-severity='warning']").count() > 0


# --- 5. Accessible ----------------------------------------------------------------------

VIEWS = [
    "coverage",
    "graph?alliance=linkou-ur-mdj-first",
    "findings",
    "route?origin=linkou-diaoling-central-thc&condition=general",
    "report?division=linkou-county",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_finds_no_serious_violation_on_any_view(
    samples_server: Server, gridded_server: Server, open_view: Any, lang: str
) -> None:
    if not AXE.is_file():
        pytest.skip("web/node_modules/axe-core is missing: cd web && npm ci")
    found = {}
    # The coverage view with its grids and map drawn, then every view on the samples.
    for server, view in [(gridded_server, "coverage"), *((samples_server, v) for v in VIEWS)]:
        page = open_view(server, view, lang=lang)
        page.wait_for_timeout(300)
        page.add_script_tag(path=str(AXE))
        where = "gridded:" if server is gridded_server else ""
        found[f"{where}{view}"] = page.evaluate("""async () => (await axe.run(document,
                {resultTypes: ['violations']}))
            .violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))""")
    assert found == {view: [] for view in found}


def test_every_route_control_is_reachable_by_keyboard(
    samples_server: Server, open_view: Any
) -> None:
    page = open_view(samples_server, "route")
    wanted = {"route-origin", "route-condition", "route-direction", "route-phase",
              "route-employeeOf", "route-readmissionOf", "route-to", "route-submit",
              "on-year", "on-month", "on-day", "lang"}  # fmt: skip
    # Choose an origin first: the condition and employer lists open once it is known.
    page.fill("#route-origin", "刁翎镇中心卫生院")
    page.click("li[data-id='linkou-diaoling-central-thc']")
    page.wait_for_selector("#route-condition[data-ready='true']")
    page.focus("body")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement && document.activeElement.id"))
    # The employer list stays disabled (no staff role here), so it is rightly not a stop.
    assert wanted - {"route-employeeOf"} <= reached, wanted - reached

"""A county-sized network in the browser: drawn by level, a division loaded page by page.

The dataset is generated (test data, like tests/web/gridded): one county with a county
community of 2 hospitals, 30 township centres as hubs and 360 village clinics as base,
paired hospital → township → village, and 30 grids.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Server, option

TOWNSHIPS, VILLAGES = 30, 12
A = "test data for the planner's page at county scale"


def write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow([*header, "assumption"])
        out.writerows([*r, A] for r in rows)


def county_dataset(folder: Path) -> Path:
    folder.mkdir()
    info = {"id": "county", "name": "县域规模测试", "description": A, "sources": []}
    (folder / "dataset.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    divisions = [
        ["county-prov", "测试省", "province", ""],
        ["county-city", "测试市", "city", "county-prov"],
        ["county-c", "丙县", "county", "county-city"],
    ]
    institutions = [
        ["county-hospital", "丙县人民医院", "secondary", "general", "public", "county-c"],
        ["county-tcm", "丙县中医院", "secondary", "tcm", "public", "county-c"],
    ]
    members = [["county-hospital", "county-cc", "lead"], ["county-tcm", "county-cc", "member"]]
    pairs, grids, serves, channels = [], [], [], []
    for t in range(TOWNSHIPS):
        town, centre = f"county-t{t}", f"county-t{t}-thc"
        divisions.append([town, f"第{t + 1}镇", "township", "county-c"])
        institutions.append(
            [centre, f"第{t + 1}镇卫生院", "primary", "township_centre", "public", town]
        )
        members.append([centre, "county-cc", "hub"])
        pairs.append(["county-cc", "county-hospital", centre])
        channels.append([centre, "county-hospital", "up", "county-cc"])
        grids.append([f"county-g{t}", f"第{t + 1}镇网格", town])
        if t >= 3:  # three grids uncovered
            serves.append(["county-cc", f"county-g{t}"])
        for v in range(VILLAGES):
            clinic = f"county-t{t}-v{v}"
            institutions.append([clinic, f"第{t + 1}镇{v + 1}村卫生室", "primary", "village_clinic",
                                 "public", town])  # fmt: skip
            members.append([clinic, "county-cc", "base"])
            pairs.append(["county-cc", centre, clinic])
    write(folder, "divisions.csv", ["id", "name", "level", "parent"], divisions)
    write(folder, "institutions.csv", ["id", "name", "level", "type", "ownership", "division"],
          institutions)  # fmt: skip
    write(folder, "alliances.csv", ["id", "name", "kind", "integration", "division"],
          [["county-cc", "丙县县域医共体", "county_community", "tight", "county-c"]])  # fmt: skip
    write(folder, "memberships.csv", ["institution", "alliance", "role"], members)
    write(folder, "pairings.csv", ["alliance", "upper", "lower"], pairs)
    write(folder, "channels.csv", ["from", "to", "direction", "alliance"], channels)
    write(folder, "grids.csv", ["id", "name", "division"], grids)
    write(folder, "serves.csv", ["alliance", "grid"], serves)
    return folder


INSTITUTIONS = 2 + TOWNSHIPS * (1 + VILLAGES)


@pytest.fixture(scope="module")
def county_server(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(["--data", str(county_dataset(tmp_path_factory.mktemp("web") / "county"))])
    yield server
    server.stop()


def timed_open(open_view: Any, server: Server, hash_: str, ready: str) -> tuple[Any, float]:
    started = time.monotonic()
    page = open_view(server, hash_)
    page.wait_for_selector(ready, timeout=30_000)
    return page, time.monotonic() - started


def test_county_alliance_is_drawn_by_level(county_server: Server, open_view: Any) -> None:
    page, seconds = timed_open(open_view, county_server, "graph?alliance=county-cc",
                               "#graph-chart[data-ready='true']")  # fmt: skip
    drawn = option(page, "graph")
    assert int(page.get_attribute("#graph-chart", "data-nodes")) == INSTITUTIONS
    # The 360 village clinics drawn as one node under each township centre (a click expands).
    nodes = drawn["series"][0]["data"]
    groups = [n for n in nodes if n["id"].startswith("group:")]
    assert len(nodes) == 2 + TOWNSHIPS * 2 and len(groups) == TOWNSHIPS
    assert {n["members"] for n in groups} == {VILLAGES}
    kinds = [e["kind"] for e in drawn["series"][0]["links"]]
    assert kinds.count("pairing") == TOWNSHIPS * 2  # hospital → township, township → its group
    assert kinds.count("up") == TOWNSHIPS
    assert kinds.count("membership") == 1  # the TCM hospital: a member with no pairing
    # Folded, it is small enough to show every level at once.
    assert drawn["legend"][0]["selected"]["一级/基层"] is True
    assert page.evaluate("() => document.readyState") == "complete"  # the page still answers
    assert seconds < 20, f"{INSTITUTIONS} institutions took {seconds:.1f}s"


def test_county_division_arrives_page_by_page(county_server: Server, open_view: Any) -> None:
    page, seconds = timed_open(open_view, county_server, "graph?division=county-c",
                               "#graph-chart[data-ready='true']")  # fmt: skip
    assert int(page.get_attribute("#graph-chart", "data-nodes")) == INSTITUTIONS
    assert seconds < 30, f"{INSTITUTIONS} institutions in pages of 100 took {seconds:.1f}s"

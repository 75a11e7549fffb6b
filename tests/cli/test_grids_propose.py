"""`grids propose` on a county built for it: grids, inferred serving alliances, conflicts.

某县 (county) has three townships and a street. 甲镇 holds members of county community
cc-one only; 乙镇 members of cc-one and cc-two (a conflict: several); 丙镇 only a member of an
urban–rural chain, which serves no grid (a conflict: none); 丁街道's member left cc-two
before the date asked (none). Villages under 甲镇 get their own grids with --by village.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graphmodel.grid_proposal import NONE, SEVERAL
from loaders.folder import load_dataset
from queries.grid_coverage import GRID_COVERAGE
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

FILES = {
    "dataset.json": '{"id": "gp", "name": "grid proposal test"}',
    "divisions.csv": """id,name,level,parent,source,assumption
gp-county,某县,county,,,test
gp-jia,甲镇,township,gp-county,,test
gp-yi,乙镇,township,gp-county,,test
gp-bing,丙镇,township,gp-county,,test
gp-ding,丁街道,street,gp-county,,test
gp-jia-v1,一村,village,gp-jia,,test
gp-jia-v2,二村,village,gp-jia,,test
""",
    "institutions.csv": """id,name,level,type,ownership,division,source,assumption
gp-hospital,某县人民医院,secondary,general,public,gp-county,,test
gp-jia-thc,甲镇卫生院,primary,township_centre,public,gp-jia,,test
gp-jia-v1-clinic,一村卫生室,primary,village_clinic,public,gp-jia-v1,,test
gp-yi-thc,乙镇卫生院,primary,township_centre,public,gp-yi,,test
gp-yi-clinic,乙镇某诊所,primary,village_clinic,public,gp-yi,,test
gp-bing-thc,丙镇卫生院,primary,township_centre,public,gp-bing,,test
gp-ding-chc,丁街道社区卫生服务中心,primary,community_centre,public,gp-ding,,test
""",
    "alliances.csv": """\
id,name,kind,integration,division,specialty,valid_from,valid_to,source,assumption
gp-cc-one,某县第一医共体,county_community,tight,gp-county,,,,,test
gp-cc-two,某县第二医共体,county_community,tight,gp-county,,,,,test
gp-chain,某市某县城乡医联体,urban_rural,loose,gp-county,,,,,test
""",
    "memberships.csv": """institution,alliance,role,valid_from,valid_to,source,assumption
gp-hospital,gp-cc-one,lead,,,,test
gp-jia-thc,gp-cc-one,hub,,,,test
gp-jia-v1-clinic,gp-cc-one,base,,,,test
gp-yi-thc,gp-cc-one,hub,,,,test
gp-yi-clinic,gp-cc-two,base,,,,test
gp-bing-thc,gp-chain,member,,,,test
gp-ding-chc,gp-cc-two,hub,,2020-12-31,,test
""",
}


@pytest.fixture
def county(tmp_path: Path) -> Path:
    folder = tmp_path / "gp"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def propose(folder: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--data", str(folder), "grids", "propose", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_one_grid_per_township_with_its_inferred_alliances(county: Path) -> None:
    out = propose(county, "--on", "2024-06-01")
    grids = {g["id"]: g for g in out["grids"]}
    assert sorted(grids) == ["gp-bing-grid", "gp-ding-grid", "gp-jia-grid", "gp-yi-grid"]
    assert [s["alliance"] for s in grids["gp-jia-grid"]["serving"]] == ["gp-cc-one"]
    # a village clinic counts for its township
    assert grids["gp-jia-grid"]["serving"][0]["members"] == ["gp-jia-thc", "gp-jia-v1-clinic"]
    assert grids["gp-jia-grid"]["conflict"] is None
    assert [s["alliance"] for s in grids["gp-yi-grid"]["serving"]] == ["gp-cc-one", "gp-cc-two"]
    conflicts = {c["grid"]: c["conflict"] for c in out["conflicts"]}
    # 丙镇: an urban-rural chain serves no grid; 丁街道: its member left gp-cc-two in 2020
    assert conflicts == {"gp-yi-grid": SEVERAL, "gp-bing-grid": NONE, "gp-ding-grid": NONE}


def test_the_files_are_assumptions_that_load_and_answer_coverage(
    county: Path, neo4j_clean: Neo4jStore
) -> None:
    propose(county, "--on", "2024-06-01")
    grid_rows = rows(county / "grids.csv")
    assert all(r["assumption"].startswith("Proposed by") and not r["source"] for r in grid_rows)
    serve_rows = rows(county / "serves.csv")
    assert sorted((r["grid"], r["alliance"]) for r in serve_rows) == [
        ("gp-jia-grid", "gp-cc-one"), ("gp-yi-grid", "gp-cc-one"), ("gp-yi-grid", "gp-cc-two"),
    ]  # fmt: skip
    assert "Conflict: gp-cc-two" in next(r for r in serve_rows if r["alliance"] == "gp-cc-one"
                                         and r["grid"] == "gp-yi-grid")["assumption"]  # fmt: skip
    data = load_dataset(county)
    memory = MemoryStore(data)
    neo4j_clean.load(data)
    report = memory.run(GRID_COVERAGE, on=None, division=None)
    status = {g.grid.id: g.status for g in report.grids}
    assert status == {"gp-jia-grid": "covered", "gp-yi-grid": "overlap",
                      "gp-bing-grid": "uncovered", "gp-ding-grid": "uncovered"}  # fmt: skip
    assert neo4j_clean.run(GRID_COVERAGE, on=None, division=None) == report


def test_by_village_under_a_division(county: Path, tmp_path: Path) -> None:
    out = propose(county, "--by", "village", "--division", "gp-jia", "--out", str(tmp_path / "o"))
    grids = {g["id"]: [s["alliance"] for s in g["serving"]] for g in out["grids"]}
    assert grids == {"gp-jia-v1-grid": ["gp-cc-one"], "gp-jia-v2-grid": []}
    assert [r["id"] for r in rows(tmp_path / "o" / "grids.csv")] == [
        "gp-jia-v1-grid",
        "gp-jia-v2-grid",
    ]


def test_existing_files_are_not_overwritten_without_force(county: Path) -> None:
    (county / "grids.csv").write_text("id,name,division,source,assumption\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--data", str(county), "grids", "propose"])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert rows(county / "grids.csv") == []


def test_an_unknown_division_exits_2(county: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--data", str(county), "grids", "propose", "--division", "nope"]
    )
    assert result.exit_code == 2
    assert "nope" in result.output

"""The command line: samples, stats, load, and how names resolve."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from stores.neo4j import Neo4jStore
from tests.conftest import neo4j_settings

NO_NEO4J = {"NEO4J_URI": ""}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env or NO_NEO4J)
    return result.exit_code, result.output


def neo4j_env() -> dict[str, str]:
    s = neo4j_settings()
    return {
        "NEO4J_URI": s.neo4j_uri or "",
        "NEO4J_USER": s.neo4j_user,
        "NEO4J_PASSWORD": s.neo4j_password,
    }


def test_samples_lists_the_bundled_datasets() -> None:
    code, out = run("samples", "--json")
    assert code == 0
    assert [s["id"] for s in json.loads(out)] == [
        "ezhou", "hohhot", "linkou", "luoyang", "wuxi", "xiaoxian",
    ]  # fmt: skip


def test_stats_on_the_embedded_default_counts_all_samples() -> None:
    code, out = run("stats", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["store"] == "memory"
    assert data["nodes"]["Institution"] == 51 + 24 + 19 + 0 + 7 + 7


def test_stats_of_one_sample() -> None:
    code, out = run("--sample", "wuxi", "stats", "--json")
    assert code == 0
    assert json.loads(out)["relationships"]["PAIRED_WITH"] == 12


def test_unknown_sample_exits_2_listing_the_samples() -> None:
    code, out = run("--sample", "nowhere", "stats")
    assert code == 2
    assert "ezhou, hohhot, linkou, luoyang, wuxi, xiaoxian" in out


def test_names_resolve_in_either_script() -> None:
    code, out = run("--sample", "ezhou", "institution", "市精神衛生中心", "--json")
    assert code == 0
    assert json.loads(out)["institution"]["id"] == "ezhou-mental-health-centre"


def test_ambiguous_name_exits_2_with_candidates(dataset_dir: Path) -> None:
    with (dataset_dir / "institutions.csv").open("a", encoding="utf-8") as f:
        f.write("mini-c,测试镇卫生院,primary,township_centre,public,mini-city,test data\n")
    code, out = run("--data", str(dataset_dir), "institution", "测试镇卫生院", "--json")
    assert code == 2
    payload = json.loads(out[: out.rindex("}") + 1])
    assert [c["id"] for c in payload["error"]["candidates"]] == ["mini-b", "mini-c"]


def test_unknown_name_exits_2_with_close_names() -> None:
    code, out = run("--sample", "ezhou", "institution", "鄂州精神医院")
    assert code == 2
    assert "no institution" in out


def test_city_prefixed_name_and_typo_issue_9() -> None:
    """Issue 9: 鄂州市中医医院 finds 003 附件2's 市中医医院 in 鄂州市; one character off, the CLI
    says "did you mean" with it first and exits 2."""
    code, out = run("--sample", "ezhou", "institution", "鄂州市中医医院", "--json")
    assert code == 0 and json.loads(out)["institution"]["id"] == "ezhou-tcm-hospital"
    code, out = run("--sample", "ezhou", "institution", "鄂州市中医医阮")
    assert code == 2
    assert "did you mean: ezhou-tcm-hospital (市中医医院)" in out


def test_counterpart_by_specialty_code_issue_9() -> None:
    """Issue 9: `counterpart --specialty 03.04` (心血管内科专业) finds 002 篇五 2.1.2's 心内科
    pairings of 无锡二院, typed by its names_alt."""
    code, out = run("--sample", "wuxi", "counterpart", "无锡二院", "--specialty", "03.04", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["institution"]["id"], r["specialty_code"]) for r in rows] == [
        ("wuxi-chongansi-chc", "03.04"),
        ("wuxi-guangyi-chc", "03.04"),
    ]


def test_load_without_neo4j_is_refused_naming_neo4j_uri() -> None:
    code, out = run("--sample", "wuxi", "load")
    assert code == 2
    assert "NEO4J_URI" in out


def test_bad_data_exits_2_naming_file_line_and_column(dataset_dir: Path) -> None:
    with (dataset_dir / "memberships.csv").open("a", encoding="utf-8") as f:
        f.write("mini-zzz,mini-x,member,,test data\n")
    code, out = run("--data", str(dataset_dir), "stats")
    assert code == 2
    assert "mini/memberships.csv:4 [institution]: unknown institution 'mini-zzz'" in out


def test_load_into_neo4j_then_stats_reads_the_database(neo4j_clean: Neo4jStore) -> None:
    env = neo4j_env()
    code, out = run("--sample", "linkou", "load", "--json", env=env)
    assert code == 0, out
    assert json.loads(out)["nodes"]["Institution"] == 19
    code, out = run("stats", "--json", env=env)
    assert json.loads(out)["store"] == "neo4j"
    assert json.loads(out)["nodes"]["Institution"] == 19


def test_rejected_cli_load_writes_nothing(neo4j_clean: Neo4jStore, dataset_dir: Path) -> None:
    env = neo4j_env()
    run("--sample", "wuxi", "load", env=env)
    before = neo4j_clean.stats()
    (dataset_dir / "institutions.csv").write_text(
        "id,name,level,type,ownership,assumption\nmini-a,甲,secondary,castle,public,x\n",
        encoding="utf-8",
    )
    code, out = run("--data", str(dataset_dir), "load", env=env)
    assert code == 2 and "[type]" in out
    assert neo4j_clean.stats() == before


def test_route_json_says_how_admissible_each_destination_is() -> None:
    """003 §三(二)2(2) 可转入市三医院: preferred, with the others admissible and cited."""
    code, out = run("--sample", "ezhou", "route", "杜山镇卫生院", "--condition", "tuberculosis",
                    "--json")  # fmt: skip
    assert code == 0
    route = json.loads(out)
    assert (route["allowed"], route["verdict"]) == (True, "preferred")
    first, *others = route["destinations"]
    assert (first["name"], first["preferred"]) == ("市三医院", True)
    assert first["basis"]["modality"] == "may" and first["basis"]["source"].startswith("003")
    assert others and not any(d["preferred"] for d in others)
    assert {c["applies"] for c in route["consequences"]} == {"on_route", "off_route"}
    code, text = run("--sample", "ezhou", "route", "杜山镇卫生院", "--condition", "tuberculosis",
                     "--to", "市中心医院")  # fmt: skip
    assert code == 0 and text.startswith("ADMISSIBLE")

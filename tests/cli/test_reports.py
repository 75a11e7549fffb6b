"""The report commands: validate (a pipeline gate: exit 1 on errors), coverage, kpis and more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli
from stores.neo4j import Neo4jStore
from tests.cli.test_main import neo4j_env

NO_NEO4J = {"NEO4J_URI": ""}
TODAY = "2026-01-01"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env or NO_NEO4J)
    return result.exit_code, result.output


def as_json(out: str) -> Any:
    return json.loads(out[: out.rindex("}") + 1] if out.lstrip().startswith("{") else out)


def test_validate_on_the_samples_exits_0_with_warnings_and_info() -> None:
    code, out = run("validate", "--on", TODAY, "--json")
    assert code == 0
    report = as_json(out)
    assert report["counts"] == {"error": 0, "warning": 5, "info": 0}  # all 林口县 (000)
    assert report["has_errors"] is False
    f = report["findings"][0]
    assert set(f) >= {"rule", "severity", "source", "policy", "subject", "message_zh", "message_en"}
    assert {f["policy"] for f in report["findings"]} == {"linkou-2017"}
    assert [(r["name"], r["institutions"]) for r in report["regions_without_policy"]] == [
        ("牡丹江市", 3), ("无锡市", 7), ("蚌埠市", 1),
    ]  # fmt: skip
    assert [p["policy"] for p in report["policies"]] == [
        "ezhou-2015", "hohhot-2017", "linkou-2017", "luoyang-2010", "xiaoxian-2023",
    ]  # fmt: skip


def test_validate_exits_1_when_an_error_level_finding_exists() -> None:
    code, out = run("--sample", "wuxi", "validate", "--on", "2005-01-01", "--json")
    assert code == 1
    report = as_json(out)
    # Wuxi's undated channels precede its 2009 memberships; its pairings start in 2009 too
    # (002 篇五 引言, issue 10), so in 2005 only the channels are errors.
    assert report["counts"]["error"] == 6
    assert {f["rule"] for f in report["findings"] if f["severity"] == "error"} == {
        "integrity.channel_outside_alliance",
    }  # fmt: skip


def test_validate_text_lists_rule_source_subject_and_both_messages() -> None:
    code, out = run("--sample", "wuxi", "validate", "--on", "2005-01-01")
    assert code == 1
    assert "ERROR    integrity.channel_outside_alliance  [data-format: channels.csv]" in out
    assert "不是该医联体的成员" in out and "is not a member of that alliance" in out
    assert "6 error(s), 0 warning(s), 0 info, on 2005-01-01\npolicies applied: none\n" in out
    assert out.rstrip().endswith("regions without policy (no policy findings can be made there):"
                                 "\n  无锡市 (wuxi-city): 7 institution(s)")  # fmt: skip


def test_validate_text_names_the_policy_of_each_finding() -> None:
    code, out = run("--sample", "linkou", "validate", "--on", TODAY)
    assert code == 0
    assert "WARNING  telemedicine.township_reach  [000 附件2 五]  linkou-2017  division" in out
    assert "  linkou-2017  林口县 (linkou-county): 8 obligation rule(s)" in out


def test_validate_a_data_folder_as_a_pipeline_gate(dataset_dir: Path) -> None:
    code, out = run("--data", str(dataset_dir), "validate", "--json")
    assert code == 0, out
    with (dataset_dir / "institutions.csv").open("a", encoding="utf-8") as f:
        f.write("mini-c,测试村卫生室,primary,village_clinic,public,mini-county,test data\n")
    (dataset_dir / "pairings.csv").write_text(
        "alliance,upper,lower,assumption\nmini-x,mini-a,mini-c,test data\n", encoding="utf-8"
    )
    code, out = run("--data", str(dataset_dir), "validate", "--json")
    assert code == 1
    errors = [f for f in as_json(out)["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["related"]) for f in errors] == [
        ("integrity.pairing_outside_alliance", ["mini-a", "mini-c"])
    ]


def test_validate_usage_errors_exit_2() -> None:
    assert run("validate", "--on", "2024-02-30")[0] == 2
    assert run("--sample", "nowhere", "validate")[0] == 2


def test_validate_reads_neo4j_when_it_is_configured(neo4j_clean: Neo4jStore) -> None:
    env = neo4j_env()
    assert run("--sample", "wuxi", "load", env=env)[0] == 0
    assert run("validate", "--on", TODAY, env=env)[0] == 0
    code, out = run("validate", "--on", "2005-01-01", "--json", env=env)
    assert (code, as_json(out)["counts"]["error"]) == (1, 6)


def test_unaffiliated_says_how_many_it_could_not_judge_and_how_to_list_them() -> None:
    code, out = run("unaffiliated", "--on", TODAY)
    assert code == 0
    assert "every obliged institution belongs" not in out
    assert "51 institution(s) in no alliance could not be judged" in out
    assert "`alliancegraph unaffiliated --include-unknown`" in out
    code, out = run("unaffiliated", "--on", TODAY, "--json")
    data = as_json(out)
    assert data["institutions"] == []
    assert data["not_judged"] == {"ownership_unknown": 0, "no_obligation": 51}
    assert data["how_to_list"] == "alliancegraph unaffiliated --include-unknown"


def test_unaffiliated_json() -> None:
    code, out = run("unaffiliated", "--on", "2005-01-01", "--include-unknown", "--json")
    assert code == 0
    rows = [r for r in as_json(out)["institutions"] if r["institution"]["id"].startswith("wuxi-")]
    assert len(rows) == 7 and not any(r["obliged"] for r in rows)  # 无锡市: no policy
    assert rows[0]["inactive"][0]["valid_from"] == "2009-01-01"
    assert as_json(out)["how_to_list"] == ""
    code, out = run("unaffiliated", "--on", TODAY, "--include-unknown", "--level", "tertiary",
                    "--json")  # fmt: skip
    rows = as_json(out)["institutions"]
    assert {r["institution"]["id"] for r in rows} >= {"ezhou-central-hospital"}
    assert {r["reason"] for r in rows} == {"no_obligation"}


def test_an_unknown_division_exits_2() -> None:
    code, out = run("unaffiliated", "--division", "atlantis")
    assert code == 2 and "no division 'atlantis'" in out


def test_coverage_json() -> None:
    code, out = run("coverage", "--json")
    assert code == 0
    data = as_json(out)
    assert data["grids"] == []
    hohhot = ["helinge-er", "huimin", "qingshuihe", "saihan", "tumote-left", "tuoketuo",
              "wuchuan", "xincheng", "yuquan"]  # fmt: skip
    assert [(a["division"], a["grids"], a["share_covered"]) for a in data["areas"]] == [
        *((f"hohhot-{h}", 0, None) for h in hohhot),
        ("linkou-county", 0, None), ("wuxi-chongan", 0, None), ("xiaoxian-county", 0, None),
    ]  # fmt: skip
    code, out = run("coverage", "--division", "wuxi-city")
    assert code == 0 and "崇安区: 0 grid(s)" in out
    assert "no loaded policy has a grid rule here" in out  # 001 binds no sample region


def test_kpis_json_and_text() -> None:
    code, out = run("kpis", "--period", "2024", "--json")
    assert code == 0
    data = as_json(out)
    assert (data["period"], data["previous"]) == ("2024", "2023")
    assert [r["policy"] for r in data["regions"]] == [
        "ezhou-2015", "hohhot-2017", "linkou-2017", "luoyang-2010", "xiaoxian-2023",
    ]  # fmt: skip
    code, out = run("--sample", "linkou", "kpis", "--period", "2024")
    assert code == 0
    assert "in_county_treatment_rate" in out and "not_computable" in out


def test_kpi_figures_print_in_their_unit() -> None:
    from cli.reports import _figure

    stay = {"metric": "average_length_of_stay_days", "value": 9.5, "limit": 9.0, "bound": "max",
            "status": "fail", "rule": "ezhou-2015-cap-stay-secondary", "source": "003 §三(五)4",
            "unit": "days"}  # fmt: skip
    assert "9.5 days max 9 days  fail" in _figure(stay)
    rate = stay | {"metric": "up_referral_rate", "value": 0.25, "limit": 0.2, "unit": "share"}
    assert "25.0% max 20%" in _figure(rate)


def test_kpis_needs_a_valid_period() -> None:
    assert run("kpis")[0] == 2
    code, out = run("kpis", "--period", "2024-Q5", "--json")
    assert code == 2
    assert "YYYY, YYYY-Qn or YYYY-MM" in out

"""`alliancegraph export` and `load --initial` on the command line: what they write, what
they refuse, and that progress never enters JSON output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from loaders.export import digest
from loaders.folder import load_dataset
from loaders.samples import load_sample

NO_NEO4J = {"NEO4J_URI": ""}


def test_export_of_a_sample_loads_back_with_the_same_digest(tmp_path: Path) -> None:
    out = tmp_path / "wuxi"
    result = CliRunner().invoke(cli, ["--sample", "wuxi", "export", str(out), "--json"],
                                env=NO_NEO4J)  # fmt: skip
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)  # nothing but JSON on standard output
    assert answer["digest"] == digest(load_sample("wuxi")) == digest(load_dataset(out))
    assert answer["rows"]["pairings"] == 12


def test_export_progress_goes_to_standard_error_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--sample", "ezhou", "export", str(tmp_path / "e"), "--json", "--progress"],
        env=NO_NEO4J,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dataset"] == "ezhou"
    assert "institutions.csv" in result.stderr


def test_export_refuses_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep")
    result = CliRunner().invoke(cli, ["--sample", "wuxi", "export", str(tmp_path)],
                                env=NO_NEO4J)  # fmt: skip
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_initial_load_without_an_import_tool_says_what_it_looked_for() -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_HOME": "", "ALLIANCEGRAPH_IMPORT_TOOL": ""}
    result = CliRunner().invoke(cli, ["--sample", "wuxi", "load", "--initial"], env=env)
    assert result.exit_code == 3
    assert "no Neo4j import tool found" in result.stderr
    assert "NEO4J_HOME is not set" in result.stderr


def test_initial_load_of_bad_data_writes_nothing_and_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "dataset.json").write_text('{"id": "bad"}', encoding="utf-8")
    (tmp_path / "institutions.csv").write_text(
        "id,name,level,type,ownership,assumption\nbad-a,某医院,fourth,general,public,t\n",
        encoding="utf-8",
    )
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "ALLIANCEGRAPH_IMPORT_TOOL": "false"}
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "load", "--initial"], env=env)
    assert result.exit_code == 2
    assert "institutions.csv:2 [level]" in result.stderr

"""`alliancegraph whatif` and `analyze`: the worked example of the README, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_main import neo4j_env, run

EXAMPLE = "loaders/samples/linkou/scenarios/county-hospital-leaves.yaml"


def test_whatif_prints_the_readme_example() -> None:
    code, out = run("--sample", "linkou", "whatif", EXAMPLE)
    assert code == 0
    assert "new findings: 7" in out
    assert "changed routes: 48 (of 9 origin(s) compared)" in out
    readme = Path("README.md").read_text(encoding="utf-8")
    for line in out.splitlines()[:5] + out.splitlines()[-1:]:
        assert line in readme, line


def test_whatif_is_the_same_on_neo4j(neo4j_samples: object) -> None:
    args = ("whatif", EXAMPLE, "--json")
    code, neo = run(*args, env=neo4j_env())
    assert code == 0
    _, memory = run(*args)  # every bundled sample, on the embedded store
    assert json.loads(neo) == json.loads(memory)


def test_an_invalid_scenario_exits_2_with_line_and_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nchanges:\n  - end: membership\n    institution: nobody\n"
                   "    alliance: linkou-ur-mdj-first\n", encoding="utf-8")  # fmt: skip
    code, out = run("--sample", "linkou", "whatif", str(bad), "--json")
    assert code == 2
    error = json.loads(out[: out.rindex("}") + 1])["error"]
    assert error["code"] == "INVALID_INPUT"
    assert "bad.yaml:3 [changes[0]]: no institution 'nobody' in the data" in error["message"]


def test_analyze_lists_the_single_points_of_failure() -> None:
    code, out = run("--sample", "linkou", "analyze", "--division", "linkou-county", "--json")
    assert code == 0
    found = json.loads(out)
    assert [(p["institution"], len(p["dependents"])) for p in found["single_points"]] == [
        ("linkou-county-people", 7), ("linkou-county-tcm", 6), ("linkou-county-mch", 5),
    ]  # fmt: skip
    code, _ = run("--sample", "linkou", "analyze", "--division", "nowhere")
    assert code == 2

"""Domain judgement, not corruption: one name in two divisions loads, and `validate` warns.

Every county has a 县人民医院, so two institutions of one name in different divisions are
legal; the same name twice in one division is refused by the loader (`hostile`). The
warning is a finding of both stores, so `validate` shows it on loaded data as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphmodel.findings import Finding
from graphmodel.store import Store
from loaders.folder import load_dataset
from queries.validation import VALIDATION
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.robustness.hostile import append_row, base
from tests.robustness.test_hostile import NO_NEO4J, cli

RULE = "integrity.same_name_elsewhere"


def twin(tmp_path: Path) -> Path:
    folder = base(tmp_path)
    append_row(
        "institutions",
        {
            "id": "linkou-twin",
            "name": "林口縣人民醫院",
            "level": "primary",
            "type": "township_centre",
            "ownership": "public",
            "division": "linkou-diaoling",
            "assumption": "t",
        },
    )(folder)
    return folder


def warnings(store: Store) -> list[Finding]:
    report = store.run(VALIDATION)
    return [f for f in report.findings if f.rule == RULE]


def test_one_name_in_two_divisions_loads_and_warns_on_the_embedded_store(tmp_path: Path) -> None:
    data = load_dataset(twin(tmp_path))
    [found] = warnings(MemoryStore(data))
    assert found.severity == "warning"
    assert found.subject == "linkou-county-people" and found.related == ("linkou-twin",)
    result = CliRunner().invoke(
        cli(), ["--data", str(twin(tmp_path / "cli")), "validate"], env=NO_NEO4J
    )
    assert result.exit_code in (0, 1) and RULE in result.output


@pytest.mark.neo4j
def test_and_on_neo4j(tmp_path: Path, neo4j_clean: Neo4jStore) -> None:
    data = load_dataset(twin(tmp_path))
    neo4j_clean.load(data)
    [found] = warnings(neo4j_clean)
    assert found.related == ("linkou-twin",)

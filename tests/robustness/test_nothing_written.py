"""On Neo4j, a refused load writes nothing: load a good dataset, try each hostile one through
the CLI's `load`, and the database's digest (every node and relationship with its
properties) is unchanged. The embedded store has no writes: a refused dataset never becomes
a store at all (`test_hostile`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from loaders.folder import load_dataset
from stores.neo4j import Neo4jStore
from tests.conftest import neo4j_settings
from tests.robustness.hostile import CASES, Case, base
from tests.robustness.test_hostile import cli, hostile

pytestmark = pytest.mark.neo4j


def digest(store: Neo4jStore) -> str:
    def read(tx: object) -> list[str]:
        nodes = tx.run(  # type: ignore[attr-defined]
            "MATCH (n) RETURN labels(n) AS l, properties(n) AS p"
        ).data()
        rels = tx.run(  # type: ignore[attr-defined]
            "MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(r) AS p, "
            "elementId(a) AS a, elementId(b) AS b"
        ).data()
        return sorted(repr(sorted(x.items())) for x in nodes + rels)

    # A read transaction: `store.write` would itself stamp a new data version.
    with store.driver.session(database=store.settings.neo4j_database) as session:
        rows = session.execute_read(read)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def loaded(neo4j_empty: Neo4jStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    neo4j_empty.clear()
    neo4j_empty.ensure_schema()
    neo4j_empty.load(load_dataset(base(tmp_path_factory.mktemp("good"))))
    yield digest(neo4j_empty)
    neo4j_empty.clear()


def env() -> dict[str, str]:
    s = neo4j_settings()
    return {
        "NEO4J_URI": s.neo4j_uri or "",
        "NEO4J_USER": s.neo4j_user,
        "NEO4J_PASSWORD": s.neo4j_password,
    }


def test_the_good_dataset_is_there(loaded: str, neo4j_empty: Neo4jStore) -> None:
    assert neo4j_empty.stats()["PAIRED_WITH"] == 21


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_refused_load_changes_nothing(
    case: Case,
    loaded: str,
    neo4j_empty: Neo4jStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = hostile(case, tmp_path, monkeypatch)
    result = CliRunner().invoke(cli(), ["--data", str(folder), "load"], env=env())
    assert result.exit_code == 2, result.output
    assert case.file in result.output and "Traceback" not in result.output
    assert digest(neo4j_empty) == loaded

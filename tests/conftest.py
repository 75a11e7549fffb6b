"""Shared fixtures: the embedded store and a real Neo4j, both holding the bundled samples.

Neo4j comes from `scripts/neo4j.sh` (the test command starts it) through TEST_NEO4J_URI,
TEST_NEO4J_USER and TEST_NEO4J_PASSWORD. Under CI=true a missing Neo4j fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphmodel.dataset import Dataset
from graphmodel.settings import Settings
from graphmodel.store import Store
from loaders.samples import load_all_samples
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore


def neo4j_settings() -> Settings:
    uri = os.environ.get("TEST_NEO4J_URI")
    if not uri:
        message = "TEST_NEO4J_URI is not set: run the tests with ./test.sh, which starts Neo4j"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Settings(
        neo4j_uri=uri,
        neo4j_user=os.environ.get("TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("TEST_NEO4J_PASSWORD", ""),
    )


@pytest.fixture(scope="session")
def samples() -> Dataset:
    return load_all_samples()


@pytest.fixture(scope="session")
def memory_store(samples: Dataset) -> MemoryStore:
    return MemoryStore(samples)


@pytest.fixture(scope="session")
def neo4j_empty() -> Iterator[Neo4jStore]:
    """A Neo4j store for tests that load their own data; cleared before each such test."""
    store = Neo4jStore(neo4j_settings())
    store.ping()
    yield store
    store.close()


@pytest.fixture
def neo4j_clean(neo4j_empty: Neo4jStore) -> Neo4jStore:
    neo4j_empty.clear()
    neo4j_empty.ensure_schema()
    return neo4j_empty


@pytest.fixture(scope="session")
def neo4j_store(samples: Dataset) -> Iterator[Neo4jStore]:
    """A Neo4j database holding exactly the bundled samples, for read-only tests.

    It uses its own database connection and reloads if a writing test has touched it.
    """
    store = Neo4jStore(neo4j_settings())
    yield store
    store.close()


@pytest.fixture
def neo4j_samples(neo4j_store: Neo4jStore, samples: Dataset) -> Neo4jStore:
    if neo4j_store.stats() != {k: v for k, v in samples.counts().items() if v}:
        neo4j_store.clear()
        neo4j_store.load(samples)
    return neo4j_store


@pytest.fixture(params=["memory", "neo4j"])
def store(request: pytest.FixtureRequest) -> Store:
    """Each test using `store` runs once per store."""
    if request.param == "memory":
        return request.getfixturevalue("memory_store")  # type: ignore[no-any-return]
    return request.getfixturevalue("neo4j_samples")  # type: ignore[no-any-return]


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    """A minimal valid dataset folder that a test can then break."""
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "dataset.json").write_text('{"id": "mini", "name": "mini"}', encoding="utf-8")
    (folder / "divisions.csv").write_text(
        "id,name,level,parent,assumption\n"
        "mini-city,测试市,city,,test data\n"
        "mini-county,测试县,county,mini-city,test data\n",
        encoding="utf-8",
    )
    (folder / "institutions.csv").write_text(
        "id,name,level,type,ownership,division,assumption\n"
        "mini-a,测试县人民医院,secondary,general,public,mini-county,test data\n"
        "mini-b,测试镇卫生院,primary,township_centre,public,mini-county,test data\n",
        encoding="utf-8",
    )
    (folder / "alliances.csv").write_text(
        "id,name,kind,integration,assumption\nmini-x,测试医共体,county_community,tight,test data\n",
        encoding="utf-8",
    )
    (folder / "memberships.csv").write_text(
        "institution,alliance,role,valid_from,assumption\n"
        "mini-a,mini-x,lead,2020-01-01,test data\n"
        "mini-b,mini-x,hub,2020-01-01,test data\n",
        encoding="utf-8",
    )
    (folder / "referrals.csv").write_text(
        "from,to,period,direction,count,assumption\nmini-b,mini-a,2024,up,12,test data\n",
        encoding="utf-8",
    )
    return folder

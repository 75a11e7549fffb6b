"""The Neo4j store: idempotent batched loads, schema, routing URIs, unchanged on rejection."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError, UnavailableError
from graphmodel.settings import Settings
from loaders import neo4j_writer
from loaders.folder import load_dataset
from loaders.samples import load_sample
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.conftest import neo4j_settings


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


@pytest.mark.parametrize("name", ["linkou", "ezhou", "wuxi", "xiaoxian", "hohhot", "luoyang"])
def test_each_sample_loads_twice_with_identical_counts(neo4j_clean: Neo4jStore, name: str) -> None:
    dataset = load_sample(name)
    neo4j_clean.load(dataset)
    first = neo4j_clean.stats()
    neo4j_clean.load(dataset)
    assert neo4j_clean.stats() == first == nonzero(dataset.counts())
    assert first == MemoryStore(dataset).stats()


def test_loads_are_batched_not_one_statement_per_row(samples: Dataset) -> None:
    class Recorder:
        def __init__(self) -> None:
            self.calls: list[int] = []

        def run(self, cypher: str, rows: list[object] | None = None, **_: object) -> Recorder:
            if rows is not None:  # the clean-up statements after the rows take no rows
                self.calls.append(len(rows))
            return self

        def consume(self) -> None:
            return None

    tx = Recorder()
    sent = neo4j_writer.write(tx, samples, batch_size=50)
    rows = sum(tx.calls)
    assert sent == len(tx.calls) + len(neo4j_writer.STALE_IN_TX)
    assert len(tx.calls) < rows / 5
    assert max(tx.calls) == 50


def test_changed_facts_replace_old_ones_on_reload(neo4j_clean: Neo4jStore) -> None:
    dataset = load_sample("wuxi")
    neo4j_clean.load(dataset)
    moved = dataclasses.replace(dataset.institutions[1], division="wuxi-city", note="moved")
    changed = dataclasses.replace(
        dataset, institutions=(dataset.institutions[0], moved, *dataset.institutions[2:])
    )
    neo4j_clean.load(changed)
    rows = neo4j_clean.reader.rows(
        "MATCH (i:Institution {id: $id})-[:LOCATED_IN]->(d) RETURN d.id AS d, i.note AS note",
        id=moved.id,
    )
    assert rows == [{"d": "wuxi-city", "note": "moved"}]


def test_rejected_load_leaves_the_database_unchanged(
    neo4j_clean: Neo4jStore, dataset_dir: Path
) -> None:
    neo4j_clean.load(load_sample("wuxi"))
    before = neo4j_clean.stats()
    with (dataset_dir / "memberships.csv").open("a", encoding="utf-8") as f:
        f.write("mini-zzz,mini-x,member,,test data\n")
    with pytest.raises(InvalidInputError):
        neo4j_clean.load(load_dataset(dataset_dir))
    assert neo4j_clean.stats() == before


def test_a_failing_transaction_writes_nothing(neo4j_clean: Neo4jStore) -> None:
    """Validation normally catches bad data; if the database rejects a batch, all rolls back."""
    dataset = load_sample("wuxi")
    # A map is not a storable property value; the institutions go in after the divisions,
    # so the divisions written earlier in the same transaction must roll back too.
    unstorable = dataclasses.replace(dataset.institutions[-1], note={"not": "storable"})
    broken = dataclasses.replace(dataset, institutions=(*dataset.institutions[:-1], unstorable))
    with pytest.raises(InvalidInputError, match="Neo4j rejected the write"):
        neo4j_clean.load(broken)
    assert neo4j_clean.stats() == {}


def test_schema_has_uniqueness_constraints_and_name_indexes(neo4j_clean: Neo4jStore) -> None:
    rows = neo4j_clean.reader.rows("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert {"institution_id", "alliance_id", "division_id", "rule_id"} <= set(rows[0]["names"])
    rows = neo4j_clean.reader.rows("SHOW INDEXES YIELD name RETURN collect(name) AS names")
    assert {"institution_name_key", "institution_alt_keys"} <= set(rows[0]["names"])
    # Issue 9: names with their place, and the closest-name prefilter, are indexed.
    assert "institution_search_keys" in rows[0]["names"]


def test_place_lookup_uses_the_text_index_not_a_scan(neo4j_samples: Neo4jStore) -> None:
    """Issue 9: 鄂州市中医医院 (a place key) is found through the TEXT index on search_keys."""
    from graphmodel.names import alt_needle
    from queries.institution_lookup import BY_PLACE

    with neo4j_samples.driver.session() as s:
        plan = s.run("EXPLAIN " + BY_PLACE, needle=alt_needle("鄂州市中医医院")).consume().plan
    assert "NodeIndexContainsScan" in str(plan) and "NodeByLabelScan" not in str(plan)


def test_routing_uri_reaches_the_server(neo4j_samples: Neo4jStore) -> None:
    settings = neo4j_settings()
    assert settings.neo4j_uri is not None
    routed = Settings(
        neo4j_uri=settings.neo4j_uri.replace("bolt://", "neo4j://"),
        neo4j_user=settings.neo4j_user,
        neo4j_password=settings.neo4j_password,
    )
    store = Neo4jStore(routed)
    try:
        assert store.stats() == neo4j_samples.stats()
    finally:
        store.close()


def test_wrong_password_is_unavailable_not_a_driver_error() -> None:
    settings = neo4j_settings()
    store = Neo4jStore(dataclasses.replace(settings, neo4j_password="wrong-password"))
    try:
        with pytest.raises(UnavailableError, match="credentials"):
            store.ping()
    finally:
        store.close()


def test_no_server_is_unavailable() -> None:
    store = Neo4jStore(Settings(neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x"))
    try:
        with pytest.raises(UnavailableError):
            store.stats()
    finally:
        store.close()


def test_large_loads_commit_batch_by_batch_with_the_same_result(
    neo4j_clean: Neo4jStore, samples: Dataset
) -> None:
    neo4j_clean.load(samples, one_transaction=False)
    batched = neo4j_clean.stats()
    neo4j_clean.load(samples, one_transaction=False)
    assert neo4j_clean.stats() == batched == nonzero(samples.counts())


def test_batch_commits_are_chosen_by_size(samples: Dataset) -> None:
    assert neo4j_writer.rows(samples) <= neo4j_writer.ONE_TRANSACTION_MAX
    works = list(neo4j_writer.batched_work(samples, batch_size=10))
    assert len(works) > len(list(neo4j_writer.statements(samples)))

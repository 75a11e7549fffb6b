"""Which store `open_store` opens: Neo4j only when it is configured and no data is chosen."""

from __future__ import annotations

from graphmodel.settings import Settings
from loaders.samples import sample_path
from stores.neo4j import Neo4jStore
from stores.open import chosen_dataset, open_store

# Nothing listens here; the driver connects lazily, so opening does not touch it.
CONFIGURED = Settings(neo4j_uri="bolt://127.0.0.1:9")


def test_with_no_database_and_no_data_all_samples_on_the_embedded_store() -> None:
    store = open_store(Settings())
    assert store.kind == "memory"
    ids = {i.id for i in chosen_dataset().institutions}
    assert any(i.startswith("wuxi-") for i in ids) and any(i.startswith("linkou-") for i in ids)


def test_a_configured_database_is_opened_when_no_data_is_chosen() -> None:
    store = open_store(CONFIGURED)
    try:
        assert isinstance(store, Neo4jStore)
    finally:
        store.close()


def test_chosen_samples_or_folders_win_over_the_database() -> None:
    assert open_store(CONFIGURED, samples=("wuxi",)).kind == "memory"
    assert open_store(CONFIGURED, data=(sample_path("wuxi"),)).kind == "memory"
    assert len(chosen_dataset(samples=("wuxi",)).institutions) == 7

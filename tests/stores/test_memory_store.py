"""The embedded store is read-only and mirrors the dataset's counts."""

from __future__ import annotations

import pytest

from graphmodel.dataset import Dataset
from graphmodel.errors import ReadOnlyStoreError
from stores.memory import MemoryStore


def test_counts_mirror_the_dataset(memory_store: MemoryStore, samples: Dataset) -> None:
    assert memory_store.stats() == {k: v for k, v in samples.counts().items() if v}


def test_writes_are_refused_naming_neo4j_uri(memory_store: MemoryStore, samples: Dataset) -> None:
    with pytest.raises(ReadOnlyStoreError, match="NEO4J_URI"):
        memory_store.load(samples)


def test_looking_up_an_absent_label_does_not_change_the_counts(samples: Dataset) -> None:
    from graphmodel.enums import Label

    store = MemoryStore(samples)
    before = store.stats()
    assert store.graph.get(Label.GRID, "nowhere") is None
    assert list(store.graph.all(Label.GRID)) == []
    assert store.stats() == before and "Grid" not in before

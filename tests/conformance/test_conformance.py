"""Every named query, on both stores, over the bundled samples: the answers must be equal."""

from __future__ import annotations

from typing import Any

import pytest

from queries import REGISTRY
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.conformance.cases import all_cases

CASES = all_cases()

PAIRS = [(name, args) for name in sorted(CASES) for args in CASES[name]]


def test_every_registered_query_has_cases() -> None:
    assert sorted(REGISTRY) == sorted(CASES)


@pytest.mark.parametrize(
    ("name", "args"), PAIRS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(PAIRS)]
)
def test_both_stores_answer_alike(
    name: str, args: dict[str, Any], memory_store: MemoryStore, neo4j_samples: Neo4jStore
) -> None:
    query = REGISTRY[name]
    expected = memory_store.run(query, **args)
    assert neo4j_samples.run(query, **args) == expected


# The seeds name no grids and draw no outlines, so the samples hold none (docs/domain.md §10):
# these queries get their non-empty cases from the datasets their own tests build.
EMPTY_ON_SAMPLES = {"grids_of", "boundaries"}


def test_cases_are_not_all_empty(memory_store: MemoryStore) -> None:
    """A conformance case that finds nothing proves little: most must find something."""
    for name, cases in CASES.items():
        if name in EMPTY_ON_SAMPLES:
            continue
        answers = [memory_store.run(REGISTRY[name], **args) for args in cases]
        assert sum(1 for a in answers if a) >= max(1, len(cases) - 2), name


def test_sample_counts_are_equal_in_both_stores(
    memory_store: MemoryStore, neo4j_samples: Neo4jStore
) -> None:
    assert neo4j_samples.stats() == memory_store.stats()

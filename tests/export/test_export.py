"""`write_folder` and `digest`: what is exported loads back as the same dataset.

Round trips on every bundled sample and on a small synthetic dataset, from the embedded
store and from Neo4j (the manifest travels on the load marker), and the digest tells
datasets that differ in one cell apart.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench.synthetic import generate
from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError
from loaders.export import digest, write_folder
from loaders.folder import load_dataset
from loaders.read_store import dataset_of
from loaders.samples import list_samples, load_sample
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

SAMPLES = [s["id"] for s in list_samples()]


@pytest.fixture(scope="module")
def synthetic() -> Dataset:
    return generate(1500).dataset


def _round_trip(dataset: Dataset, folder: Path) -> Dataset:
    write_folder(dataset, folder)
    return load_dataset(folder)


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_exported_from_the_embedded_store_loads_back_identical(
    sample: str, tmp_path: Path
) -> None:
    original = load_sample(sample)
    again = _round_trip(dataset_of(MemoryStore(original)), tmp_path / "out")
    assert digest(again) == digest(original)
    assert again.counts() == original.counts()
    assert set(again.institutions) == set(original.institutions)


def test_synthetic_dataset_round_trips(synthetic: Dataset, tmp_path: Path) -> None:
    again = _round_trip(synthetic, tmp_path / "syn")
    assert digest(again) == digest(synthetic)
    assert again.counts() == synthetic.counts()


def test_digest_ignores_order_but_not_content(synthetic: Dataset) -> None:
    reordered = dataclasses.replace(synthetic, institutions=synthetic.institutions[::-1])
    assert digest(reordered) == digest(synthetic)
    first = synthetic.institutions[0]
    renamed = dataclasses.replace(first, note="changed")
    changed = dataclasses.replace(synthetic, institutions=(renamed, *synthetic.institutions[1:]))
    assert digest(changed) != digest(synthetic)


def test_export_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInputError, match="not empty"):
        write_folder(load_sample("wuxi"), tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    broken = dataclasses.replace(load_sample("wuxi"), boundaries=(object(),))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        write_folder(broken, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.neo4j
@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_exported_from_neo4j_loads_back_identical(
    sample: str, neo4j_clean: Neo4jStore, tmp_path: Path
) -> None:
    original = load_sample(sample)
    neo4j_clean.load(original)
    again = _round_trip(dataset_of(neo4j_clean), tmp_path / "out")
    assert digest(again) == digest(original)
    assert again.counts() == original.counts()


@pytest.mark.neo4j
def test_synthetic_exported_from_neo4j_loads_back_identical(
    synthetic: Dataset, neo4j_clean: Neo4jStore, tmp_path: Path
) -> None:
    neo4j_clean.load(synthetic)
    again = _round_trip(dataset_of(neo4j_clean), tmp_path / "syn")
    assert digest(again) == digest(synthetic)

"""Boundaries: loaded from boundaries.geojson, served alike by both stores, checked by path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graphmodel.errors import InvalidInputError
from loaders.folder import load_dataset
from queries.boundaries import BOUNDARIES
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

GRIDDED = Path(__file__).parents[1] / "web" / "gridded"


def test_both_stores_serve_the_same_outlines(neo4j_clean: Neo4jStore) -> None:
    dataset = load_dataset(GRIDDED)
    neo4j_clean.load(dataset)
    memory = MemoryStore(dataset)
    for division in (None, "testgrid-county", "nowhere"):
        expected = memory.run(BOUNDARIES, division=division)
        assert neo4j_clean.run(BOUNDARIES, division=division) == expected
    everything = memory.run(BOUNDARIES)
    assert len(everything) == 6 and {b.kind for b in everything} == {"grid"}
    assert json.loads(everything[0].geometry)["type"] == "Polygon"
    # Reloading keeps the outlines (the grid rows are written first, then their outlines).
    neo4j_clean.load(dataset)
    assert neo4j_clean.run(BOUNDARIES) == everything


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "gridded"
    shutil.copytree(GRIDDED, folder)
    return folder


def edit(folder: Path, change: object) -> None:
    path = folder / "boundaries.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda d: d["features"][1]["properties"].update(id="nowhere"),
         "$.features[1].properties.id", "unknown grid or division"),
        (lambda d: d["features"][0]["geometry"].update(type="Point"),
         "$.features[0].geometry.type", "Polygon"),
        (lambda d: d["features"][2]["properties"].pop("assumption"),
         "$.features[2].properties.source", "source or an assumption"),
        (lambda d: d.update(type="Feature"), "$.type", "FeatureCollection"),
    ],
)  # fmt: skip
def test_bad_boundaries_are_reported_by_json_path(
    broken: Path, change: object, where: str, words: str
) -> None:
    edit(broken, change)
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(broken)
    [problem] = caught.value.problems
    assert problem.file == "gridded/boundaries.geojson"
    assert problem.column == where and words in problem.message

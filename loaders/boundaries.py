"""`boundaries.geojson`: outlines of a dataset's grids and divisions, for the planner's map.

A GeoJSON FeatureCollection; each feature's `properties.id` names a grid or a division of
the dataset, its geometry is a Polygon or MultiPolygon, and its properties carry `source`
or `assumption` like every other fact. Problems are reported by JSON path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphmodel.division import Boundary
from graphmodel.errors import InvalidInputError
from loaders import strictjson
from loaders.files import MAX_JSON_BYTES, display, present, read_capped

FILE = "boundaries.geojson"
GEOMETRIES = ("Polygon", "MultiPolygon")
# How deep each geometry's coordinates nest: rings of positions, polygons of rings.
DEPTH = {"Polygon": 3, "MultiPolygon": 4}

Report = Callable[[str, str], None]  # (JSON path, message)


def read_boundaries(
    folder: Path, grids: set[str], divisions: set[str], report: Report
) -> list[Boundary]:
    """The boundaries of `folder`, each checked; problems go to `report`, nothing raises."""
    path = folder / FILE
    if not present(path):
        return []
    try:
        data = strictjson.loads(
            read_capped(folder, path, display(folder, path), MAX_JSON_BYTES), display(folder, path)
        )
    except InvalidInputError as exc:
        for p in exc.problems:
            where = p.column or "$"
            report(where, p.message if p.line is None else f"line {p.line}: {p.message}")
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report("$.type", "expected a GeoJSON FeatureCollection")
        return []
    out: list[Boundary] = []
    seen: set[str] = set()
    for k, feature in enumerate(data.get("features") or []):
        found = _feature(feature, f"$.features[{k}]", grids, divisions, report)
        if found is None:
            continue
        if found.id in seen:
            report(f"$.features[{k}].properties.id", f"a second boundary for {found.id!r}")
            continue
        seen.add(found.id)
        out.append(found)
    return out


def _feature(
    feature: Any, where: str, grids: set[str], divisions: set[str], report: Report
) -> Boundary | None:
    props = feature.get("properties") if isinstance(feature, dict) else None
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(props, dict) or not isinstance(props.get("id"), str):
        report(f"{where}.properties.id", "each feature needs properties.id (a grid or division)")
        return None
    ident = props["id"]
    kind = "grid" if ident in grids else "division" if ident in divisions else None
    if kind is None:
        report(f"{where}.properties.id", f"unknown grid or division {ident!r}")
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        report(f"{where}.geometry.type", f"expected one of {', '.join(GEOMETRIES)}")
        return None
    bad = _coordinates(geometry.get("coordinates"), DEPTH[geometry["type"]])
    if bad is not None:
        report(f"{where}.geometry.coordinates{bad[0]}", bad[1])
        return None
    source, assumption = props.get("source") or "", props.get("assumption") or ""
    if not source and not assumption:
        report(f"{where}.properties.source", "each fact needs a source or an assumption")
        return None
    return Boundary(id=ident, kind=kind, geometry=json.dumps(geometry, separators=(",", ":")),
                    source=source, assumption=assumption)  # fmt: skip


def _coordinates(value: Any, depth: int, at: str = "") -> tuple[str, str] | None:
    """Where (relative path, message) `value` is not `depth` nested lists of [lon, lat]."""
    if not isinstance(value, list):
        return at, "expected a position [longitude, latitude]" if depth == 1 else "expected a list"
    if depth == 1:
        if not 2 <= len(value) <= 3 or not all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in value
        ):
            return at, "expected a position [longitude, latitude] of finite numbers"
        return None
    if depth == 2 and len(value) < 4:
        return at, "a ring needs at least 4 positions"
    for i, item in enumerate(value):
        bad = _coordinates(item, depth - 1, f"{at}[{i}]")
        if bad is not None:
            return bad
    return None

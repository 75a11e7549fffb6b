"""`boundaries.geojson`: outlines of a dataset's grids and divisions, for the planner's map.

A GeoJSON FeatureCollection; each feature's `properties.id` names a grid or a division of
the dataset, its geometry is a Polygon or MultiPolygon, and its properties carry `source`
or `assumption` like every other fact. Problems are reported by JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphmodel.division import Boundary

FILE = "boundaries.geojson"
GEOMETRIES = ("Polygon", "MultiPolygon")

Report = Callable[[str, str], None]  # (JSON path, message)


def read_boundaries(
    folder: Path, grids: set[str], divisions: set[str], report: Report
) -> list[Boundary]:
    """The boundaries of `folder`, each checked; problems go to `report`, nothing raises."""
    path = folder / FILE
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report("$", f"not valid UTF-8 JSON: {exc}")
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
    if not isinstance(geometry.get("coordinates"), list):
        report(f"{where}.geometry.coordinates", "expected a list of rings")
        return None
    source, assumption = props.get("source") or "", props.get("assumption") or ""
    if not source and not assumption:
        report(f"{where}.properties.source", "each fact needs a source or an assumption")
        return None
    return Boundary(id=ident, kind=kind, geometry=json.dumps(geometry, separators=(",", ":")),
                    source=source, assumption=assumption)  # fmt: skip

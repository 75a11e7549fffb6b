"""Administrative divisions (行政区划) and service grids (网格)."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.enums import DivisionLevel
from graphmodel.validity import Provenance


@dataclass(frozen=True, kw_only=True)
class Division(Provenance):
    """Province > city > county/district > township/street > village."""

    id: str
    name: str
    level: DivisionLevel
    parent: str | None = None
    gb_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Boundary(Provenance):
    """The outline of a grid or division: a GeoJSON geometry (Polygon or MultiPolygon)."""

    id: str  # the grid's or division's id
    kind: str  # "grid" or "division"
    geometry: str  # GeoJSON geometry, as JSON text


@dataclass(frozen=True, kw_only=True)
class Grid(Provenance):
    """A service grid: each is served by exactly one urban group or county community (001 §三)."""

    id: str
    name: str
    division: str

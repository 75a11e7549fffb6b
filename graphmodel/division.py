"""Administrative divisions (行政区划) and service grids (网格)."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.enums import DivisionLevel
from graphmodel.validity import Provenance, Validity


@dataclass(frozen=True, kw_only=True)
class Division(Validity, Provenance):
    """Province > city > county/district > township/street > village.

    `stat_code` is the 12-digit statistical division code (统计用区划代码), checked against
    the national list (graphmodel/division_list.py); `gb_code` its first 6 digits, the
    GB/T 2260 code. The validity dates say when the division existed (a district merged
    into another ends then: 无锡 崇安区 went into 梁溪区 in 2015).
    """

    id: str
    name: str
    level: DivisionLevel
    parent: str | None = None
    gb_code: str | None = None
    stat_code: str | None = None


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

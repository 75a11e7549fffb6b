"""Alliances (医联体), memberships in them and the grids they serve."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.enums import AllianceKind, Integration, MemberRole
from graphmodel.validity import Provenance, Validity


@dataclass(frozen=True, kw_only=True)
class Alliance(Provenance, Validity):
    id: str
    name: str
    kind: AllianceKind
    integration: Integration = Integration.UNKNOWN
    division: str | None = None
    specialty: str = ""


@dataclass(frozen=True, kw_only=True)
class Membership(Provenance, Validity):
    """An institution's membership of an alliance; ending one keeps its history."""

    institution: str
    alliance: str
    role: MemberRole

    @property
    def key(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.institution}|{self.alliance}|{self.role.value}|{start}"


@dataclass(frozen=True, kw_only=True)
class Service(Provenance, Validity):
    """An alliance serving a grid."""

    alliance: str
    grid: str

    @property
    def key(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.alliance}|{self.grid}|{start}"

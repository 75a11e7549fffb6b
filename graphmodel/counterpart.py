"""Counterpart pairings (对接 / 对口支援) inside an alliance, upper → lower."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.validity import Provenance, Validity


@dataclass(frozen=True, kw_only=True)
class Pairing(Provenance, Validity):
    """A pairing, at institution level or (with `upper_department`) at department level."""

    alliance: str
    upper: str
    lower: str
    upper_department: str = ""
    specialty: str = ""
    specialty_code: str = ""  # 《医疗机构诊疗科目名录》 code (graphmodel.specialties), if any
    responsible_upper: str = ""
    responsible_lower: str = ""

    @property
    def key(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.alliance}|{self.upper}|{self.lower}|{self.upper_department}|{start}"

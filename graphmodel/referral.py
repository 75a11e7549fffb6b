"""Agreed referral channels (绿色通道) and recorded referral flows."""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.enums import Direction
from graphmodel.validity import Provenance, Validity


@dataclass(frozen=True, kw_only=True)
class Channel(Provenance, Validity):
    source_institution: str
    target_institution: str
    direction: Direction
    alliance: str | None = None
    conditions: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        # The conditions belong to the fact: a general green channel and an agreement for
        # one condition between the same two institutions are two channels.
        start = self.valid_from.isoformat() if self.valid_from else ""
        conditions = ",".join(sorted(self.conditions))
        return (
            f"{self.source_institution}|{self.target_institution}|{self.direction.value}"
            f"|{self.alliance or ''}|{start}|{conditions}"
        )


@dataclass(frozen=True, kw_only=True)
class ReferralFlow(Provenance):
    """How many patients one institution referred to another in a period."""

    source_institution: str
    target_institution: str
    period: str
    direction: Direction
    count: int
    condition: str = ""

    @property
    def key(self) -> str:
        return (
            f"{self.source_institution}|{self.target_institution}|{self.period}"
            f"|{self.direction.value}|{self.condition}"
        )

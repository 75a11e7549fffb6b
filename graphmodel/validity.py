"""Validity periods: every membership, pairing, channel and rule holds from one day to another.

`valid_to` is the last day a fact holds (inclusive); an empty end is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where a fact comes from: a seed clause (`003 §三(二)2(2)`), or an assumption, or both."""

    source: str = ""
    assumption: str = ""

    @property
    def is_assumption(self) -> bool:
        return bool(self.assumption)


@dataclass(frozen=True, kw_only=True)
class Validity:
    valid_from: date | None = None
    valid_to: date | None = None

    def holds_on(self, day: date) -> bool:
        """True when the fact holds on `day`.

        >>> Validity(valid_from=date(2017, 1, 1)).holds_on(date(2016, 12, 31))
        False
        >>> Validity(valid_to=date(2020, 12, 31)).holds_on(date(2020, 12, 31))
        True
        """
        return holds(self.valid_from, self.valid_to, day)


def holds(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def today() -> date:
    return date.today()

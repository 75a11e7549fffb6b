"""Reporting periods of referral flows: a year (`2024`), a quarter (`2024-Q1`), a month (`2024-03`).

A report for a period counts every flow recorded for it or for a period inside it: the year
`2024` takes its quarters and months too, so monthly data sums up to a yearly report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from graphmodel.errors import InvalidInputError

PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    text: str
    start: date
    end: date

    @property
    def contained(self) -> tuple[str, ...]:
        """The period's own text and those of the quarters and months inside it.

        >>> parse_period("2024-Q2").contained
        ('2024-Q2', '2024-04', '2024-05', '2024-06')
        """
        year = self.start.year
        quarters = [f"{year}-Q{q}" for q in range(1, 5)] if len(self.text) == 4 else []
        months = [f"{year}-{m:02d}" for m in range(self.start.month, self.end.month + 1)]
        return tuple(dict.fromkeys([self.text, *quarters, *months]))

    @property
    def previous_year(self) -> Period:
        """The same period one year earlier, for year-on-year growth.

        >>> parse_period("2024-03").previous_year.text
        '2023-03'
        """
        return parse_period(f"{self.start.year - 1}{self.text[4:]}")


def parse_period(text: str) -> Period:
    """`2024`, `2024-Q1` or `2024-03`; anything else is an `InvalidInputError`.

    >>> parse_period("2024-Q1").end
    datetime.date(2024, 3, 31)
    """
    found = PATTERN.match(text.strip())
    if not found:
        raise InvalidInputError.one(
            f"expected a period YYYY, YYYY-Qn or YYYY-MM, got {text!r}", column="period"
        )
    year, quarter, month = int(found[1]), found[2], found[3]
    if quarter:
        first = 3 * (int(quarter) - 1) + 1
        start, end = date(year, first, 1), _month_end(year, first + 2)
    elif month:
        start, end = date(year, int(month), 1), _month_end(year, int(month))
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    return Period(found[0], start, end)


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)

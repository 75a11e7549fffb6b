"""Placing a free-text address (地址) in the most specific division of the national list.

An address names divisions from the top down, often skipping some (`林口县刁翎镇兴华街`,
`黑龙江省牡丹江市林口县…`). Every name of the list found in the text is a candidate; the
candidates that nest (each inside the one before it, in reading order, not overlapping)
form a chain, and the address is placed at the end of its longest chain, the deepest
division if chains are equally long. Two different divisions at the end of equally good
chains make the address ambiguous: they are returned as candidates, never picked between.

Province, city and county names count without their suffix (`黑龙江`, `林口`), as people
write them; township and street names only in full, since their short forms (`古城`,
`长安`) are ordinary words of street names. A lone short name is not enough to place an
address.

>>> place("黑龙江省林口县刁翎镇兴华街12号").code
'231025102000'
>>> place("林口县刁翎镇").code
'231025102000'
>>> p = place("城关镇卫生院")
>>> p.code is None, len(p.candidates) > 10
(True, True)
>>> place("中心医院").candidates
()
"""

from __future__ import annotations

from dataclasses import dataclass

from graphmodel.division_list import DivisionList, ListedDivision, _prefix, national
from graphmodel.enums import DivisionLevel

_SHORTABLE = (
    DivisionLevel.PROVINCE,
    DivisionLevel.CITY,
    DivisionLevel.COUNTY,
    DivisionLevel.DISTRICT,
)
_MAX_NAME = 16
_RANK = {
    DivisionLevel.PROVINCE: 0,
    DivisionLevel.CITY: 1,
    DivisionLevel.COUNTY: 2,
    DivisionLevel.DISTRICT: 2,
    DivisionLevel.TOWNSHIP: 3,
    DivisionLevel.STREET: 3,
    DivisionLevel.VILLAGE: 4,
}


@dataclass(frozen=True)
class Placement:
    code: str | None  # the division placed in, or None
    candidates: tuple[ListedDivision, ...] = ()  # when ambiguous: the divisions it may mean

    def path(self, lst: DivisionList | None = None) -> str:
        """The placed division with those above it, for messages (黑龙江省 牡丹江市 林口县)."""
        lst = lst or national()
        if self.code is None:
            return ""
        found = lst.get(self.code)
        names = [d.name for d in lst.ancestors(self.code)] + ([found.name] if found else [])
        return " ".join(names)


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    division: ListedDivision
    full: bool  # the name in full, not without its suffix


def _matches(address: str, lst: DivisionList) -> list[_Match]:
    out = []
    for start in range(len(address)):
        for end in range(start + 2, min(len(address), start + _MAX_NAME) + 1):
            text = address[start:end]
            for d in lst.named(text):
                if d.retired_in is not None:
                    continue
                full = d.name == text
                if full or d.level in _SHORTABLE:
                    out.append(_Match(start, end, d, full))
    return sorted(out, key=lambda m: (m.start, m.end))


def _inside(inner: ListedDivision, outer: ListedDivision) -> bool:
    return inner.code != outer.code and inner.code.startswith(_prefix(outer.code))


def place(address: str, lst: DivisionList | None = None) -> Placement:
    """The most specific division `address` names, or the candidates it may mean."""
    lst = lst or national()
    matches = _matches(address, lst)
    best: dict[int, int] = {}  # index of a match -> length of the longest chain ending there
    for i, m in enumerate(matches):
        best[i] = 1 + max(
            (
                best[j]
                for j in range(i)
                if matches[j].end <= m.start and _inside(m.division, matches[j].division)
            ),
            default=0,
        )
    ends = [(n, matches[i]) for i, n in best.items() if n > 1 or matches[i].full]
    if not ends:
        return Placement(None)
    top = max((n, _RANK[m.division.level]) for n, m in ends)
    found = {m.division.code: m.division for n, m in ends if (n, _RANK[m.division.level]) == top}
    if len(found) == 1:
        return Placement(next(iter(found)))
    return Placement(None, tuple(sorted(found.values(), key=lambda d: d.code)))

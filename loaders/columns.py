"""Parsing a table a column at a time (a clean CSV read by `tables.parse_csv_columns`).

A national folder holds millions of records; parsing them cell by cell costs a Python call
per cell. Here each column is checked whole, mostly at C speed: ids, free text and names
by a few searches of the column joined into one text (a character outside `SLUG`'s, a
formula's lead after a line break), enum cells by a dict lookup mapped over it, dates by
their distinct values, names also by the categories of the distinct characters the
column holds. A column that holds a problem (or whose kind has no such
shortcut) is parsed cell by cell exactly as `folder` parses a record, so that each
problem still names its file, line and column, and the record is left out. The answers,
values and problems alike, are those of the record-by-record parse.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from typing import Any

from loaders import schema
from loaders.schema import FORMULA_LEAD, HIDDEN, ISO_DATE, Column, ColumnError
from loaders.tables import Columns, Row

Problem = tuple[int, str, str]  # (record index, column, message)
Parsed = dict[str, Any]
_NO_CELLS: dict[str, str] = {}  # a record read by column keeps its cells in the columns


@dataclass(frozen=True)
class Records:
    """A clean table's parsed values by column: `values[k]` is column `names[k]` (None for
    an empty cell), and record `j` starts on line `lines[j]` of `file`.

    A national table has millions of records, and a `Row` and a dict of values for each
    were most of a folder load's time and memory. Iterated, it gives the `(Row, values)`
    pairs the record-by-record parse makes (made on demand, anew each time: a change to one
    is not kept), so a step that reads a few tables' rows reads it as it reads a list of
    them; the steps that see millions of records read the columns (`column_of`,
    `pairs_at`)."""

    file: str
    lines: range
    names: tuple[str, ...]
    values: list[list[Any]]

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[tuple[Row, Parsed]]:
        return self._pairs(self.lines, zip(*self.values, strict=True))

    def column(self, name: str) -> list[Any]:
        return self.values[self.names.index(name)]

    def where(self) -> Iterator[tuple[str, int]]:
        """(file, line) of each record."""
        return zip(repeat(self.file), self.lines)

    def at(self, indices: Iterable[int]) -> list[tuple[Row, Parsed]]:
        """The pairs of the records at `indices` (a few of many)."""
        indices = list(indices)
        picked = [list(map(column.__getitem__, indices)) for column in self.values]
        return list(self._pairs(map(self.lines.__getitem__, indices), zip(*picked, strict=True)))

    def _pairs(
        self, lines: Iterable[int], records: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[Row, Parsed]]:
        # map() over C callables: no Python frame per record but the Row's own __init__.
        rows = map(Row, repeat(self.file), lines, repeat(_NO_CELLS))
        return zip(rows, map(dict, map(zip, repeat(self.names), records)), strict=True)


Rows = list[tuple[Row, Parsed]] | Records  # a table's parsed records, either way


def column_of(rows: Rows, name: str) -> Sequence[Any]:
    """Column `name` of a table's records, read by column or record by record."""
    if isinstance(rows, Records):
        return rows.column(name)
    return [v.get(name) for _, v in rows]


def pairs_at(rows: Rows, indices: Iterable[int]) -> list[tuple[Row, Parsed]]:
    """The `(Row, values)` pairs of the records at `indices`, read either way."""
    if isinstance(rows, Records):
        return rows.at(indices)
    return [rows[j] for j in indices]


def parse(
    columns: Columns, header: list[str], schema_columns: tuple[Column, ...]
) -> tuple[list[list[Any]], list[Problem]]:
    """The parsed values, one list per schema column (None for an empty cell), and the
    problems found, by record index."""
    n = len(columns.lines)
    empty = ("",) * n
    at = {h: k for k, h in enumerate(header)}
    values: list[list[Any]] = []
    problems: list[Problem] = []
    for c in schema_columns:
        cells = columns.cells[at[c.name]] if c.name in at else empty
        if c.required and "" in cells:
            problems += [(j, c.name, "required value is empty") for j, v in enumerate(cells)
                         if not v]  # fmt: skip
        fast = _whole(c.parse, cells)
        values.append(fast if fast is not None else _by_cell(c, cells, problems))
    return values, problems


def _by_cell(c: Column, cells: tuple[str, ...], problems: list[Problem]) -> list[Any]:
    out: list[Any] = []
    parse = c.parse
    for j, raw in enumerate(cells):
        if not raw:
            out.append(None)
            continue
        try:
            out.append(parse(raw))
        except ColumnError as exc:
            problems.append((j, c.name, str(exc)))
            out.append(None)
    return out


def _whole(parse: Callable[[str], Any], cells: tuple[str, ...]) -> list[Any] | None:
    """The column parsed at once, or None to parse it cell by cell (a problem, or no
    shortcut for its kind). Empty cells become None, as the cell-by-cell parse makes them."""
    if parse is schema.text:
        return None if _any_starts(cells, ("=", "@")) else _nones(cells)
    if parse is schema.slug:
        return _nones(cells) if _all_slugs(cells) else None
    if parse is schema.name:
        if _any_starts(cells, FORMULA_LEAD) or not _visible("".join(cells)):
            return None
        return _nones(cells)
    if parse is schema.iso_date:
        dated = set(cells) - {""}  # (a national table holds a few distinct dates)
        if not all(map(ISO_DATE.match, dated)):
            return None
        try:
            days = {v: date.fromisoformat(v) for v in dated}
        except ValueError:
            return None
        return list(map(days.get, cells))  # (an empty cell is no key: None)
    if parse in (schema.listed, schema.names) and cells.count("") == len(cells):
        return [None] * len(cells)  # (alternative names, specialties: mostly empty)
    members: dict[str, Any] | None = getattr(parse, "members", None)
    if members is not None:  # an enum column (`schema.enum`)
        found = list(map(members.get, cells))
        empties = cells.count("")
        if empties:  # an empty cell is None, even where "" is a member's value
            found = [f if v else None for f, v in zip(found, cells, strict=True)]
        return found if found.count(None) == empties else None
    return None


def _nones(cells: tuple[str, ...]) -> list[str | None]:
    """The cells, each empty one as None."""
    return [v or None for v in cells] if "" in cells else list(cells)


# The shortcuts below read a column joined by line breaks, which no cell of a clean CSV
# read by column holds (`tables.Columns`: each record is one line): a few searches of one
# long text at C speed instead of a call per cell.
_SLUG_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789-\n"  # `SLUG`'s, and the line break


def _any_starts(cells: tuple[str, ...], leads: tuple[str, ...]) -> bool:
    """Whether any cell starts with one of `leads`."""
    joined = "\n" + "\n".join(cells)
    return any("\n" + lead in joined for lead in leads)


def _all_slugs(cells: tuple[str, ...]) -> bool:
    """Whether every cell that is not empty is an id (`SLUG`: [a-z0-9], then [a-z0-9-]):
    the column joined, less every character an id may hold, is empty."""
    joined = "\n" + "\n".join(filter(None, cells))
    if not joined.isascii() or "\n-" in joined:
        return False
    return not joined.encode("ascii").translate(None, _SLUG_CHARS)


def _visible(chars: str) -> bool:
    """No character `schema.name` refuses: each distinct one is looked at once."""
    for ch in set(chars):
        if unicodedata.category(ch) in HIDDEN or (ch.isspace() and ch not in " \u3000"):
            return False
    return True

"""Parsing a table a column at a time (a clean CSV read by `tables.parse_csv_columns`).

A national folder holds millions of records; parsing them cell by cell costs a Python call
per cell. Here each column is checked whole, mostly at C speed: ids by counting the
matches of `SLUG` mapped over the column, enum cells by a dict lookup mapped over it, free
text by `str.startswith` mapped over it, names by the categories of the distinct
characters the column holds. A column that holds a problem (or whose kind has no such
shortcut) is parsed cell by cell exactly as `folder` parses a record, so that each
problem still names its file, line and column, and the record is left out. The answers,
values and problems alike, are those of the record-by-record parse.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from operator import methodcaller
from typing import Any

from loaders import schema
from loaders.schema import FORMULA_LEAD, HIDDEN, ISO_DATE, SLUG, Column, ColumnError
from loaders.tables import Columns

Problem = tuple[int, str, str]  # (record index, column, message)
_TEXT_BAD = methodcaller("startswith", ("=", "@"))
_NAME_BAD = methodcaller("startswith", FORMULA_LEAD)


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
        if any(map(_TEXT_BAD, cells)):
            return None
        return [v or None for v in cells]
    if parse is schema.slug:
        empties = cells.count("")
        if sum(map(bool, map(SLUG.match, cells))) != len(cells) - empties:
            return None
        return [v or None for v in cells] if empties else list(cells)
    if parse is schema.name:
        if any(map(_NAME_BAD, cells)) or not _visible("".join(set(cells))):
            return None
        return [v or None for v in cells]
    if parse is schema.iso_date:
        dated = [v for v in cells if v]
        if sum(map(bool, map(ISO_DATE.match, dated))) != len(dated):
            return None
        try:
            return [date.fromisoformat(v) if v else None for v in cells]
        except ValueError:
            return None
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


def _visible(chars: str) -> bool:
    """No character `schema.name` refuses: each distinct one is looked at once."""
    for ch in set(chars):
        if unicodedata.category(ch) in HIDDEN or (ch.isspace() and ch not in " \u3000"):
            return False
    return True

"""Reading one table of a dataset: UTF-8, UTF-8 with BOM or GBK CSV, or an .xlsx sheet.

Rows come back with the line (CSV) or sheet row (xlsx) they were read from, so that every
problem can be reported where a person would look for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from graphmodel.errors import Problem

# GB18030 is a superset of GBK and GB2312, so one fallback reads all three.
ENCODINGS = ("utf-8-sig", "gb18030")
# Marks a row with more cells than the header; NUL never occurs in a real header.
EXTRA = "\0extra"


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    file: str
    header: list[str]
    rows: list[Row]


def decode(data: bytes, file: str) -> str:
    """Decode a CSV file exported by a spreadsheet, whichever of the usual encodings it uses.

    >>> decode("名称".encode("gbk"), "t.csv")
    '名称'
    >>> decode(b"\\xef\\xbb\\xbfid", "t.csv")
    'id'
    """
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from graphmodel.errors import InvalidInputError

    # Find the first undecodable byte under UTF-8, the encoding we ask people to use.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            [
                Problem(
                    file,
                    line,
                    None,
                    f"cannot decode byte 0x{data[exc.start]:02x} at offset {exc.start}: "
                    "expected UTF-8 (with or without BOM) or GBK/GB18030",
                )
            ]
        ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def read_csv(path: Path, display: str) -> Table:
    text = decode(path.read_bytes(), display)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return Table(display, [], [])
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        # csv tracks physical lines, which differ from records when a cell holds a newline.
        line = reader.line_num
        padded = values + [""] * (len(header) - len(values))
        row = {h: v.strip() for h, v in zip(header, padded, strict=False)}
        if len(values) > len(header):
            row[EXTRA] = str(len(values) - len(header))
        rows.append(Row(display, line, row))
    return Table(display, header, rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(rows: Iterator[tuple[object, ...]], display: str) -> Table:
    try:
        header = [_cell(h) for h in next(rows)]
    except StopIteration:
        return Table(display, [], [])
    while header and not header[-1]:
        header.pop()
    out = []
    for number, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        row = dict(zip(header, cells[: len(header)], strict=True))
        if any(cells[len(header) :]):
            row[EXTRA] = str(sum(1 for c in cells[len(header) :] if c))
        out.append(Row(display, number, row))
    return Table(display, header, out)


def read_xlsx(path: Path, display: str, sheet: str | None = None) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        name = f"{display}#{ws.title}" if sheet else display
        return read_sheet(ws.iter_rows(values_only=True), name)
    finally:
        workbook.close()


def find_table(folder: Path, name: str) -> Table | None:
    """The table `name` of a dataset folder, from `name.csv`, `name.xlsx` or `dataset.xlsx`."""
    csv_path = folder / f"{name}.csv"
    if csv_path.exists():
        return read_csv(csv_path, _display(folder, csv_path))
    xlsx_path = folder / f"{name}.xlsx"
    if xlsx_path.exists():
        return read_xlsx(xlsx_path, _display(folder, xlsx_path))
    book = folder / "dataset.xlsx"
    if book.exists():
        from openpyxl import load_workbook

        workbook = load_workbook(book, read_only=True)
        try:
            has_sheet = name in workbook.sheetnames
        finally:
            workbook.close()
        if has_sheet:
            return read_xlsx(book, _display(folder, book), sheet=name)
    return None


def _display(folder: Path, path: Path) -> str:
    return f"{folder.name}/{path.name}"

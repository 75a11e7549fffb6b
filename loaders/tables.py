"""Reading one table of a dataset: a UTF-8, UTF-8-with-BOM or GB18030/GBK CSV, or an .xlsx sheet.

Rows come back with the line (CSV) or sheet row (xlsx) they start on, so that every problem
can be reported where a person would look for it. What cannot be read faithfully is refused,
never guessed at:

- CSV is parsed strictly: a quote opened and never closed, a row with more or fewer cells
  than the header, a column named twice or a header cell left empty are problems;
- the encoding must be UTF-8 (with or without BOM) or GB18030/GBK; anything else (Big5,
  UTF-16, Shift-JIS…) is named by the detector (charset-normalizer) and refused, so that it
  is never read as mojibake (GB18030 against Big5 also weighs how the bytes are built:
  `_is_gb18030`);
- a cell longer than `MAX_CELL_CHARS`, or holding a control character, is a problem;
- a workbook is checked before openpyxl reads it: a zip whose parts uncompress to more than
  `MAX_XLSX_BYTES` (a zip bomb), a part with a DTD (XML entity attacks) or a damaged archive
  are refused. openpyxl itself parses through defusedxml, which is a dependency. A formula
  cell is refused too (its cached value may be stale or absent);
- a table must come from one place: `name.csv`, `name.xlsx` or a sheet of `dataset.xlsx`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from graphmodel.errors import InvalidInputError, Problem
from loaders.files import MAX_TABLE_BYTES, MiB, checked, display, present, read_capped

MAX_CELL_CHARS = 10_000
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_XLSX_BYTES = 256 * MiB  # all parts of one workbook, uncompressed
# No record of MAX_COLUMNS cells of MAX_CELL_CHARS is longer; a longer line (a million commas)
# would become a row of a million cells before any cap could see it.
MAX_LINE = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
BOOK = "dataset.xlsx"

# What the detector may call an accepted encoding; everything else is refused by name.
ACCEPTED = ("utf-8", "utf-8-sig", "gb18030", "gbk")
# The encodings the detector chooses among once a file is not UTF-8.
CANDIDATES = ["gb18030", "big5", "cp932", "euc_kr", "utf_16", "utf_32", "cp1252"]
SAMPLE = 256 * 1024  # how much of a non-UTF-8 file is weighed for GB18030 against Big5
# C0 and C1 control characters but tab and line breaks (which a quoted cell may hold).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DTD_MARKS = tuple(
    m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("ascii", "utf-16-le", "utf-16-be")
)


@dataclass(frozen=True, slots=True)
class Row:
    """Where a record starts, and its cells by column (empty for a record read by column:
    `Table.columns`, whose cells live in the columns)."""

    file: str
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Columns:
    """A CSV table read a column at a time: `cells[k]` is column `header[k]`, every cell
    stripped, and record `j` starts on line `lines[j]`. Only for a table that needs none of
    the record-by-record checks (see `parse_csv_columns`)."""

    lines: range
    cells: list[tuple[str, ...]]


@dataclass(frozen=True)
class Table:
    file: str
    header: list[str]
    rows: list[Row]
    # Problems of single rows or cells (those rows are left out) and of the header.
    problems: list[Problem] = field(default_factory=list)
    # When the header itself is wrong, no row can be read: `rows` is empty.
    header_ok: bool = True
    # Instead of `rows`, for a clean CSV read by `parse_csv_columns`.
    columns: Columns | None = None


def _error(file: str, line: int | None, column: str | None, message: str) -> InvalidInputError:
    return InvalidInputError(
        [Problem(file, line, column, message)], consequence="nothing was written"
    )


def decode(data: bytes, file: str) -> str:
    """Decode a CSV file exported by a spreadsheet, if it is in an accepted encoding.

    >>> decode("名称".encode("gbk"), "t.csv")
    '名称'
    >>> decode(b"\\xef\\xbb\\xbfid", "t.csv")
    'id'
    >>> decode("名稱,醫院".encode("big5"), "t.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graphmodel.errors.InvalidInputError: 1 problem(s) in the input; nothing was written:
      t.csv:1: the file looks like big5 or cp932, which is not accepted: save it as UTF-8 ...
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8", file, skip=3)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=CANDIDATES))
    if _is_gb18030(data, matches):
        return _strict(data, "gb18030", file)
    others = [m for m in matches if m.encoding not in ACCEPTED]
    line = data[: not_utf8.start].count(b"\n") + 1
    if others:
        named = " or ".join(
            dict.fromkeys(m.encoding for m in sorted(others, key=lambda m: m.chaos)[:2])
        )
        raise _error(
            file,
            line,
            None,
            f"the file looks like {named}, which is not accepted: "
            "save it as UTF-8 (with or without BOM) or GB18030/GBK",
        )
    raise _error(
        file,
        line,
        None,
        f"cannot decode byte 0x{data[not_utf8.start]:02x} at offset "
        f"{not_utf8.start}: expected UTF-8 (with or without BOM) or GBK/GB18030",
    )


def _is_gb18030(data: bytes, matches: list[Any]) -> bool:
    """Whether bytes that are not UTF-8 are GB18030/GBK text, and not Big5 or another.

    The detector alone misjudges short tables (a header and a row: it often prefers EUC-KR
    for GBK, or GB18030 for Big5), so its verdict is weighed with how the bytes are built:
    simplified Chinese in GBK lies almost wholly in the GB2312 core (both bytes >= 0xA1),
    while about half of all Big5 characters have a second byte below 0xA1.
    """
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    gb = [m for m in matches if m.encoding in ACCEPTED]
    others = [m for m in matches if m.encoding not in ACCEPTED]
    big5 = [m for m in others if m.encoding == "big5"]
    sample = data[:SAMPLE]
    if len(data) > SAMPLE and b"\n" in sample:  # a line break always ends a character
        sample = sample[: sample.rindex(b"\n") + 1]
    outside = _outside_core(sample)
    if outside > 0.25:
        return False
    if outside <= 0.1:
        return not (big5 and (not gb or big5[0].chaos < gb[0].chaos))
    return bool(gb) and all(gb[0].chaos <= m.chaos for m in others)


def _outside_core(data: bytes) -> float:
    """The share of multi-byte characters (read as GB18030) outside the GB2312 core."""
    i = chars = outside = 0
    while i < len(data):
        lead = data[i]
        if lead < 0x80:
            i += 1
            continue
        trail = data[i + 1] if i + 1 < len(data) else 0
        chars += 1
        if 0x30 <= trail <= 0x39:  # a four-byte GB18030 sequence
            outside += 1
            i += 4
            continue
        if lead < 0xA1 or trail < 0xA1:
            outside += 1
        i += 2
    return outside / chars if chars else 0.0


def _strict(data: bytes, encoding: str, file: str, skip: int = 0) -> str:
    """`data[skip:]` decoded; a problem names the line and offset in the whole file."""
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        start = exc.start + skip
        line = data[:start].count(b"\n") + 1
        raise _error(
            file,
            line,
            None,
            f"cannot decode byte 0x{data[start]:02x} at offset {start} as {encoding}",
        ) from None


def _cell_problem(value: str) -> str | None:
    if len(value) > MAX_CELL_CHARS:
        return f"cell is {len(value):,} characters long; the limit is {MAX_CELL_CHARS:,}"
    bad = CONTROL.search(value)
    if bad:
        return f"control character U+{ord(bad.group()):04X} in the cell"
    return None


def _header(cells: list[str], file: str, problems: list[Problem]) -> list[str]:
    header = [h.strip().lstrip("\ufeff") for h in cells]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        problems.append(
            Problem(file, 1, None, f"{len(header)} columns; the limit is {MAX_COLUMNS}")
        )
        return header
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if not name:
            problems.append(Problem(file, 1, f"#{number}", "a header cell is empty"))
        elif (why := _cell_problem(name)) is not None:
            problems.append(Problem(file, 1, f"#{number}", why))
        elif name in seen:
            problems.append(
                Problem(file, 1, name, f"column named twice (columns {seen[name]} and {number})")
            )
        else:
            seen[name] = number
    return header


def _too_long(value: str) -> str | None:
    """`_cell_problem` for a text known to hold no control character."""
    if len(value) > MAX_CELL_CHARS:
        return f"cell is {len(value):,} characters long; the limit is {MAX_CELL_CHARS:,}"
    return None


def _row(
    cells: list[str],
    header: list[str],
    file: str,
    line: int,
    problems: list[Problem],
    check: Callable[[str], str | None] = _cell_problem,
) -> Row | None:
    """One record as a row, or None (with the problem) when it does not fit the header."""
    if len(cells) > len(header):
        extra = cells[len(header) :]
        if any(c.strip() for c in extra):
            n = sum(1 for c in extra if c.strip())
            message = f"{n} more cell(s) than the header has columns"
            problems.append(Problem(file, line, None, message))
            return None
    if check is _too_long and max(map(len, cells), default=0) <= MAX_CELL_CHARS:
        return Row(file, line, dict(zip(header, map(str.strip, cells), strict=False)))
    values: dict[str, str] = {}
    ok = True
    for name, raw in zip(header, cells, strict=False):
        why = check(raw)
        if why is not None:
            problems.append(Problem(file, line, name, why))
            ok = False
        values[name] = raw.strip()
    return Row(file, line, values) if ok else None


def parse_csv(text: str, file: str) -> Table:
    """Parse decoded CSV text strictly.

    >>> t = parse_csv('id,name\\na,"x\\n', "t.csv")
    >>> t.rows, [str(p) for p in t.problems]
    ([], ['t.csv:2: a quote opened on this line is never closed (unexpected end of data)'])
    """
    problems: list[Problem] = []
    long = _long_line(text)
    if long is not None:
        line, length = long
        message = f"line is {length:,} characters long; the limit is {MAX_LINE:,}"
        return Table(file, [], [], [Problem(file, line, None, message)], header_ok=False)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    # One search of the whole text instead of one per cell: a text with no control
    # character anywhere has none in any cell (line ends are not control characters here),
    # and only the cells' lengths are left to check.
    check = _cell_problem if CONTROL.search(text) else _too_long
    header: list[str] | None = None
    rows: list[Row] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, start, None, _csv_message(str(exc))))
            return Table(file, header or [], [], problems, header_ok=header is not None)
        if header is None:
            header = _header(cells, file, problems)
            if problems:
                return Table(file, header, [], problems, header_ok=False)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(file, start, None, f"more than {MAX_ROWS:,} rows"))
            break
        if len(cells) < len(header):
            problems.append(
                Problem(
                    file,
                    start,
                    header[len(cells)],
                    f"{len(cells)} cell(s) where the header has {len(header)}",
                )
            )
            continue
        row = _row(cells, header, file, start, problems, check)
        if row is not None:
            rows.append(row)
    return Table(file, header or [], rows, problems)


def _long_line(text: str) -> tuple[int, int] | None:
    """The first physical line longer than `MAX_LINE` (its number and length), if any."""
    if len(text) <= MAX_LINE or max(map(len, text.split("\n"))) <= MAX_LINE:
        return None  # (the split measures every line at C speed; the walk below names it)
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end == -1 else end
        if stop - start > MAX_LINE:
            return number, stop - start
        if end == -1:
            return None
        start, number = end + 1, number + 1


def parse_csv_columns(text: str, file: str) -> Table:
    """`parse_csv`, read a column at a time when nothing needs a record-by-record look.

    A national table has millions of records, and `parse_csv` spends a Python loop and a
    dict on each. Here `csv.reader` reads them all at C speed, and if every physical line is
    one record (so record `j` is line `j + 2`), no cell holds a control character or is too
    long, every record has the header's cells and none is blank, the columns are returned
    as they are (`Table.columns`). Anything else, including every problem, is left to
    `parse_csv`, which reads the text again and says where: the answer is the same either
    way, only faster for a clean table.
    """
    # No line longer than a cell may be: then neither is any cell (nor any line too long).
    if CONTROL.search(text) or max(map(len, text.split("\n"))) > MAX_CELL_CHARS:
        return parse_csv(text, file)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error:
        return parse_csv(text, file)
    if not records or reader.line_num != len(records) or len(records) > MAX_ROWS + 1:
        return parse_csv(text, file)
    problems: list[Problem] = []
    header = _header(records[0], file, problems)
    if problems:
        return Table(file, header, [], problems, header_ok=False)
    width = len(header)
    body = records[1:]
    if not body:
        return Table(file, header, [], columns=Columns(range(2, 2), [() for _ in header]))
    if [] in body or min(map(len, body)) != width or max(map(len, body)) != width:
        return parse_csv(text, file)
    cells = [tuple(map(str.strip, column)) for column in zip(*body, strict=True)]
    first = cells[0]
    for j in (j for j, v in enumerate(first) if not v):  # a blank record is skipped there
        if not any(c[j] for c in cells):
            return parse_csv(text, file)
    return Table(file, header, [], columns=Columns(range(2, 2 + len(body)), cells))


def _csv_message(error: str) -> str:
    if "unexpected end of data" in error:
        return f"a quote opened on this line is never closed ({error})"
    if "field larger than field limit" in error:
        return f"a cell is longer than the limit of {MAX_CELL_CHARS:,} characters"
    return f"not valid CSV: {error}"


def read_csv(path: Path, shown: str, folder: Path | None = None, *, columns: bool = False) -> Table:
    """The CSV file as a table; by column (`parse_csv_columns`) if `columns` and it is clean."""
    data = read_capped(folder or path.parent, path, shown, MAX_TABLE_BYTES)
    text = decode(data, shown)
    del data  # a national table's bytes need not outlive its text
    return parse_csv_columns(text, shown) if columns else parse_csv(text, shown)


class Formula(str):
    """A workbook cell holding a formula: its text, which is not data (`data_only` would give
    the value last cached by Excel, or nothing for a workbook no spreadsheet has computed)."""


def _cell(value: object) -> str:
    if isinstance(value, Formula):
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(rows: Iterator[tuple[object, ...]], display: str) -> Table:
    problems: list[Problem] = []
    try:
        header = _header([_cell(h) for h in next(rows)], display, problems)
    except StopIteration:
        return Table(display, [], [])
    if problems:
        return Table(display, header, [], problems, header_ok=False)
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            problems.append(Problem(display, number, None, f"more than {MAX_ROWS:,} rows"))
            break
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        formulas = [h for h, c in zip(header, cells, strict=False) if isinstance(c, Formula)]
        if formulas:
            for h in formulas:
                problems.append(
                    Problem(
                        display,
                        number,
                        h,
                        "a formula cell: save the sheet with values, not formulas",
                    )
                )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        row = _row(cells, header, display, number, problems)
        if row is not None:
            out.append(row)
    return Table(display, header, out, problems)


def _values(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[object, ...]]:
    """Cell values, with formula cells marked as such."""
    for row in rows:
        yield tuple(
            Formula(c.value) if getattr(c, "data_type", None) == "f" else getattr(c, "value", None)
            for c in row
        )


def check_workbook(path: Path, shown: str) -> None:
    """Refuse a workbook that is not a sound zip, uncompresses too large, or holds a DTD.

    Every part is read through, so that a size its header understates is still caught.
    """
    total = 0
    try:
        with zipfile.ZipFile(path) as book:
            for info in book.infolist():
                if total + info.file_size > MAX_XLSX_BYTES:
                    raise _too_large(shown)
                tail = b""
                with book.open(info) as part:
                    while chunk := part.read(MiB):
                        total += len(chunk)
                        if total > MAX_XLSX_BYTES:
                            raise _too_large(shown)
                        window = tail + chunk
                        if any(mark in window for mark in DTD_MARKS):
                            raise _error(
                                shown,
                                None,
                                info.filename,
                                "the workbook declares a DTD or an entity; refused",
                            )
                        tail = chunk[-32:]
    except InvalidInputError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise _error(shown, None, None, f"not a readable .xlsx workbook: {exc}") from None


def _too_large(shown: str) -> InvalidInputError:
    return _error(
        shown,
        None,
        None,
        f"the workbook uncompresses to more than {MAX_XLSX_BYTES:,} bytes; refused",
    )


def read_xlsx(path: Path, display: str, sheet: str | None = None) -> Table:
    # The file is opened here and closed whatever openpyxl does: on a damaged workbook it
    # raises with its own handle left open.
    with path.open("rb") as handle:
        workbook = _open_workbook(handle, display)
        try:
            ws = workbook[sheet] if sheet else workbook.worksheets[0]
            name = f"{display}#{ws.title}" if sheet else display
            # A sheet may claim any dimensions; reading by them could pad rows to 16,384 cells.
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            try:
                return read_sheet(_values(ws.iter_rows()), name)
            except Exception as exc:
                raise _error(
                    name, None, None, f"cannot read the sheet: {type(exc).__name__}: {exc}"
                ) from None
        finally:
            workbook.close()


def _open_workbook(handle: Any, display: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or hostile workbook
        raise _error(
            display, None, None, f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}"
        ) from None


class Sources:
    """Where each table of a folder comes from; each workbook is checked once."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._checked: dict[Path, InvalidInputError | None] = {}
        self._sheets: list[str] | None = None

    def _workbook_ok(self, path: Path, shown: str) -> bool:
        """Whether the workbook may be read; raises its problem the first time only."""
        if path not in self._checked:
            try:
                real = checked(self.folder, path, shown)
                if real.stat().st_size > MAX_TABLE_BYTES:
                    raise _error(shown, None, None, f"larger than {MAX_TABLE_BYTES:,} bytes")
                check_workbook(real, shown)
                self._checked[path] = None
            except InvalidInputError as exc:
                self._checked[path] = exc
                raise
        return self._checked[path] is None

    def _book_sheets(self) -> list[str]:
        if self._sheets is None:
            book = self.folder / BOOK
            self._sheets = []
            if present(book) and self._workbook_ok(book, display(self.folder, book)):
                with book.open("rb") as handle:
                    workbook = _open_workbook(handle, display(self.folder, book))
                    try:
                        self._sheets = list(workbook.sheetnames)
                    finally:
                        workbook.close()
        return self._sheets

    def table(self, name: str, *, columns: bool = False) -> Table | None:
        """The table `name`, from `name.csv`, `name.xlsx` or `dataset.xlsx`; None if absent.
        With `columns`, a clean CSV comes back by column (`Table.columns`)."""
        csv_path = self.folder / f"{name}.csv"
        xlsx_path = self.folder / f"{name}.xlsx"
        book = self.folder / BOOK
        given = [p for p in (csv_path, xlsx_path) if present(p)]
        in_book = name in self._book_sheets()
        places = [display(self.folder, p) for p in given]
        if in_book:
            places.append(f"{display(self.folder, book)}#{name}")
        if len(places) > 1:
            raise _error(
                places[0],
                None,
                None,
                f"table {name!r} is given {len(places)} times ({', '.join(places)}); keep one",
            )
        if present(csv_path):
            return read_csv(csv_path, display(self.folder, csv_path), self.folder, columns=columns)
        if present(xlsx_path):
            shown = display(self.folder, xlsx_path)
            if not self._workbook_ok(xlsx_path, shown):
                return Table(shown, [], [], header_ok=False)
            return read_xlsx(xlsx_path, shown)
        if in_book:
            return read_xlsx(book, display(self.folder, book), sheet=name)
        return None


def find_table(folder: Path, name: str) -> Table | None:
    """The table `name` of a dataset folder, from `name.csv`, `name.xlsx` or `dataset.xlsx`."""
    return Sources(folder).table(name)

"""Property tests: the CSV reader and the name normaliser, on whatever Hypothesis makes up.

- any table a spreadsheet could write (quotes, commas, line breaks, any script in a cell)
  reads back cell for cell;
- any bytes at all either read as a table (or as JSON) or fail with `InvalidInputError`,
  never another exception; strict JSON reads back whatever `json` writes;
- `name_key` never fails, leaves no white space, and is idempotent; a name the loader
  accepts has no invisible character, before or after normalising.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmodel.errors import InvalidInputError
from graphmodel.names import name_key
from loaders import strictjson
from loaders.schema import FORMULA_LEAD, HIDDEN, ColumnError, name
from loaders.tables import CONTROL, decode, parse_csv

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# What a cell of a real table holds: any visible text, including quotes, commas and line
# breaks, without the surrounding white space the reader strips.
cell = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
    .filter(lambda s: not CONTROL.search(s))
    .map(str.strip)
)
column = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(column, min_size=1, max_size=6, unique=True))
    rows = draw(
        st.lists(
            st.lists(cell, min_size=len(header), max_size=len(header)).filter(lambda r: any(r)),
            max_size=8,
        )
    )
    return header, rows


@SETTINGS
# Python's writer quotes a bare CR only when CR is in the line terminator; so do spreadsheets.
@given(
    tables(), st.sampled_from([("\r\n", csv.QUOTE_MINIMAL), ("\n", csv.QUOTE_ALL)]), st.booleans()
)
def test_a_written_table_reads_back_cell_for_cell(
    table: tuple[list[str], list[list[str]]], dialect: tuple[str, Literal[0, 1, 2, 3]], bom: bool
) -> None:
    header, rows = table
    out = io.StringIO()
    newline, quoting = dialect
    csv.writer(out, lineterminator=newline, quoting=quoting).writerows([header, *rows])
    data = out.getvalue().encode("utf-8")
    read = parse_csv(decode(b"\xef\xbb\xbf" + data if bom else data, "t.csv"), "t.csv")
    assert read.problems == []
    assert read.header == header
    assert [[r.values[h] for h in header] for r in read.rows] == rows


@SETTINGS
@given(st.binary(max_size=600))
def test_any_bytes_read_or_fail_as_invalid_input(data: bytes) -> None:
    try:
        table = parse_csv(decode(data, "t.csv"), "t.csv")
    except InvalidInputError as exc:
        assert exc.problems and all(p.file == "t.csv" for p in exc.problems)
        return
    for row in table.rows:
        assert set(row.values) <= set(table.header)


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_parses_without_an_unexpected_exception(text: str) -> None:
    table = parse_csv(text, "t.csv")
    assert all(p.file == "t.csv" and p.line is not None for p in table.problems)


@SETTINGS
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=60))
def test_name_key_never_fails_leaves_no_white_space_and_is_idempotent(name: str) -> None:
    key = name_key(name)
    assert not any(c.isspace() for c in key)
    assert name_key(key) == key


@SETTINGS
@given(st.text(max_size=60))
def test_a_name_is_accepted_visible_or_refused_as_a_column_error(text: str) -> None:
    try:
        accepted = name(text)
    except ColumnError:
        return
    assert accepted == text and not accepted.startswith(FORMULA_LEAD)
    assert not any(unicodedata.category(c) in HIDDEN for c in name_key(accepted))


# Strings as strict JSON accepts them: no control character but tab and line breaks.
json_text = st.text(max_size=20).filter(lambda s: not CONTROL.search(s))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=30,
)


@SETTINGS
@given(json_values)
def test_strict_json_reads_back_what_json_writes(value: object) -> None:
    assert strictjson.loads(json.dumps(value).encode(), "t.json") == value


@SETTINGS
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_are_json_or_invalid_input(data: bytes) -> None:
    try:
        strictjson.loads(data, "t.json")
    except InvalidInputError as exc:
        assert exc.problems and all(p.file == "t.json" for p in exc.problems)

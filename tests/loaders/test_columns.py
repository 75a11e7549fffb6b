"""A clean CSV is read a column at a time (`loaders.columns`); the answers must be those of
the record-by-record parse: the same dataset, or the same problems at the same file, line
and column, in the same order, and nothing returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synthetic import generate
from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError, Problem
from loaders import tables
from loaders.export import write_folder
from loaders.folder import load_dataset
from loaders.samples import list_samples, sample_path


def by_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table read record by record, as before the columns."""
    monkeypatch.setattr(tables, "parse_csv_columns", tables.parse_csv)


def both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What the load gives (a dataset, or its problems) by column, then by record."""

    def one() -> Dataset | list[Problem]:
        try:
            return load_dataset(folder)
        except InvalidInputError as exc:
            return exc.problems

    by_column = one()
    with monkeypatch.context() as m:
        by_record(m)
        return by_column, one()


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_a_clean_csv_is_read_by_column() -> None:
    t = tables.parse_csv_columns("id,name\na, 甲 \nb,乙\n", "t.csv")
    assert t.columns is not None and t.rows == []
    assert (list(t.columns.lines), t.columns.cells) == ([2, 3], [("a", "b"), ("甲", "乙")])


@pytest.mark.parametrize(
    "text",
    [
        'id,name\na,"two\nlines"\n',  # a record over two lines: line numbers shift
        "id,name\na,b\n\nc,d\n",  # a blank line
        "id,name\na,b\n , \n",  # a blank record
        "id,name\na\n",  # too few cells
        "id,name\na,b,c\n",  # too many
        "id,name\na,b\x07\n",  # a control character
        'id,name\na,"b\n',  # a quote never closed
        "id,name\na," + "x" * (tables.MAX_CELL_CHARS + 1) + "\n",  # a cell too long
        'id,name\na,"' + "x" * (tables.MAX_CELL_CHARS + 1) + '"\n',  # quoted
        'id,name\na,"' + '""' * (tables.MAX_CELL_CHARS // 2 + 1) + '"\n',  # its raw text only
        "id,name\n" + "a,b\r" * (tables.MAX_LINE // 4 + 1) + "\n",  # one line of short records
        ",".join(f"c{k}" for k in range(tables.MAX_COLUMNS + 1)) + "\n",  # too many columns
        ",".join("x" * tables.MAX_CELL_CHARS for _ in range(tables.MAX_COLUMNS + 1)) + "\n",
    ],
)
def test_anything_but_a_clean_csv_is_read_record_by_record(text: str) -> None:
    fast, slow = tables.parse_csv_columns(text, "t.csv"), tables.parse_csv(text, "t.csv")
    assert fast.columns is None
    assert (fast.rows, fast.problems, fast.header_ok) == (slow.rows, slow.problems, slow.header_ok)


@pytest.mark.parametrize("sample", [s["id"] for s in list_samples()])
def test_the_samples_load_alike(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    by_column, by_rec = both(sample_path(sample), monkeypatch)
    assert isinstance(by_column, Dataset)
    assert by_column == by_rec


def test_a_synthetic_folder_loads_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_folder(generate(3000, 7).dataset, tmp_path / "syn")
    by_column, by_rec = both(tmp_path / "syn", monkeypatch)
    assert isinstance(by_column, Dataset) and by_column.institutions
    assert by_column == by_rec


BAD_ROWS = [
    ("institutions.csv", "Mini-c,某医院,primary,general,public,mini-county,test data"),  # id
    ("institutions.csv", "mini-c,某\u200b医院,primary,general,public,mini-county,test data"),
    ("institutions.csv", "mini-c,=某医院,primary,general,public,mini-county,test data"),
    ("institutions.csv", "mini-c,某医院,quaternary,general,public,mini-county,test data"),
    ("institutions.csv", "mini-c,,primary,general,public,mini-county,test data"),  # required
    ("institutions.csv", "mini-c,某医院,primary,general,public,mini-nowhere,test data"),
    ("institutions.csv", "mini-c,某医院,primary,general,public,mini-county,"),  # no provenance
    ("institutions.csv", "mini-c,某医院,primary,general,public,mini-county,@assume"),
    ("memberships.csv", "mini-b,mini-x,member,2020-13-01,test data"),
    ("memberships.csv", "mini-b,mini-x,member,20200101,test data"),
    ("memberships.csv", "mini-b,mini-x,boss,2020-01-01,"),  # two problems in one record
]


@pytest.mark.parametrize(("file", "line"), BAD_ROWS)
def test_each_problem_is_where_the_record_by_record_parse_puts_it(
    dataset_dir: Path, monkeypatch: pytest.MonkeyPatch, file: str, line: str
) -> None:
    append(dataset_dir / file, line)
    append(dataset_dir / file, line.replace("mini-c,", "mini-d,", 1))  # twice: all are named
    by_column, by_rec = both(dataset_dir, monkeypatch)
    assert isinstance(by_column, list) and by_column, "the load fails and returns nothing"
    assert by_column == by_rec
    assert all(p.file == f"mini/{file}" and p.line in (4, 5) and p.column for p in by_column)


def test_a_repeated_membership_is_named_by_its_key(dataset_dir: Path) -> None:
    """Memberships are compared as tuples first; two alike are still named by their key."""
    append(dataset_dir / "memberships.csv", "mini-b,mini-x,hub,2020-01-01,again")
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(dataset_dir)
    assert caught.value.problems == [
        Problem("memberships", None, None, "duplicate membership 'mini-b|mini-x|hub|2020-01-01'")
    ]


ROLES = "institution,role,condition,condition_value,assumption\n"
PAIRINGS = "alliance,upper,lower,assumption\n"
MEMBERSHIPS = "institution,alliance,role,valid_from,valid_to,assumption\n"
INSTITUTIONS = "id,name,level,type,ownership,division,uscc,assumption\n"
A = "mini-a,测试县人民医院,secondary,general,public,mini-county"
B = "mini-b,测试镇卫生院,primary,township_centre,public,mini-county"

C = "mini-c,另一医院,primary,general,public"


def rows(header: str, *records: str) -> str:
    return header + "".join(f"{r},test data\n" for r in records)


# Each breaks one check a table read by column makes a column at a time (ids defined twice,
# references, dates, conditions, USCCs) or one invariant read from the columns: the table
# then goes record by record, and the problems must be those of a record-by-record load.
# (file, its whole text or None, a line to append or None)
BROKEN = {
    "an institution id twice": ("institutions.csv", None, f"mini-a{C[6:]},mini-county,t"),
    "an unknown division": ("institutions.csv", None, f"{C},mini-town,t"),
    "a name twice in a division": (
        "institutions.csv", None, "mini-c,测试县人民医院,primary,general,public,mini-county,t"
    ),
    "an invalid USCC": (
        "institutions.csv", rows(INSTITUTIONS, f"{A},91110108MA0123456X", f"{B},"), None
    ),
    "a second lead": ("memberships.csv", None, "mini-b,mini-x,lead,2021-01-01,t"),
    "an unknown alliance": ("memberships.csv", None, "mini-b,mini-nowhere,member,2021-01-01,t"),
    "an end before the start": (
        "memberships.csv",
        rows(MEMBERSHIPS, "mini-a,mini-x,lead,2020-01-01,",
             "mini-b,mini-x,hub,2020-01-01,2019-01-01", "mini-b,mini-x,hub,2020-01-01,2019-01-01"),
        None,
    ),
    "a condition with no value": (
        "roles.csv", rows(ROLES, "mini-a,first_contact,,", "mini-b,first_contact,employees_only,"),
        None,
    ),
    "a role of an unknown institution": (
        "roles.csv", rows(ROLES, "mini-a,first_contact,,", "mini-z,first_contact,,"), None
    ),
    "an inverted pairing": ("pairings.csv", rows(PAIRINGS, "mini-x,mini-b,mini-a"), None),
}  # fmt: skip

# Clean, but each takes a path of its own: the answers must still be those of a
# record-by-record load (the same dataset).
UNUSUAL = {
    "a valid USCC, written in lower case": (
        "institutions.csv", rows(INSTITUTIONS, f"{A},91110108ma0123456g", f"{B},"), None
    ),
    "several grants of one institution": (
        "roles.csv",
        rows(ROLES, "mini-a,first_contact,until_review,复审", "mini-b,first_contact,,",
             "mini-a,accepts_referrals,after_review,复审",
             "mini-a,first_contact,employees_only,某公司"),
        None,
    ),
    "a name with spaces": (
        "institutions.csv", None, "mini-c,测试 县 医院,primary,general,public,mini-county,t"
    ),
    "a division by its code": ("institutions.csv", None, f"{C},420704,t"),
}  # fmt: skip


def edit(folder: Path, file: str, text: str | None, line: str | None) -> None:
    if text is not None:
        (folder / file).write_text(text, encoding="utf-8")
    if line is not None:
        append(folder / file, line)


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_column_gives_the_problems_of_the_record_by_record_load(
    dataset_dir: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    edit(dataset_dir, *BROKEN[case])
    by_column, by_rec = both(dataset_dir, monkeypatch)
    assert isinstance(by_column, list) and by_column, "the load fails and returns nothing"
    assert by_column == by_rec


@pytest.mark.parametrize("case", UNUSUAL)
def test_an_unusual_clean_column_loads_as_record_by_record(
    dataset_dir: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    edit(dataset_dir, *UNUSUAL[case])
    by_column, by_rec = both(dataset_dir, monkeypatch)
    assert isinstance(by_column, Dataset), by_column
    assert by_column == by_rec


def test_grants_alike_are_one_value_and_each_institution_keeps_its_own_in_order(
    dataset_dir: Path,
) -> None:
    edit(dataset_dir, *UNUSUAL["several grants of one institution"])
    append(dataset_dir / "roles.csv", "mini-b,accepts_referrals,,,test data")
    roles = {i.id: i.roles for i in load_dataset(dataset_dir).institutions}
    assert [(g.role, g.condition, g.condition_value) for g in roles["mini-a"]] == [
        ("first_contact", "until_review", "复审"),
        ("accepts_referrals", "after_review", "复审"),
        ("first_contact", "employees_only", "某公司"),
    ]
    assert [g.role for g in roles["mini-b"]] == ["first_contact", "accepts_referrals"]


def test_the_column_shortcuts_agree_with_the_cell_parsers() -> None:
    """What `loaders.columns` decides for a whole column, `schema` decides per cell."""
    from loaders import columns, schema

    cells = ("a-1", "", "-a", "A", "a b", "名", "a_b", "9", "a\u0131", "ab-")
    for cell in cells:
        one = (cell,)
        ok = bool(schema.SLUG.match(cell)) or not cell
        assert columns._all_slugs(one) is ok, cell
        for leads in (("=", "@"), schema.FORMULA_LEAD):
            assert columns._any_starts((*one, "x"), leads) is cell.startswith(leads), cell
    assert columns._all_slugs(("a", "", "b-2")) and not columns._all_slugs(("a", "b\n-c"))

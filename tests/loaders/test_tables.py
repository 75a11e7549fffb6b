"""Government spreadsheets arrive as GBK or UTF-8-with-BOM CSV, or as .xlsx: all load alike."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from loaders.folder import load_dataset


def test_gbk_csv_loads_like_utf8(dataset_dir: Path) -> None:
    path = dataset_dir / "institutions.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    assert load_dataset(dataset_dir).institutions[0].name == "测试县人民医院"


def test_utf8_with_bom_loads(dataset_dir: Path) -> None:
    path = dataset_dir / "institutions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_dataset(dataset_dir).institutions[0].id == "mini-a"


def test_xlsx_table_replaces_csv(dataset_dir: Path) -> None:
    csv_path = dataset_dir / "institutions.csv"
    rows = [line.split(",") for line in csv_path.read_text(encoding="utf-8").splitlines()]
    csv_path.unlink()
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(dataset_dir / "institutions.xlsx")
    data = load_dataset(dataset_dir)
    assert [i.name for i in data.institutions] == ["测试县人民医院", "测试镇卫生院"]


def test_one_workbook_with_a_sheet_per_table(dataset_dir: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name in ("institutions", "memberships"):
        path = dataset_dir / f"{name}.csv"
        sheet = book.create_sheet(name)
        for line in path.read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(","))
        path.unlink()
    book.save(dataset_dir / "dataset.xlsx")
    data = load_dataset(dataset_dir)
    assert len(data.institutions) == 2 and len(data.memberships) == 2


def test_xlsx_errors_name_the_sheet_row(dataset_dir: Path) -> None:
    import pytest

    from graphmodel.errors import InvalidInputError

    book = Workbook()
    sheet = book.active
    sheet.append(["institution", "alliance", "role", "assumption"])
    sheet.append(["mini-a", "mini-x", "lead", "t"])
    sheet.append(["mini-a", "mini-x", "captain", "t"])
    book.save(dataset_dir / "memberships.xlsx")
    (dataset_dir / "memberships.csv").unlink()
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(dataset_dir)
    [p] = caught.value.problems
    assert (p.file, p.line, p.column) == ("mini/memberships.xlsx", 3, "role")

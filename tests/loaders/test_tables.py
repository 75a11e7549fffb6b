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


def test_every_sample_table_saved_as_gbk_reads_and_as_big5_is_refused() -> None:
    import opencc
    import pytest

    from graphmodel.errors import InvalidInputError
    from loaders.samples import sample_path
    from loaders.tables import decode

    to_traditional = opencc.OpenCC("s2t")
    for name in ("ezhou", "linkou", "wuxi"):
        for path in sorted(sample_path(name).glob("*.csv")):
            text = path.read_text(encoding="utf-8")
            assert decode(text.encode("gbk"), path.name) == text
            if text.isascii():
                continue
            with pytest.raises(InvalidInputError, match="big5"):
                decode(to_traditional.convert(text).encode("big5", errors="replace"), path.name)


def test_openpyxl_parses_through_defusedxml_and_entities_never_reach_it(tmp_path: Path) -> None:
    import zipfile

    import openpyxl
    import pytest
    from defusedxml import DefusedXmlException

    from graphmodel.errors import InvalidInputError
    from loaders.tables import check_workbook

    assert openpyxl.DEFUSEDXML
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    entity = b'<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]>'
    parts["xl/worksheets/sheet1.xml"] = entity + parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    # Our check refuses it before openpyxl opens it …
    with pytest.raises(InvalidInputError, match="DTD"):
        check_workbook(path, "t.xlsx")
    # … and openpyxl alone, through defusedxml, would refuse the entities too.
    with path.open("rb") as handle, pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(handle, read_only=True)
    assert isinstance(caught.value.__cause__ or caught.value.__context__, DefusedXmlException)

"""A corpus of hostile datasets, each built from a good small base (a copy of the linkou sample).

Each case is a mutation of the base folder and where the loader must say the problem is:
the file, and the line or the column (a cell's column, or a JSON path). Cases that concern a
whole file (a link out of the folder, a folder where a file belongs, a damaged workbook) name
the file only. `SECRET` is the first line of a file outside the dataset, which no message may
ever echo.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from loaders.samples import sample_path

BASE = "linkou"
SECRET = "root:x:0:0:the-outside-secret-line"
ANY = object()


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    file: str  # as messages name it, e.g. "linkou/pairings.csv"
    line: Any = ANY  # an int, or ANY
    column: Any = ANY  # a str, or ANY
    whole_file: bool = False  # the problem is the file itself: no line or column to give
    patch: dict[str, Any] = field(default_factory=dict)  # "module.NAME": value, e.g. small caps


def base(tmp: Path) -> Path:
    folder = tmp / BASE
    shutil.copytree(sample_path(BASE), folder)
    (folder / "referrals.csv").write_text(
        "from,to,period,direction,condition,count,assumption\n"
        "linkou-xinglin-chc,linkou-county-people,2024,up,general,12,test data\n",
        encoding="utf-8",
    )
    return folder


# --- helpers -------------------------------------------------------------------------------


def read_rows(folder: Path, table: str) -> list[list[str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(folder: Path, table: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")


def set_cell(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Mutation: data row `row` (1 = first after the header) of `table` gets `value`."""

    def mutate(folder: Path) -> None:
        rows = read_rows(folder, table)
        rows[row][rows[0].index(column)] = value
        write_rows(folder, table, rows)

    return mutate


def append_row(table: str, values: dict[str, str]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        rows = read_rows(folder, table)
        rows.append([values.get(h, "") for h in rows[0]])
        write_rows(folder, table, rows)

    return mutate


def edit_text(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / name
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return mutate


def edit_lines(table: str, edit: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    return edit_text(f"{table}.csv", lambda t: "\n".join(edit(t.split("\n"))))


def write_bytes(name: str, data: bytes | Callable[[Path], bytes]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        (folder / name).write_bytes(data(folder) if callable(data) else data)

    return mutate


def encode_as(table: str, encoding: str, traditional: bool = False) -> Callable[[Path], bytes]:
    def data(folder: Path) -> bytes:
        text = (folder / f"{table}.csv").read_text(encoding="utf-8")
        if traditional:
            import opencc

            text = opencc.OpenCC("s2t").convert(text)
        return text.encode(encoding, errors="replace")

    return data


def edit_json(name: str, edit: Callable[[Any], None]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    return mutate


def replace_text(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(text: str) -> str:
        assert old in text, (name, old)
        return text.replace(old, new, 1)

    return edit_text(name, edit)


def outside(folder: Path) -> Path:
    secret = folder.parent / "outside.txt"
    secret.write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    return secret


def symlink_out(name: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        target = folder / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        secret = outside(folder)
        if name == "policies":
            secret_dir = folder.parent / "outside-policies"
            secret_dir.mkdir()
            shutil.copy(secret, secret_dir / "stolen.json")
            target.symlink_to(secret_dir)
        else:
            target.symlink_to(secret)

    return mutate


def folder_instead(name: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / name
        path.unlink(missing_ok=True)
        path.mkdir()
        (path / "inside.txt").write_text("x", encoding="utf-8")

    return mutate


def fifo(name: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        (folder / name).unlink(missing_ok=True)
        os.mkfifo(folder / name)

    return mutate


def deep(n: int) -> str:
    return "[" * n + "]" * n


def policy(edit: Callable[[Any], None]) -> Callable[[Path], None]:
    return edit_json("policies/linkou-2017.json", edit)


def rule(kind: str, index: int = 0) -> Callable[[Any], Any]:
    """The index-th rule of `kind` in a policy document."""
    return lambda d: [r for r in d["rules"] if r["kind"] == kind][index]


CAP, CONSEQUENCE = rule("cap"), rule("consequence")


def rule_index(kind: str, index: int = 0) -> int:
    data = json.loads((sample_path(BASE) / "policies/linkou-2017.json").read_text("utf-8"))
    return [i for i, r in enumerate(data["rules"]) if r["kind"] == kind][index]


def raw_policy(edit: Callable[[str], str]) -> Callable[[Path], None]:
    return edit_text("policies/linkou-2017.json", edit)


# --- workbooks -----------------------------------------------------------------------------


def table_as_xlsx(table: str, keep_csv: bool = False) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        rows = read_rows(folder, table)
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(folder / f"{table}.xlsx")
        if not keep_csv:
            (folder / f"{table}.csv").unlink()

    return mutate


def rewrite_xlsx(table: str, edit: Callable[[str, bytes], bytes]) -> Callable[[Path], None]:
    """Mutation: `table` as an .xlsx whose parts pass through `edit(name, data)`."""

    def mutate(folder: Path) -> None:
        table_as_xlsx(table)(folder)
        path = folder / f"{table}.xlsx"
        with zipfile.ZipFile(path) as book:
            parts = [(i.filename, book.read(i)) for i in book.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, data in parts:
                book.writestr(name, edit(name, data))

    return mutate


def with_dtd(name: str, data: bytes) -> bytes:
    if name != "xl/worksheets/sheet1.xml":
        return data
    return b"<!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>" + data


def billion_laughs(name: str, data: bytes) -> bytes:
    if name != "xl/sharedStrings.xml" and name != "xl/worksheets/sheet1.xml":
        return data
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    root = b"sst" if name.endswith("sharedStrings.xml") else b"worksheet"
    return b"<!DOCTYPE " + root + f" [{entities}]>".encode() + data


def zip_bomb(size: int) -> Callable[[Path], None]:
    """An institutions.xlsx holding a part of `size` zero bytes (a few hundred KiB zipped)."""

    def mutate(folder: Path) -> None:
        table_as_xlsx("institutions")(folder)
        path = folder / "institutions.xlsx"
        with (
            zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book,
            book.open("xl/media/padding.bin", "w", force_zip64=True) as part,
        ):
            chunk = bytes(2**20)
            for _ in range(size // 2**20):
                part.write(chunk)

    return mutate


def lying_sizes(folder: Path) -> None:
    """A workbook part whose headers claim 100 bytes but which inflates to 64 MiB."""
    import struct

    table_as_xlsx("institutions")(folder)
    path = folder / "institutions.xlsx"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", bytes(64 * 2**20))
    data = bytearray(path.read_bytes())
    name = b"xl/media/padding.bin"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if offset == 22 else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 100)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def truncated_xlsx(folder: Path) -> None:
    table_as_xlsx("institutions")(folder)
    path = folder / "institutions.xlsx"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def both_book_and_csv(folder: Path) -> None:
    rows = read_rows(folder, "institutions")
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("institutions")
    for row in rows:
        sheet.append(row)
    book.save(folder / "dataset.xlsx")


def not_a_zip(folder: Path) -> None:
    (folder / "institutions.csv").rename(folder / "institutions.xlsx")


def dangling(folder: Path) -> None:
    (folder / "pairings.csv").unlink()
    (folder / "pairings.csv").symlink_to(folder / "nowhere.csv")


def formula_in_xlsx(folder: Path) -> None:
    rows = read_rows(folder, "institutions")
    rows[1][rows[0].index("name")] = '=HYPERLINK("http://evil","x")'
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(folder / "institutions.xlsx")
    (folder / "institutions.csv").unlink()


# --- GeoJSON -------------------------------------------------------------------------------


def boundaries(doc: str | Callable[[], str]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        text = doc() if callable(doc) else doc
        (folder / "boundaries.geojson").write_text(text, encoding="utf-8")

    return mutate


def feature(geometry: str, props: str = '{"id": "linkou-county", "assumption": "t"}') -> str:
    return (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        f'"properties": {props}, "geometry": {geometry}}}]}}'
    )


SQUARE = "[[[130,45],[131,45],[131,46],[130,45]]]"

P, INS, M, PA, R, D = (
    "linkou/pairings.csv",
    "linkou/institutions.csv",
    "linkou/memberships.csv",
    "linkou/pairings.csv",
    "linkou/referrals.csv",
    "linkou/divisions.csv",
)
MANIFEST, POLICY, GEO = (
    "linkou/dataset.json",
    "linkou/policies/linkou-2017.json",
    "linkou/boundaries.geojson",
)
CAP_AT = f"$.rules[{rule_index('cap')}]"
CONSEQUENCE_AT = f"$.rules[{rule_index('consequence')}]"
DOWN_AT = f"$.rules[{rule_index('down_referral')}]"


def _lines(edit: Callable[[list[str]], None]) -> Callable[[list[str]], list[str]]:
    def run(lines: list[str]) -> list[str]:
        edit(lines)
        return lines

    return run


def _set(lines: list[str], i: int, value: str) -> None:
    lines[i] = value


CASES: list[Case] = [
    # --- strict CSV ------------------------------------------------------------------------
    Case(
        "csv-unclosed-quote",
        edit_lines(
            "pairings", _lines(lambda ls: _set(ls, 3, ls[3].replace(",任宪忠,", ',"任宪忠,', 1)))
        ),
        P,
        line=4,
    ),
    Case(
        "csv-text-after-closing-quote",
        edit_lines(
            "pairings",
            _lines(
                lambda ls: _set(
                    ls, 2, '"linkou-ur-mdj-first"x' + ls[2][len("linkou-ur-mdj-first") :]
                )
            ),
        ),
        P,
        line=3,
    ),
    Case(
        "csv-short-row",
        edit_lines("pairings", _lines(lambda ls: _set(ls, 5, ",".join(ls[5].split(",")[:4])))),
        P,
        line=6,
    ),
    Case(
        "csv-long-row",
        edit_lines("memberships", _lines(lambda ls: _set(ls, 2, ls[2] + ",surplus"))),
        M,
        line=3,
    ),
    Case(
        "csv-duplicate-header",
        edit_lines("pairings", _lines(lambda ls: _set(ls, 0, ls[0].replace("specialty", "lower")))),
        P,
        line=1,
        column="lower",
    ),
    Case(
        "csv-empty-header-cell",
        edit_lines("memberships", _lines(lambda ls: _set(ls, 0, ls[0].replace(",role,", ",,")))),
        M,
        line=1,
        column="#3",
    ),
    Case(
        "csv-nul-in-header",
        edit_lines("memberships", _lines(lambda ls: _set(ls, 0, ls[0].replace("role", "ro\0le")))),
        M,
        line=1,
    ),
    Case(
        "csv-huge-cell-beyond-csv-limit",
        set_cell("institutions", 2, "note", "x" * 1_000_000),
        INS,
        line=3,
    ),
    Case(
        "csv-cell-over-cap",
        set_cell("institutions", 2, "note", "长" * 20_000),
        INS,
        line=3,
        column="note",
    ),
    Case(
        "csv-nul-in-cell", set_cell("institutions", 1, "note", "a\0b"), INS, line=2, column="note"
    ),
    Case(
        "csv-escape-char-in-cell",
        set_cell("memberships", 1, "source", "\x1b[31mred"),
        M,
        line=2,
        column="source",
    ),
    Case(
        "csv-c1-control-in-cell",
        set_cell("memberships", 1, "source", "a\x85b"),
        M,
        line=2,
        column="source",
    ),
    Case(
        "csv-file-over-cap",
        lambda f: None,
        INS,
        whole_file=True,
        patch={"loaders.tables.MAX_TABLE_BYTES": 1000},
    ),
    Case("csv-too-many-rows", lambda f: None, P, line=4, patch={"loaders.tables.MAX_ROWS": 2}),
    Case(
        "csv-too-many-columns", lambda f: None, P, line=1, patch={"loaders.tables.MAX_COLUMNS": 3}
    ),
    # --- encodings -------------------------------------------------------------------------
    Case(
        "enc-big5",
        write_bytes("institutions.csv", encode_as("institutions", "big5", traditional=True)),
        INS,
        line=2,
    ),
    Case(
        "enc-utf16",
        write_bytes("institutions.csv", encode_as("institutions", "utf-16")),
        INS,
        line=1,
    ),
    Case(
        "enc-shift-jis",
        write_bytes("divisions.csv", encode_as("divisions", "shift_jis")),
        D,
        line=2,
    ),
    Case(
        "enc-cp1252",
        write_bytes(
            "memberships.csv",
            lambda f: (
                (f / "memberships.csv").read_bytes() + "x,y,lead,,,café crème\n".encode("cp1252")
            ),
        ),
        M,
        line=26,
    ),
    Case(
        "enc-invalid-utf8-byte",
        write_bytes(
            "memberships.csv", lambda f: (f / "memberships.csv").read_bytes() + b"\xff\xfe\xfa\n"
        ),
        M,
        line=26,
    ),
    Case(
        "enc-bom-then-invalid",
        write_bytes(
            "memberships.csv",
            lambda f: b"\xef\xbb\xbf" + (f / "memberships.csv").read_bytes() + b"\xc3\x28\n",
        ),
        M,
        line=26,
    ),
    # --- names -----------------------------------------------------------------------------
    Case("name-nul", set_cell("institutions", 1, "name", "林口\0县"), INS, line=2, column="name"),
    Case(
        "name-bom-inside",
        set_cell("institutions", 1, "name", "林口\ufeff县人民医院"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-line-break",
        set_cell("institutions", 1, "name", "林口县\n人民医院"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-tab",
        set_cell("institutions", 1, "name", "林口县\t人民医院"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-zero-width-space",
        set_cell("institutions", 1, "name", "林口县\u200b人民医院"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-zero-width-joiner",
        set_cell("alliances", 1, "name", "医联\u200d体"),
        "linkou/alliances.csv",
        line=2,
        column="name",
    ),
    Case(
        "name-bidi-override",
        set_cell("divisions", 1, "name", "黑龙江\u202e省"),
        D,
        line=2,
        column="name",
    ),
    Case(
        "name-line-separator",
        set_cell("divisions", 1, "name", "黑龙江\u2028省"),
        D,
        line=2,
        column="name",
    ),
    Case(
        "name-alt-zero-width",
        set_cell("institutions", 1, "names_alt", "牡丹市\u200b第一人民医院"),
        INS,
        line=2,
        column="names_alt",
    ),
    Case(
        "name-formula-equals",
        set_cell("institutions", 1, "name", "=cmd|' /C calc'!A0"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-formula-plus",
        set_cell("institutions", 1, "name", "+1+cmd|' /C calc'!A0"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-formula-minus",
        set_cell("institutions", 1, "name", "-2+3+cmd|' /C calc'!A0"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-formula-at",
        set_cell("institutions", 1, "name", "@SUM(1+9)*cmd|' /C calc'!A0"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "text-formula-equals-in-note",
        set_cell("institutions", 1, "note", "=cmd|' /C calc'!A0"),
        INS,
        line=2,
        column="note",
    ),
    Case(
        "text-formula-at-in-source",
        set_cell("memberships", 1, "source", "@SUM(1+9)"),
        M,
        line=2,
        column="source",
    ),
    # --- values ----------------------------------------------------------------------------
    Case(
        "date-basic-format",
        set_cell("memberships", 1, "valid_from", "20240101"),
        M,
        line=2,
        column="valid_from",
    ),
    Case(
        "date-impossible",
        set_cell("memberships", 1, "valid_from", "2024-02-30"),
        M,
        line=2,
        column="valid_from",
    ),
    Case(
        "date-fullwidth-digits",
        set_cell("memberships", 1, "valid_from", "２０２４-０１-０１"),
        M,
        line=2,
        column="valid_from",
    ),
    Case(
        "count-superscript-digit", set_cell("referrals", 1, "count", "²"), R, line=2, column="count"
    ),
    Case(
        "count-fullwidth-digits",
        set_cell("referrals", 1, "count", "１２"),
        R,
        line=2,
        column="count",
    ),
    Case(
        "count-10e30", set_cell("referrals", 1, "count", "1" + "0" * 30), R, line=2, column="count"
    ),
    Case(
        "count-int64-plus-one",
        set_cell("referrals", 1, "count", str(2**63)),
        R,
        line=2,
        column="count",
    ),
    Case(
        "count-5000-digits",
        set_cell("referrals", 1, "count", "9" * 5000),
        R,
        line=2,
        column="count",
    ),
    Case("count-negative", set_cell("referrals", 1, "count", "-3"), R, line=2, column="count"),
    Case(
        "period-fullwidth",
        set_cell("referrals", 1, "period", "２０２４"),
        R,
        line=2,
        column="period",
    ),
    # --- workbooks -------------------------------------------------------------------------
    Case("xlsx-truncated", truncated_xlsx, "linkou/institutions.xlsx", whole_file=True),
    Case("xlsx-not-a-zip", not_a_zip, "linkou/institutions.xlsx", whole_file=True),
    Case(
        "xlsx-dtd",
        rewrite_xlsx("institutions", with_dtd),
        "linkou/institutions.xlsx",
        column="xl/worksheets/sheet1.xml",
    ),
    Case(
        "xlsx-billion-laughs",
        rewrite_xlsx("institutions", billion_laughs),
        "linkou/institutions.xlsx",
        column=ANY,
    ),
    Case("xlsx-zip-bomb", zip_bomb(300 * 2**20), "linkou/institutions.xlsx", whole_file=True),
    Case(
        "xlsx-zip-bomb-under-small-cap",
        zip_bomb(8 * 2**20),
        "linkou/institutions.xlsx",
        whole_file=True,
        patch={"loaders.tables.MAX_XLSX_BYTES": 4 * 2**20},
    ),
    Case(
        "xlsx-part-larger-than-declared", lying_sizes, "linkou/institutions.xlsx", whole_file=True
    ),
    Case("xlsx-formula-cell", formula_in_xlsx, "linkou/institutions.xlsx", line=2, column="name"),
    Case(
        "xlsx-and-csv-of-one-table",
        table_as_xlsx("institutions", keep_csv=True),
        INS,
        whole_file=True,
    ),
    Case("csv-and-workbook-sheet-of-one-table", both_book_and_csv, INS, whole_file=True),
    # --- files -----------------------------------------------------------------------------
    Case("symlink-table-out", symlink_out("institutions.csv"), INS, whole_file=True),
    Case("symlink-manifest-out", symlink_out("dataset.json"), MANIFEST, whole_file=True),
    Case("symlink-policy-out", symlink_out("policies/linkou-2017.json"), POLICY, whole_file=True),
    Case(
        "symlink-policies-folder-out", symlink_out("policies"), "linkou/policies", whole_file=True
    ),
    Case("symlink-boundaries-out", symlink_out("boundaries.geojson"), GEO, whole_file=True),
    Case("symlink-dangling", dangling, P, whole_file=True),
    Case("folder-as-table", folder_instead("institutions.csv"), INS, whole_file=True),
    Case("folder-as-manifest", folder_instead("dataset.json"), MANIFEST, whole_file=True),
    Case(
        "folder-as-policy",
        folder_instead("policies/extra.json"),
        "linkou/policies/extra.json",
        whole_file=True,
    ),
    Case("fifo-as-table", fifo("pairings.csv"), P, whole_file=True),
    # --- JSON ------------------------------------------------------------------------------
    Case(
        "manifest-duplicate-key",
        replace_text("dataset.json", '"id": "linkou",', '"id": "linkou", "id": "other",'),
        MANIFEST,
        column="$",
    ),
    Case(
        "manifest-name-not-a-string",
        edit_json("dataset.json", lambda d: d.__setitem__("name", ["x"])),
        MANIFEST,
        column="$.name",
    ),
    Case(
        "manifest-sources-not-a-list",
        edit_json("dataset.json", lambda d: d.__setitem__("sources", "000")),
        MANIFEST,
        column="$.sources",
    ),
    Case(
        "manifest-source-title-number",
        edit_json("dataset.json", lambda d: d["sources"][0].__setitem__("title", 3)),
        MANIFEST,
        column="$.sources[0].title",
    ),
    Case(
        "manifest-id-not-a-slug",
        edit_json("dataset.json", lambda d: d.__setitem__("id", "../etc")),
        MANIFEST,
        column="$.id",
    ),
    Case(
        "manifest-nested-100000-deep",
        write_bytes("dataset.json", ('{"id": "linkou", "x": ' + deep(100_000) + "}").encode()),
        MANIFEST,
        column="$",
    ),
    Case(
        "manifest-5000-digit-integer",
        write_bytes("dataset.json", ('{"id": "linkou", "x": ' + "9" * 5000 + "}").encode()),
        MANIFEST,
        column="$.x",
    ),
    Case("manifest-not-json", write_bytes("dataset.json", b'{"id": "linkou",'), MANIFEST, line=1),
    Case(
        "manifest-not-utf8",
        write_bytes("dataset.json", '{"id": "linkou", "name": "林口"}'.encode("gbk")),
        MANIFEST,
        line=1,
    ),
    Case(
        "policy-duplicate-key",
        raw_policy(
            lambda t: t.replace('"version": "2017",', '"version": "2017", "version": "2018",', 1)
        ),
        POLICY,
        column="$",
    ),
    Case(
        "policy-nan",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": NaN', 1)),
        POLICY,
        column=f"{CAP_AT}.params.max",
    ),
    Case(
        "policy-infinity",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": -Infinity', 1)),
        POLICY,
        column=f"{CAP_AT}.params.max",
    ),
    Case(
        "policy-1e400",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": 1e400', 1)),
        POLICY,
        column=f"{CAP_AT}.params.max",
    ),
    Case(
        "policy-5000-digit-integer",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": ' + "7" * 5000, 1)),
        POLICY,
        column=f"{CAP_AT}.params.max",
    ),
    Case(
        "policy-nested-deep",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": ' + deep(50), 1)),
        POLICY,
        column=ANY,
    ),
    Case(
        "policy-nested-100000-deep",
        raw_policy(lambda t: t.replace('"max": 0.2', '"max": ' + deep(100_000), 1)),
        POLICY,
        column="$",
    ),
    Case(
        "policy-cap-max-a-string",
        policy(lambda d: CAP(d)["params"].__setitem__("max", "0.2")),
        POLICY,
        column=f"{CAP_AT}.params.max",
    ),
    Case(
        "policy-cap-without-metric",
        policy(lambda d: CAP(d)["params"].pop("metric")),
        POLICY,
        column=f"{CAP_AT}.params",
    ),
    Case(
        "policy-cap-applies-to-unknown-level",
        policy(lambda d: CAP(d)["params"].__setitem__("applies_to", {"level": "quaternary"})),
        POLICY,
        column=f"{CAP_AT}.params.applies_to.level",
    ),
    Case(
        "policy-consequence-applies-sometimes",
        policy(lambda d: CONSEQUENCE(d)["params"].__setitem__("applies", "sometimes")),
        POLICY,
        column=f"{CONSEQUENCE_AT}.params.applies",
    ),
    Case(
        "policy-down-referral-unknown-level",
        policy(lambda d: rule("down_referral")(d)["params"].__setitem__("levels", ["grand"])),
        POLICY,
        column=f"{DOWN_AT}.params.levels[0]",
    ),
    Case(
        "policy-valid-from-basic-format",
        policy(lambda d: d.__setitem__("valid_from", "20240101")),
        POLICY,
        column="$.valid_from",
    ),
    # --- GeoJSON ---------------------------------------------------------------------------
    Case("geojson-nested-100000-deep", boundaries(lambda: feature(deep(100_000))), GEO, column="$"),
    Case(
        "geojson-coordinates-too-deep",
        boundaries(feature('{"type": "Polygon", "coordinates": [[[[130,45]]]]}')),
        GEO,
        column=ANY,
    ),
    Case(
        "geojson-nan-coordinate",
        boundaries(
            feature('{"type": "Polygon", "coordinates": [[[NaN,45],[131,45],[131,46],[130,45]]]}')
        ),
        GEO,
        column="$.features[0].geometry.coordinates[0][0][0]",
    ),
    Case(
        "geojson-string-coordinate",
        boundaries(
            feature('{"type": "Polygon", "coordinates": [[["130",45],[131,45],[131,46],[130,45]]]}')
        ),
        GEO,
        column="$.features[0].geometry.coordinates[0][0]",
    ),
    Case(
        "geojson-duplicate-key",
        boundaries(
            feature(f'{{"type": "Polygon", "type": "MultiPolygon", "coordinates": {SQUARE}}}')
        ),
        GEO,
        column="$.features[0].geometry",
    ),
    # --- graph invariants ------------------------------------------------------------------
    Case(
        "division-own-parent",
        set_cell("divisions", 3, "parent", "linkou-county"),
        D,
        line=4,
        column="parent",
    ),
    Case("division-cycle", set_cell("divisions", 1, "parent", "linkou-county"), D, column="parent"),
    Case(
        "pairing-inverted-level",
        append_row(
            "pairings",
            {
                "alliance": "linkou-ur-mdj-first",
                "upper": "linkou-xinglin-chc",
                "lower": "linkou-mdj-first-people",
                "assumption": "t",
            },
        ),
        PA,
        line=23,
        column="upper",
    ),
    Case(
        "pairing-both-ways",
        append_row(
            "pairings",
            {
                "alliance": "linkou-ur-mdj-first",
                "upper": "linkou-xinglin-chc",
                "lower": "linkou-county-people",
                "assumption": "t",
            },
        ),
        PA,
        line=23,
        column="lower",
    ),
    Case(
        "alliance-two-leads",
        append_row(
            "memberships",
            {
                "institution": "linkou-county-people",
                "alliance": "linkou-ur-mdj-first",
                "role": "lead",
                "assumption": "t",
            },
        ),
        M,
        line=26,
        column="role",
    ),
    Case(
        "referral-condition-unknown",
        set_cell("referrals", 1, "condition", "alchemy"),
        R,
        line=2,
        column="condition",
    ),
    Case(
        "institution-twice-in-one-division",
        append_row(
            "institutions",
            {
                "id": "linkou-copy",
                "name": "林口县人民医院",
                "level": "secondary",
                "type": "general",
                "ownership": "public",
                "division": "linkou-county",
                "assumption": "t",
            },
        ),
        INS,
        line=21,
        column="name",
    ),
    # --- names, continued --------------------------------------------------------------
    Case(
        "name-private-use",
        set_cell("institutions", 1, "name", "林口县\ue000医院"),
        INS,
        line=2,
        column="name",
    ),
    Case(
        "name-unassigned-code-point",
        set_cell("institutions", 1, "name", "林口县\u0378医院"),
        INS,
        line=2,
        column="name",
    ),
    # --- JSON, continued ---------------------------------------------------------------
    Case(
        "policy-nul-in-a-condition-name",
        policy(lambda d: d["conditions"][0].__setitem__("name", "一般\u0000疾病")),
        POLICY,
        column="$.conditions[0].name",
    ),
    Case(
        "policy-escape-in-a-key",
        raw_policy(lambda t: t.replace('"version"', '"ver\\u001bsion"', 1)),
        POLICY,
        column="$",
    ),
    Case(
        "csv-row-of-three-million-cells",
        edit_lines("memberships", _lines(lambda ls: _set(ls, 2, ls[2] + "," * 3_000_000))),
        M,
        line=3,
    ),
]

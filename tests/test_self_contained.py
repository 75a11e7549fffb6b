"""The repository explains itself: no tracked file points at material outside it.

The domain is in docs/domain.md and the source documents are described in docs/sources.md.
A mention of a sibling folder of policy texts or of an outside brief would send a reader
to something the repository does not hold. The patterns are built from pieces so that this
file's own text does not match them, and this file is checked like every other.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = re.compile(
    "|".join(
        (
            re.escape("sha" + "red/"),  # a sibling folder, e.g. the policy texts
            r"\b" + "DOM" + r"AIN\b",  # the outside brief, also as "… §4.7"
            r"\b" + "DES" + r"IGN\b",  # the outside sketch; DESIGNATES / DESIGNATION pass
        )
    )
)


def tracked_files() -> list[str]:
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    return [p for p in done.stdout.decode("utf-8").split("\0") if p]


def mentions(name: str, text: str) -> list[str]:
    """`file:line: text` for every line of `text` that points outside the repository."""
    return [
        f"{name}:{n}: {line.strip()}"
        for n, line in enumerate(text.splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]


def file_mentions(name: str) -> list[str]:
    path = ROOT / name
    if path.is_symlink():
        return mentions(name, os.readlink(path))
    if not path.is_file():  # a submodule, or deleted in the work tree
        return []
    data = path.read_bytes()
    if b"\0" in data:  # binary: images, spreadsheets
        return []
    # The patterns are ASCII, so a file in another encoding (GBK tables) is still searched.
    return mentions(name, data.decode("utf-8", errors="replace"))


def test_no_tracked_file_points_outside_the_repository() -> None:
    names = tracked_files()
    assert "pyproject.toml" in names  # git listed this checkout
    hits = [hit for name in names for hit in file_mentions(name)]
    assert not hits, "point these at docs/domain.md or docs/sources.md instead:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("Transcribed from the texts in `../" + "sha" + "red/seeds/`.", True),
        ("(" + "DOM" + "AIN §4.7)", True),
        ("see " + "DOM" + "AIN.md", True),
        ("follows " + "DES" + 'IGN "A route"', True),
        ("Rule -[:DESIGNATES]-> Institution", False),
        ("RuleKind.DESIGNATION and a designated hospital", False),
        ("the domain, in docs/domain.md §5", False),
    ],
)
def test_the_check_flags_outside_references_and_only_those(line: str, flagged: bool) -> None:
    assert bool(mentions("f.md", line)) is flagged
    if flagged:
        assert mentions("f.md", "ok\n" + line) == [f"f.md:2: {line}"]

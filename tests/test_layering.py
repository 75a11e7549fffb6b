"""Imports point down: cli → api → queries, stores, loaders → graphmodel, never back up.

`graphmodel` is the domain and imports none of the other packages; `api` does not import
the command line; the packages below `api` import neither `api` nor `cli`. Imports inside
functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

NOT_FROM = {
    "graphmodel": {"stores", "loaders", "queries", "api", "cli"},
    "queries": {"api", "cli"},
    "stores": {"api", "cli"},
    "loaders": {"api", "cli"},
    "api": {"cli"},
}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the module at `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(NOT_FROM))
def test_package_imports_only_downwards(package: str) -> None:
    upward = [
        f"{path.relative_to(ROOT)}:{line}: imports {top}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, top in imported_packages(path)
        if top in NOT_FROM[package]
    ]
    assert not upward, "\n".join(upward)

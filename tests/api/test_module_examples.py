"""The examples in api/ docstrings run here: `api` is not among pytest's doctest paths."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["api.caches", "api.edge", "api.errors"])
def test_docstring_examples(module: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted and not failed

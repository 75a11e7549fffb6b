"""Named queries: each question once in Cypher and once on networkx, proven equal.

`REGISTRY` lists every named query of every module in this package, found by looking, so
that a new query cannot be left out of the conformance suite.
"""

from __future__ import annotations

import importlib
import pkgutil

from graphmodel.store import NamedQuery


def _discover() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, NamedQuery):
                if found.get(value.name, value) is not value:
                    raise RuntimeError(f"two named queries are called {value.name!r}")
                found[value.name] = value
    return dict(sorted(found.items()))


REGISTRY: dict[str, NamedQuery] = _discover()

__all__ = ["REGISTRY", "NamedQuery"]

"""`api.direct.object_writer`, the compiled writer of one object selection: each kind of
entry gives what its closure used to, in the selection's order, and a null or an unknown
value where the schema promises one is still declined (`Fallback`), not written."""

from __future__ import annotations

from typing import Any

import pytest

from api.direct import Fallback, Part, null, object_writer


def required_text(v: Any) -> Any:
    return null(True) if v is None else str(v)


LEVELS = {"tertiary": "TERTIARY", "primary": "PRIMARY"}


def unknown_level(v: Any) -> Any:
    raise ValueError(f"no level {v!r}")


def writer(required: bool = True) -> Any:
    return object_writer([
        Part("const", "__typename", "Institution"),
        Part("text", "name", "name", required_text),
        Part("enum", "level", "level", unknown_level, LEVELS),
        Part("column", "alliances", "__alliances", lambda v: [x.upper() for x in v]),
        Part("call", "twice", None, lambda o: o["name"] * 2),
        # A response key is a value in the writer's namespace, never compiled source.
        Part("const", "x'}; import os; {'", 1),
    ], required)  # fmt: skip


def test_each_entry_is_written_in_the_selection_order() -> None:
    row = {"name": "甲", "level": "tertiary", "__alliances": ["a", "b"], "id": "unused"}
    out = writer()(row)
    assert out == {"__typename": "Institution", "name": "甲", "level": "TERTIARY",
                   "alliances": ["A", "B"], "twice": "甲甲", "x'}; import os; {'": 1}  # fmt: skip
    assert list(out) == ["__typename", "name", "level", "alliances", "twice", "x'}; import os; {'"]


def test_text_that_is_not_a_string_goes_through_its_serialisation() -> None:
    row = {"name": 7, "level": "primary", "__alliances": []}
    assert writer()(row)["name"] == "7"


def test_a_missing_required_leaf_or_object_is_declined() -> None:
    with pytest.raises(Fallback):
        writer()({"level": "primary", "__alliances": []})
    with pytest.raises(Fallback):
        writer()(None)
    assert writer(required=False)(None) is None


def test_an_unknown_enum_value_is_not_written() -> None:
    with pytest.raises(ValueError, match="no level"):
        writer()({"name": "甲", "level": "quaternary", "__alliances": []})

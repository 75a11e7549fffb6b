"""`quick_init`: the same objects as the dataclass's own `__init__`, faster, still frozen."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from graphmodel.frozen_init import quick_init
from graphmodel.routing import Hop, InstitutionRef, Route, RuleRef


@dataclasses.dataclass(frozen=True)
class Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()


Quick = quick_init(
    dataclasses.make_dataclass(
        "Quick", [("a", int), ("b", str, "b"), ("c", tuple[int, ...], ())], frozen=True
    )
)


def test_same_fields_defaults_equality_hash_and_repr_as_the_generated_init() -> None:
    for args, kw in [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2, 3)}), ((), {"a": 4, "b": "y"})]:
        p, q = Plain(*args, **kw), Quick(*args, **kw)
        assert dataclasses.astuple(p) == dataclasses.astuple(q)
        assert repr(p).replace("Plain", "Quick") == repr(q)
        assert q == Quick(*args, **kw) and hash(q) == hash(Quick(*args, **kw))
    assert list(inspect.signature(Quick).parameters) == ["a", "b", "c"]


def test_still_frozen_and_still_checks_its_arguments() -> None:
    q = Quick(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.a = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Quick()
    with pytest.raises(TypeError):
        Quick(1, "b", (), 4)
    with pytest.raises(TypeError):
        Quick(1, d=4)


def test_the_route_classes_build_as_before() -> None:
    o = InstitutionRef("o", "某卫生院", "primary")
    rule = RuleRef("r", "level_choice", "003 §三")
    hop = Hop(o, InstitutionRef(None, "二级医疗机构", "secondary"), "level", rule)
    route = Route("preferred", o, (hop,), (), "zh", "en", "pol")
    assert (hop.alliance, route.reason) == (None, None)
    assert (route.alternatives, route.consequences) == ((), ())
    assert route == Route("preferred", o, (hop,), (), "zh", "en", "pol")
    assert dataclasses.replace(route, reason="x").reason == "x"


@pytest.mark.parametrize(
    "made",
    [
        lambda: dataclasses.make_dataclass("NotFrozen", [("a", int)]),
        lambda: dataclasses.make_dataclass(
            "Factory", [("a", list, dataclasses.field(default_factory=list))], frozen=True
        ),
        lambda: dataclasses.make_dataclass("Slots", [("a", int)], frozen=True, slots=True),
        lambda: dataclasses.make_dataclass("KwOnly", [("a", int)], frozen=True, kw_only=True),
    ],
)
def test_refuses_what_it_does_not_support(made: object) -> None:
    with pytest.raises(TypeError):
        quick_init(made())  # type: ignore[operator]

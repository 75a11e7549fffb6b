"""What if…? on both stores: exactly the findings, coverage, memberships and routes a
scenario changes, computed on a copy; invalid scenarios rejected with their place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError
from graphmodel.policy import ConditionCategory
from graphmodel.scenario import Change, Scenario
from graphmodel.store import Store
from loaders.export import digest
from loaders.read_store import dataset_of
from loaders.scenario import from_mapping, load, loads_text
from queries.what_if import WHAT_IF, CoverageChange, MembershipChange, WhatIf, compare
from tests.queries.reports_data import ON, Build, obliged, rule, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def routed() -> Build:
    """`obliged()` with a condition to route and the 000 §二(四)4 kind of preference."""
    b = obliged()
    p = b.policies[0]
    b.policies[0] = replace(
        p,
        conditions=(ConditionCategory(id="general", name="一般疾病"),),
        rules=(*p.rules, rule("pref", "alliance_preference")),
    )
    return b


def end(kind: str, n: int = 0, **fields: str) -> Change:
    return Change("end", kind, tuple(sorted(fields.items())), path=f"changes[{n}]")


LEAVES_CHAIN = Scenario(
    "county hospital leaves its urban–rural chain",
    (
        end("membership", 0, institution="county-hosp", alliance="ur"),
        end("pairing", 1, alliance="ur", upper="city-hosp", lower="county-hosp"),
    ),
)


def what_if(store: Store, scenario: Scenario) -> WhatIf:
    found: WhatIf = store.run(WHAT_IF, scenario=scenario, on=ON)
    return found


def test_a_county_hospital_leaving_its_chain_changes_exactly_this(make_store: MakeStore) -> None:
    d = what_if(make_store(routed().dataset()), LEAVES_CHAIN)
    # 002-style obligation: a county hospital pairs with a tertiary one; now it has none.
    assert [(f.rule, f.subject) for f in d.new_findings] == [
        ("county_hospital.tertiary_partner", "county-hosp")
    ]
    assert d.resolved_findings == () and d.coverage == () and d.unaffiliated == ()
    [r] = d.routes
    assert (r.origin, r.condition) == ("county-hosp", "general")
    assert (r.before.verdict, r.before.hops) == (
        "preferred",
        (("city-hosp", "alliance", "pref", "test §1"),),
    )
    assert (r.after.verdict, r.after.hops[0][:2]) == ("admissible", ("tertiary", "level"))
    assert r.after.destinations == (("city-hosp", "city-hosp院"),)


def test_the_neighbourhood_gives_the_same_difference_as_the_whole_graph(
    make_store: MakeStore,
) -> None:
    whole = routed().dataset()
    d = what_if(make_store(whole), LEAVES_CHAIN)
    full = compare(whole, LEAVES_CHAIN, ON)
    assert replace(d, neighbourhood=()) == replace(full, neighbourhood=(), origins=d.origins)


def test_a_grid_losing_its_alliance_is_uncovered(make_store: MakeStore) -> None:
    d = what_if(make_store(obliged().dataset()),
                Scenario("g2 alone", (end("service", alliance="cc", grid="g2"),)))  # fmt: skip
    assert d.coverage == (CoverageChange("g2", "g2网格", "covered", "uncovered", ("cc",), ()),)
    assert [(f.rule, f.subject) for f in d.new_findings] == [
        ("grid.cross_grid_member", "thc2"),
        ("grid.uncovered", "g2"),
    ]
    assert d.routes == () and d.unaffiliated == ()


def test_leaving_every_alliance_makes_an_institution_unaffiliated(make_store: MakeStore) -> None:
    changes = (end("membership", 0, institution="thc1", alliance="cc"),
               end("membership", 1, institution="thc1", alliance="tele"))  # fmt: skip
    s = Scenario("thc1 alone", changes)
    d = what_if(make_store(obliged().dataset()), s)
    assert d.unaffiliated == (
        MembershipChange("thc1", "thc1院", True, "public_primary", ("test-policy",)),
    )
    assert "membership.required" in {f.rule for f in d.new_findings}


def test_a_change_naming_what_is_not_there_is_rejected_and_nothing_applied(
    make_store: MakeStore,
) -> None:
    store = make_store(obliged().dataset())
    before = digest(dataset_of(store))
    s = Scenario("bad", (end("membership", 0, institution="thc1", alliance="cc"),
                         end("membership", 1, institution="thc1", alliance="ug"),
                         end("pairing", 2, alliance="cc", upper="nobody", lower="thc1")),
                 file="bad.yaml")  # fmt: skip
    with pytest.raises(InvalidInputError) as e:
        what_if(store, s)
    assert [(p.file, p.column) for p in e.value.problems] == [
        ("bad.yaml", "changes[1]"),
        ("bad.yaml", "changes[2]"),
    ]
    assert "nothing was applied" in str(e.value)
    assert digest(dataset_of(store)) == before


def test_an_invalid_scenario_file_names_the_line_and_path(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: x\nchanges:\n  - end: membership\n    institution: a\n"
        "  - add: membership\n    institution: a\n    alliance: b\n    role: boss\n"
        "  - set: level\n    institution: a\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as e:
        load(path)
    assert [(p.line, p.column) for p in e.value.problems] == [
        (3, "changes[0].alliance"),
        (8, "changes[1].role"),
        (9, "changes[2].level"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: &a x\nchanges: [*a, *a]\n", "anchors and aliases"),
        ("name: x\nchanges: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper"),
        ("name: x\nchanges: " + "[" * 20 + "]" * 20 + "\n", "nested deeper"),
        ("name: [\n", "not YAML"),
        ("name: x\nname: y\nchanges: []\n", "duplicate key 'name'"),
    ],
)
def test_hostile_yaml_is_refused_quickly(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        loads_text(text, "s.yaml")
    assert message in str(e.value) and "nothing was applied" in str(e.value)


def test_json_and_graphql_scenarios_read_as_yaml_does(tmp_path: Path) -> None:
    text = "name: x\non: 2024-06-01\nchanges:\n  - end: service\n    alliance: cc\n    grid: g2\n"
    path = tmp_path / "s.json"
    path.write_text('{"name": "x", "on": "2024-06-01", "changes": '
                    '[{"end": "service", "alliance": "cc", "grid": "g2"}]}')  # fmt: skip
    a, b = loads_text(text, "s.yaml"), load(path)
    assert (a.name, a.on, a.changes[0].fields) == (b.name, b.on, b.changes[0].fields)
    with pytest.raises(InvalidInputError) as e:
        from_mapping({"name": "x", "changes": [{"end": "service", "grid": 3}]}, "request")
    assert [(p.file, p.column) for p in e.value.problems] == [
        ("request", "changes[0].alliance"),
        ("request", "changes[0].grid"),
    ]


def test_the_linkou_example_is_the_same_on_both_stores(store: Store) -> None:
    s = load(Path("loaders/samples/linkou/scenarios/county-hospital-leaves.yaml"))
    d = what_if(store, s)
    assert {f.rule for f in d.new_findings} == {"integrity.pairing_outside_alliance"}
    assert len(d.new_findings) == 7  # the county hospital's seven township pairings
    assert {r.origin for r in d.routes} >= {"linkou-county-people", "linkou-xinglin-chc"}


def test_new_facts_and_a_closure(make_store: MakeStore) -> None:
    new = loads_text(
        "name: a new centre, then a closure\nchanges:\n"
        "  - add: institution\n    id: thc3\n    name: 新镇卫生院\n    level: primary\n"
        "    type: township_centre\n    ownership: public\n    division: t2\n"
        "  - set: level\n    institution: thc2\n    level: secondary\n"
        "  - end: institution\n    id: thc1\n",
        "s.yaml",
    )
    d = what_if(make_store(routed().dataset()), new)
    # The new centre is obliged to join an alliance (the policy's membership rule) and is in none.
    assert [(u.institution, u.becomes) for u in d.unaffiliated] == [("thc3", True)]
    closed = [r for r in d.routes if r.origin == "thc1"]
    assert closed and all(r.after.verdict == "closed" for r in closed)
    assert any(f.subject == "thc3" for f in d.new_findings)
    joined = loads_text(
        "name: it joins\nchanges:\n"
        "  - add: institution\n    id: thc3\n    name: 新镇卫生院\n    level: primary\n"
        "    type: township_centre\n    ownership: public\n    division: t2\n"
        "  - add: membership\n    institution: thc3\n    alliance: cc\n    role: base\n",
        "s.yaml",
    )
    assert what_if(make_store(routed().dataset()), joined).unaffiliated == ()


def test_the_neighbourhood_is_enough_on_a_synthetic_country() -> None:
    """On a few thousand synthetic institutions (policies govern whole cities, alliances
    span counties): reading one county whole and the rest of the city for the pool gives
    the difference the whole graph gives."""
    import random

    from bench.synthetic import generate
    from bench.whatif import leaving
    from stores.memory import MemoryStore

    dataset = generate(4000).dataset
    store = MemoryStore(dataset)
    for s in leaving(dataset, 2, random.Random(7)):
        d = what_if(store, s)
        full = compare(dataset, s, ON)
        assert d.routes and d.new_findings
        assert replace(d, neighbourhood=(), origins=0) == replace(full, neighbourhood=(), origins=0)

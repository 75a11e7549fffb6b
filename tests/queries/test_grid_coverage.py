"""Grid coverage on both stores: one alliance per grid (001 §四), the cross-grid exemption,
and the summary per county or district."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from graphmodel.dataset import Dataset
from graphmodel.store import Store
from queries._examples import every_check
from queries.grid_coverage import (
    COVERED,
    GRID_COVERAGE,
    OVERLAP,
    UNCOVERED,
    AreaCoverage,
    GridCoverage,
    GridStatus,
)
from queries.validation import grid_findings
from tests.queries.reports_data import ON, obliged, obliged_scope, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def coverage(store: Store, **kw: object) -> GridCoverage:
    found: GridCoverage = store.run(GRID_COVERAGE, on=kw.pop("on", ON), **kw)
    return found


def grid(c: GridCoverage, grid_id: str) -> GridStatus:
    return next(s for s in c.grids if s.grid.id == grid_id)


def area(c: GridCoverage, division: str) -> AreaCoverage:
    return next(a for a in c.areas if a.division == division)


def rules(c: GridCoverage) -> list[tuple[str, str]]:
    return sorted((f.rule, f.subject) for f in grid_findings(c, obliged_scope()))


def test_every_grid_covered_once_passes(make_store: MakeStore) -> None:
    c = coverage(make_store(obliged().dataset()))
    assert [(s.grid.id, s.status, [a.id for a in s.alliances]) for s in c.grids] == [
        ("g1", COVERED, ["cc"]),
        ("g2", COVERED, ["cc"]),
        ("g3", COVERED, ["ug"]),
    ]
    county = area(c, "county")
    assert (county.grids, county.covered_once, county.share_covered) == (2, 2, 1.0)
    assert [s.area for s in c.grids] == ["county", "county", "district"]
    assert rules(c) == []


def test_a_grid_no_alliance_serves_is_uncovered(make_store: MakeStore) -> None:
    b = obliged().grid("g4", "t2").serves("spec", "g4")  # a specialty alliance does not count
    c = coverage(make_store(b.dataset()))
    assert grid(c, "g4").status == UNCOVERED
    county = area(c, "county")
    assert (county.grids, county.uncovered, county.share_covered) == (3, 1, 2 / 3)
    assert rules(c) == [("grid.uncovered", "g4")]


def test_service_or_alliance_that_ended_leaves_the_grid_uncovered(make_store: MakeStore) -> None:
    b = obliged().without("services", lambda s: s.grid != "g3")
    b.serves("ug", "g3", valid_to=date(2023, 12, 31))
    b.alliance("gone", "county_community", valid_to=date(2020, 1, 1)).serves("gone", "g2")
    c = coverage(make_store(b.dataset()))
    assert (grid(c, "g3").status, grid(c, "g2").status) == (UNCOVERED, COVERED)
    assert coverage(make_store(b.dataset()), on=date(2023, 1, 1)).grids[2].status == COVERED


def test_a_grid_two_alliances_serve_overlaps(make_store: MakeStore) -> None:
    c = coverage(make_store(obliged().serves("ug", "g1").dataset()))
    assert grid(c, "g1").status == OVERLAP
    assert [a.id for a in grid(c, "g1").alliances] == ["cc", "ug"]
    assert area(c, "county").covered_more == 1
    [f] = grid_findings(c, obliged_scope())
    assert (f.rule, f.subject, f.related) == ("grid.overlap", "g1", ("cc", "ug"))


def test_cross_grid_members_and_the_exemption_for_tertiary_rehab_nursing(
    make_store: MakeStore,
) -> None:
    b = obliged()
    for ident, level, type_ in (
        ("chc-t1", "primary", "community_centre"),
        ("rehab-t1", "secondary", "rehabilitation"),
        ("nursing-t1", "primary", "nursing"),
        ("tertiary-t1", "tertiary", "general"),
    ):
        b.institution(ident, level, type_, "t1").member(ident, "ug")
    c = coverage(make_store(b.dataset()))
    cross = {m.institution: m.exempt for m in grid(c, "g1").cross_grid}
    assert cross == {"chc-t1": False, "rehab-t1": True, "nursing-t1": True, "tertiary-t1": True}
    assert rules(c) == [("grid.cross_grid_member", "chc-t1")]
    assert grid(c, "g1").policies == area(c, "county").policies == ("test-policy",)


def test_without_cross_the_statuses_are_the_same_and_no_member_is_looked_for(
    make_store: MakeStore,
) -> None:
    """`cross=False` (the GraphQL report, which shows no cross-grid members) changes
    nothing but the members' lists."""
    b = obliged()
    b.institution("chc-t1", "primary", "community_centre", "t1").member("chc-t1", "ug")
    store = make_store(b.dataset())
    full, bare = coverage(store), coverage(store, cross=False)
    assert grid(full, "g1").cross_grid and not any(g.cross_grid for g in bare.grids)
    assert [dataclasses.replace(g, cross_grid=()) for g in full.grids] == list(bare.grids)
    assert full.areas == bare.areas


def test_membership_of_an_alliance_serving_the_own_grid_is_not_cross_grid(
    make_store: MakeStore,
) -> None:
    b = obliged().institution("chc-t1", "primary", "community_centre", "v1")
    b.member("chc-t1", "cc").alliance("free", "urban_group").member("chc-t1", "free")
    c = coverage(make_store(b.dataset()))  # `free` serves no grid: nothing to cross
    assert grid(c, "g1").cross_grid == ()


def test_counties_and_districts_without_grids_are_listed(make_store: MakeStore) -> None:
    b = obliged().division("county2", "county", "city")
    c = coverage(make_store(b.dataset()))
    empty = area(c, "county2")
    assert (empty.grids, empty.share_covered, empty.share_exactly_once) == (0, None, None)
    assert rules(c) == [("grid.none_defined", "county2")]
    scoped = coverage(make_store(b.dataset()), division="county")
    assert [a.division for a in scoped.areas] == ["county"]
    assert [s.grid.id for s in scoped.grids] == ["g1", "g2"]


def test_grid_rules_bind_only_in_their_region_with_their_own_exemptions(
    make_store: MakeStore,
) -> None:
    b = obliged().division("county2", "county", "city").grid("g4", "t2")
    b.institution("rehab-t1", "secondary", "rehabilitation", "t1").member("rehab-t1", "ug")
    c = coverage(make_store(b.dataset()))
    assert grid_findings(c, obliged_scope(region="district")) == []
    found = grid_findings(c, obliged_scope(region="county"))
    assert sorted((f.rule, f.subject) for f in found) == [("grid.uncovered", "g4")]
    strict = {"grid.cross_grid_member": {"exempt_types": ["nursing"]}}
    found = grid_findings(c, obliged_scope(region="county", **strict))
    assert sorted((f.rule, f.subject) for f in found) == [
        ("grid.cross_grid_member", "rehab-t1"), ("grid.uncovered", "g4"),
    ]  # fmt: skip
    assert [m.exempt for m in grid(c, "g1").cross_grid] == [True]
    b.policies.append(every_check("strict", "county", **strict))
    c = coverage(make_store(b.dataset()))
    assert [m.exempt for m in grid(c, "g1").cross_grid] == [False]  # every binding rule decides
    assert area(c, "county").policies == ("strict", "test-policy")
    assert area(c, "district").policies == ("test-policy",)


def test_samples_hold_no_grids_so_each_county_and_district_has_none(store: Store) -> None:
    c = coverage(store)
    assert c.grids == ()
    hohhot = ["helinge-er", "huimin", "qingshuihe", "saihan", "tumote-left", "tuoketuo",
              "wuchuan", "xincheng", "yuquan"]  # fmt: skip
    assert [(a.division, a.grids) for a in c.areas] == [
        *((f"hohhot-{h}", 0) for h in hohhot),
        ("linkou-county", 0), ("wuxi-chongan", 0), ("xiaoxian-county", 0),
    ]  # fmt: skip
    assert all(a.policies == () for a in c.areas)  # 001 (grids) binds no sample region

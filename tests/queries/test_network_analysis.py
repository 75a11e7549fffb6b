"""The fragility report on both stores, against a small network computed by hand."""

from __future__ import annotations

from collections.abc import Callable

from graphmodel.dataset import Dataset
from graphmodel.store import Store
from queries.network_analysis import (
    NETWORK_ANALYSIS,
    CounterpartShare,
    LeapfrogPair,
    NetworkAnalysis,
    UnservedTownship,
)
from tests.queries.reports_data import ON, Build, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def chain() -> Build:
    """One urban–rural chain:

        city-hosp ─┬─ county-hosp ─┬─ thc1 ── vc1
                   │               ├─ thc2
                   └─ county-tcm ──┘  thc3 (from county-hosp only)

    and a township t4 with no institution at all.
    """
    b = Build()
    b.division("prov", "province").division("city", "city", "prov")
    b.division("county", "county", "city")
    for t in ("t1", "t2", "t3", "t4"):
        b.division(t, "township", "county")
    b.division("v1", "village", "t1")
    b.institution("city-hosp", "tertiary", "general", "city")
    b.institution("county-hosp", "secondary", "general", "county")
    b.institution("county-tcm", "secondary", "tcm", "county")
    for n in (1, 2, 3):
        b.institution(f"thc{n}", "primary", "township_centre", f"t{n}")
    b.institution("vc1", "primary", "village_clinic", "v1")
    b.alliance("ur", "urban_rural")
    b.member("city-hosp", "ur", "lead")
    for i in ("county-hosp", "county-tcm", "thc1", "thc2", "thc3", "vc1"):
        b.member(i, "ur")
    for upper, lower in [
        ("city-hosp", "county-hosp"),
        ("city-hosp", "county-tcm"),
        ("county-hosp", "thc1"),
        ("county-hosp", "thc2"),
        ("county-tcm", "thc2"),
        ("county-hosp", "thc3"),
        ("thc1", "vc1"),
    ]:
        b.pair("ur", upper, lower)  # fmt: skip
    b.flow("thc3", "city-hosp", "2024", "up", 5)
    b.flow("thc3", "city-hosp", "2024", "up", 3, condition="cardiovascular")
    b.flow("thc1", "county-hosp", "2024", "up", 9)  # one level, and paired: no leapfrog
    return b


def analyse(store: Store, **kw: object) -> NetworkAnalysis:
    found: NetworkAnalysis = store.run(NETWORK_ANALYSIS, on=ON, period="2024", **kw)
    return found


def test_single_points_of_failure_are_the_dominators(make_store: MakeStore) -> None:
    r = analyse(make_store(chain().dataset()))
    got = [(p.institution, p.dependents, p.articulation, p.betweenness) for p in r.single_points]
    # thc2 has two uppers, so county-hosp does not carry it; city-hosp is the top, where
    # up routes end. Betweenness over 6·5 ordered pairs: county-hosp lies on city→thc1,
    # city→thc3, city→vc1 and on one of the two shortest city→thc2 paths (3.5 / 30).
    assert got == [
        ("county-hosp", ("thc1", "thc3", "vc1"), True, round(3.5 / 30, 6)),
        ("thc1", ("vc1",), True, round(2 / 30, 6)),
    ]
    assert {p.alliance for p in r.single_points} == {"ur"}


def test_concentration_per_region_and_level(make_store: MakeStore) -> None:
    r = analyse(make_store(chain().dataset()))
    got = {c.level: (c.region, c.pairings, c.counterparts, c.hhi, c.gini) for c in r.concentration}
    # secondary: county-hosp 3 of 4, county-tcm 1 — HHI .75² + .25² = .625; Gini
    # (|3-1| + |1-3|) / (2 · 2² · 2) = .25.
    assert got == {
        "tertiary": ("county", 2, 1, 1.0, 0.0),
        "secondary": ("county", 4, 2, 0.625, 0.25),
        "primary": ("county", 1, 1, 1.0, 0.0),
    }
    secondary = next(c for c in r.concentration if c.level == "secondary")
    assert secondary.dominant == (CounterpartShare("county-hosp", "county-hosp院", 3, 0.75),)
    lower = analyse(make_store(chain().dataset()), share=0.2)
    assert [len(c.dominant) for c in lower.concentration if c.level == "secondary"] == [2]


def test_townships_and_leapfrogs(make_store: MakeStore) -> None:
    r = analyse(make_store(chain().dataset()))
    assert r.unserved_townships == (UnservedTownship("t4", "t4名", "no_institution", ()),)
    assert r.leapfrogs == (
        LeapfrogPair("thc3", "thc3院", "primary", "city-hosp", "city-hosp院", "tertiary",
                     2, 8, True, False),
    )  # fmt: skip


def test_a_division_limits_the_report(make_store: MakeStore) -> None:
    b = chain()
    b.division("county2", "county", "city").institution("other", "secondary", "general", "county2")
    b.alliance("cc2", "county_community").member("other", "cc2", "lead")
    b.institution("thc9", "primary", "township_centre", "county2").member("thc9", "cc2")
    b.pair("cc2", "other", "thc9")
    store = make_store(b.dataset())
    regions = {c.region for c in analyse(store).concentration}
    assert regions == {"county", "county2"}
    assert {c.region for c in analyse(store, division="county2").concentration} == {"county2"}

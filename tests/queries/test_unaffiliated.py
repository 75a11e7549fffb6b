"""Unaffiliated institutions on both stores: who a policy's membership rule obliges, where and
when, which memberships count, and who cannot be judged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from graphmodel.dataset import Dataset
from graphmodel.enums import InstitutionType, Level
from graphmodel.store import Store
from queries._examples import every_check
from queries.unaffiliated import (
    NO_OBLIGATION,
    OWNERSHIP_UNKNOWN,
    PUBLIC_HOSPITAL,
    PUBLIC_PRIMARY,
    UNAFFILIATED,
    Unaffiliated,
    not_judged,
)
from tests.queries.reports_data import ON, POLICY, Build, compliant, obliged, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def unaffiliated(store: Store, **kw: object) -> list[Unaffiliated]:
    found: list[Unaffiliated] = store.run(UNAFFILIATED, on=kw.pop("on", ON), **kw)
    return found


def ids(found: list[Unaffiliated]) -> list[str]:
    return [u.institution.id for u in found]


def test_a_network_where_every_public_institution_is_a_member_passes(make_store: MakeStore) -> None:
    assert unaffiliated(make_store(obliged().dataset())) == []


def test_public_institutions_in_no_alliance_are_listed_with_why(make_store: MakeStore) -> None:
    b = obliged().institution("lonely-hosp", "tertiary", "general", "city")
    b.institution("lonely-thc", "primary", "township_centre", "t2")
    found = unaffiliated(make_store(b.dataset()))
    assert [(u.institution.id, u.reason) for u in found] == [
        ("lonely-hosp", PUBLIC_HOSPITAL),
        ("lonely-thc", PUBLIC_PRIMARY),
    ]
    assert all(u.obliged and u.inactive == () and u.policies == (POLICY,) for u in found)


def test_membership_binds_only_in_its_policy_s_region_and_period(make_store: MakeStore) -> None:
    b = compliant().institution("lonely-hosp", "tertiary", "general", "city")
    b.institution("lonely-thc", "primary", "township_centre", "t2")
    b.policies.append(every_check("county-policy", "county", valid_from=date(2018, 1, 1)))
    store = make_store(b.dataset())
    assert ids(unaffiliated(store)) == ["lonely-thc"]  # the city hospital: no rule binds it
    assert unaffiliated(store, on=date(2017, 12, 31)) == []
    found = unaffiliated(store, include_unknown=True)
    assert [(u.institution.id, u.reason) for u in found] == [
        ("lonely-hosp", NO_OBLIGATION),
        ("lonely-thc", PUBLIC_PRIMARY),
    ]
    assert not_judged(found) == {OWNERSHIP_UNKNOWN: 0, NO_OBLIGATION: 1}


def test_memberships_that_ended_or_start_later_do_not_count(make_store: MakeStore) -> None:
    b = obliged().institution("ended", "primary", "township_centre", "t2")
    b.member("ended", "cc", "hub", valid_to=date(2020, 12, 31))
    b.institution("later", "primary", "township_centre", "t2")
    b.member("later", "cc", "hub", valid_from=date(2025, 1, 1))
    b.institution("kept", "primary", "township_centre", "t2")
    b.member("kept", "cc", "hub", valid_to=ON)
    found = unaffiliated(make_store(b.dataset()))
    assert ids(found) == ["ended", "later"]
    assert [m.alliance for u in found for m in u.inactive] == ["cc", "cc"]


def test_a_membership_of_an_alliance_that_has_ended_does_not_count(make_store: MakeStore) -> None:
    b = obliged().alliance("old", "specialty", valid_to=date(2020, 12, 31))
    b.institution("in-old", "secondary", "specialty", "city").member("in-old", "old")
    assert ids(unaffiliated(make_store(b.dataset()))) == ["in-old"]


def test_unknown_ownership_is_listed_only_when_asked_and_social_never(
    make_store: MakeStore,
) -> None:
    b = obliged().institution("who", "secondary", "hospital", "city", ownership="unknown")
    b.institution("private", "secondary", "general", "city", ownership="social")
    store = make_store(b.dataset())
    assert unaffiliated(store) == []
    [u] = unaffiliated(store, include_unknown=True)
    assert (u.institution.id, u.reason, u.obliged) == ("who", OWNERSHIP_UNKNOWN, False)


def test_filters_by_division_level_and_type(make_store: MakeStore) -> None:
    b: Build = obliged().institution("a", "tertiary", "general", "city")
    b.institution("b", "primary", "township_centre", "t1")
    b.institution("c", "primary", "village_clinic", "v1")
    store = make_store(b.dataset())
    assert ids(unaffiliated(store, division="t1")) == ["b", "c"]
    assert ids(unaffiliated(store, division="county", level=Level.PRIMARY)) == ["b", "c"]
    assert ids(unaffiliated(store, type=InstitutionType.VILLAGE_CLINIC)) == ["c"]
    assert ids(unaffiliated(store, level=Level.TERTIARY)) == ["a"]


def test_samples_no_loaded_policy_has_a_membership_rule(store: Store) -> None:
    """Neither 000 (林口县) nor 003 (鄂州市) states that every institution joins an alliance,
    and 无锡市 has no policy: nobody is obliged, so nobody is listed as missing."""
    assert unaffiliated(store, on=date(2026, 1, 1)) == []
    assert unaffiliated(store, on=date(2005, 1, 1)) == []


def test_samples_who_could_not_be_judged(store: Store) -> None:
    found = unaffiliated(store, include_unknown=True, on=date(2026, 1, 1))
    assert not_judged(found) == {OWNERSHIP_UNKNOWN: 0, NO_OBLIGATION: 51}
    assert all(u.institution.id.startswith("ezhou-") and not u.obliged for u in found)
    # Wuxi's alliance dates from 2009 (002 篇五); in 2005 its public members had none.
    early = unaffiliated(store, include_unknown=True, on=date(2005, 1, 1))
    assert {u.institution.id for u in early if u.institution.id.startswith("wuxi-")} == {
        "wuxi-second-people", "wuxi-jianghai-chc", "wuxi-guangrui-chc", "wuxi-chongansi-chc",
        "wuxi-guangyi-chc", "wuxi-tongjiang-chc", "wuxi-shangmadun-chc",
    }  # fmt: skip
    assert {u.reason for u in early} == {NO_OBLIGATION}

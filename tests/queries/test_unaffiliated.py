"""Unaffiliated institutions on both stores: who is obliged (001 §三), which memberships count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from graphmodel.dataset import Dataset
from graphmodel.enums import InstitutionType, Level
from graphmodel.store import Store
from queries.unaffiliated import (
    OWNERSHIP_UNKNOWN,
    PUBLIC_HOSPITAL,
    PUBLIC_PRIMARY,
    UNAFFILIATED,
    Unaffiliated,
)
from tests.queries.reports_data import ON, Build, compliant, store_fixture

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]


def unaffiliated(store: Store, **kw: object) -> list[Unaffiliated]:
    found: list[Unaffiliated] = store.run(UNAFFILIATED, on=kw.pop("on", ON), **kw)
    return found


def ids(found: list[Unaffiliated]) -> list[str]:
    return [u.institution.id for u in found]


def test_a_network_where_every_public_institution_is_a_member_passes(make_store: MakeStore) -> None:
    assert unaffiliated(make_store(compliant().dataset())) == []


def test_public_institutions_in_no_alliance_are_listed_with_why(make_store: MakeStore) -> None:
    b = compliant().institution("lonely-hosp", "tertiary", "general", "city")
    b.institution("lonely-thc", "primary", "township_centre", "t2")
    found = unaffiliated(make_store(b.dataset()))
    assert [(u.institution.id, u.reason) for u in found] == [
        ("lonely-hosp", PUBLIC_HOSPITAL),
        ("lonely-thc", PUBLIC_PRIMARY),
    ]
    assert all(u.obliged and u.inactive == () for u in found)


def test_memberships_that_ended_or_start_later_do_not_count(make_store: MakeStore) -> None:
    b = compliant().institution("ended", "primary", "township_centre", "t2")
    b.member("ended", "cc", "hub", valid_to=date(2020, 12, 31))
    b.institution("later", "primary", "township_centre", "t2")
    b.member("later", "cc", "hub", valid_from=date(2025, 1, 1))
    b.institution("kept", "primary", "township_centre", "t2")
    b.member("kept", "cc", "hub", valid_to=ON)
    found = unaffiliated(make_store(b.dataset()))
    assert ids(found) == ["ended", "later"]
    assert [m.alliance for u in found for m in u.inactive] == ["cc", "cc"]


def test_a_membership_of_an_alliance_that_has_ended_does_not_count(make_store: MakeStore) -> None:
    b = compliant().alliance("old", "specialty", valid_to=date(2020, 12, 31))
    b.institution("in-old", "secondary", "specialty", "city").member("in-old", "old")
    assert ids(unaffiliated(make_store(b.dataset()))) == ["in-old"]


def test_unknown_ownership_is_listed_only_when_asked_and_social_never(
    make_store: MakeStore,
) -> None:
    b = compliant().institution("who", "secondary", "hospital", "city", ownership="unknown")
    b.institution("private", "secondary", "general", "city", ownership="social")
    store = make_store(b.dataset())
    assert unaffiliated(store) == []
    [u] = unaffiliated(store, include_unknown=True)
    assert (u.institution.id, u.reason, u.obliged) == ("who", OWNERSHIP_UNKNOWN, False)


def test_filters_by_division_level_and_type(make_store: MakeStore) -> None:
    b: Build = compliant().institution("a", "tertiary", "general", "city")
    b.institution("b", "primary", "township_centre", "t1")
    b.institution("c", "primary", "village_clinic", "v1")
    store = make_store(b.dataset())
    assert ids(unaffiliated(store, division="t1")) == ["b", "c"]
    assert ids(unaffiliated(store, division="county", level=Level.PRIMARY)) == ["b", "c"]
    assert ids(unaffiliated(store, type=InstitutionType.VILLAGE_CLINIC)) == ["c"]
    assert ids(unaffiliated(store, level=Level.TERTIARY)) == ["a"]


def test_samples_public_institutions_all_belong_today_but_not_in_2005(store: Store) -> None:
    assert unaffiliated(store, on=date(2026, 1, 1)) == []
    # Wuxi's alliance dates from 2009 (002 篇五); in 2005 its public members had none.
    assert {u.institution.id for u in unaffiliated(store, on=date(2005, 1, 1))} == {
        "wuxi-second-people", "wuxi-jianghai-chc", "wuxi-guangrui-chc", "wuxi-chongansi-chc",
        "wuxi-guangyi-chc", "wuxi-tongjiang-chc", "wuxi-shangmadun-chc",
    }  # fmt: skip


def test_samples_unknown_ownership_is_all_of_ezhou(store: Store) -> None:
    found = unaffiliated(store, include_unknown=True, on=date(2026, 1, 1))
    assert len(found) == 51
    assert all(u.institution.id.startswith("ezhou-") and not u.obliged for u in found)

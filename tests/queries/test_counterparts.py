"""Counterparts on both stores: per alliance, per direction, at department level."""

from __future__ import annotations

import pytest

from graphmodel.enums import AllianceKind
from graphmodel.store import Store
from queries.counterparts import COUNTERPARTS, Counterpart

COUNTY_UPPER = {
    "linkou-county-people": ("linkou-mdj-first-people", "王丽", "任宪忠"),
    "linkou-county-tcm": ("linkou-mdj-tcm", "孙殿昇", "李强"),
    "linkou-county-mch": ("linkou-mdj-women-children", "邹丹峰", "王海峰"),
}


def counterparts(store: Store, institution: str, **kw: object) -> list[Counterpart]:
    found: list[Counterpart] = store.run(COUNTERPARTS, institution=institution, **kw)
    return found


@pytest.mark.parametrize("county", sorted(COUNTY_UPPER))
def test_linkou_county_institutions_upper_counterpart(store: Store, county: str) -> None:
    [c] = counterparts(store, county, direction="upper")
    city, city_person, county_person = COUNTY_UPPER[county]
    assert c.institution.id == city
    assert (c.responsible_person, c.own_responsible_person) == (city_person, county_person)
    assert c.alliance.kind is AllianceKind.URBAN_RURAL


@pytest.mark.parametrize(
    ("county", "townships"),
    [
        ("linkou-county-people", 7),
        ("linkou-county-tcm", 6),
        ("linkou-county-mch", 5),
    ],
)
def test_linkou_lower_counterparts_of_each_county_institution(
    store: Store, county: str, townships: int
) -> None:
    lower = counterparts(store, county, direction="lower")
    assert len(lower) == townships
    assert all(c.institution.level.value == "primary" for c in lower)


def test_linkou_township_upper_counterpart_and_its_responsible_people(store: Store) -> None:
    [c] = counterparts(store, "linkou-diaoling-central-thc")
    assert (c.institution.id, c.direction) == ("linkou-county-people", "upper")
    assert (c.responsible_person, c.own_responsible_person) == ("任宪忠", "雷祥中")


@pytest.mark.parametrize(
    "township",
    ["linkou-kuishan-thc", "linkou-qingshan-thc", "linkou-sandaotong-thc",
     "linkou-longzhao-thc", "linkou-jiantang-thc"],
)  # fmt: skip
def test_linkou_townships_in_two_chains_get_one_answer_per_alliance(
    store: Store, township: str
) -> None:
    found = counterparts(store, township, direction="upper")
    assert len(found) == 2
    assert len({c.alliance.id for c in found}) == 2


def test_filter_by_alliance(store: Store) -> None:
    [c] = counterparts(store, "linkou-qingshan-thc", alliance="linkou-ur-mdj-tcm")
    assert c.institution.id == "linkou-county-tcm"


def test_wuxi_department_level_counterparts(store: Store) -> None:
    found = counterparts(store, "wuxi-second-people", direction="lower")
    assert len(found) == 12
    by_centre: dict[str, set[str]] = {}
    for c in found:
        by_centre.setdefault(c.institution.id, set()).add(c.department)
    assert by_centre["wuxi-jianghai-chc"] == {"脑科中心", "骨科"}
    assert all(len(departments) == 2 for departments in by_centre.values())


def test_wuxi_specialty_filter_finds_both_centres_of_cardiology(store: Store) -> None:
    found = counterparts(store, "wuxi-second-people", specialty="心内科")
    assert sorted(c.institution.id for c in found) == ["wuxi-chongansi-chc", "wuxi-guangyi-chc"]


def test_wuxi_centre_sees_the_hospital_departments_paired_with_it(store: Store) -> None:
    found = counterparts(store, "wuxi-tongjiang-chc")
    assert {(c.institution.id, c.department) for c in found} == {
        ("wuxi-second-people", "儿科"), ("wuxi-second-people", "皮肤科")
    }  # fmt: skip

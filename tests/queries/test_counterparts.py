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


def departments(store: Store, institution: str, specialty: str) -> list[tuple[str, str]]:
    return [
        (c.institution.id, c.department)
        for c in counterparts(store, institution, specialty=specialty)
    ]


CARDIOLOGY = [("wuxi-chongansi-chc", "心内科"), ("wuxi-guangyi-chc", "心内科")]


@pytest.mark.parametrize(
    "typed",
    [
        "03.04",  # the catalogue code (卫医发〔1994〕第27号 附件1)
        "心血管内科专业",  # its standard name
        "心血管內科專業",  # in Traditional script
        "心内科",  # the project's alias, and the department's own name (002 篇五 2.1.2)
    ],
)
def test_counterpart_by_specialty_code_name_or_alias(store: Store, typed: str) -> None:
    """Issue 9: --specialty matches by code, standard name, alias; 002 篇五 2.1.2 pairs 无锡二院's
    心内科 with 崇安寺 and 广益 community centres."""
    assert departments(store, "wuxi-second-people", typed) == CARDIOLOGY


def test_counterpart_by_alias_that_is_not_the_departments_name(store: Store) -> None:
    """Issue 9: 呼吸科 is an alias of 03.01; 002 篇五 2.1.2's department is 呼吸内科 (上马墩)."""
    assert departments(store, "wuxi-second-people", "呼吸科") == [
        ("wuxi-shangmadun-chc", "呼吸内科")
    ]


def test_counterpart_by_department_name_without_a_code(store: Store) -> None:
    """002 篇五 2.1.2: 脑科中心 is not a catalogue subject and has no code; its own name finds it,
    and the ambiguous alias 脑科 (03.03 / 04.02) does not pretend it is one of them."""
    assert departments(store, "wuxi-second-people", "脑科中心") == [
        ("wuxi-jianghai-chc", "脑科中心")
    ]
    assert departments(store, "wuxi-second-people", "脑科") == []


def test_a_parent_subject_covers_the_ones_below_it(store: Store) -> None:
    """卫医发〔1994〕第27号 附件1: 03 内科 covers 03.01 … 03.11 (002 篇五 2.1.2's 心内科 etc.)."""
    found = {d for _, d in departments(store, "wuxi-second-people", "内科")}
    assert found == {"内分泌科", "呼吸内科", "心内科", "消化内科", "老年病科"}


def test_wuxi_pairings_start_in_2009(store: Store) -> None:
    """Issue 10 / 002 篇五 引言: the cooperation began in 2009 (recorded as 2009-01-01)."""
    from datetime import date

    assert counterparts(store, "wuxi-second-people", on=date(2008, 12, 31)) == []
    assert len(counterparts(store, "wuxi-second-people", on=date(2009, 1, 1))) == 12

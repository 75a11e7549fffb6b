"""Institution names as people type them (issue 9), on both stores: with or without the city
or county prefix, in either script, by `names_alt`, and the closest names when none matches."""

from __future__ import annotations

import time

import pytest

from graphmodel.errors import NotFoundError
from graphmodel.names import GRAM_BOUND, closest, grams, name_key, place_keys
from graphmodel.store import Store
from queries.institution_lookup import INSTITUTION_CANDIDATES, INSTITUTIONS_NAMED, NameCandidate
from queries.resolve import resolve_institution


def named(store: Store, name: str) -> list[str]:
    return [i.id for i in store.run(INSTITUTIONS_NAMED, name=name)]


def candidates(store: Store, name: str, limit: int = 5) -> list[NameCandidate]:
    found: list[NameCandidate] = store.run(INSTITUTION_CANDIDATES, name=name, limit=limit)
    return found


@pytest.mark.parametrize(
    "typed",
    ["鄂州市中医医院", "鄂州市中醫醫院", "鄂州中医医院", "湖北省鄂州市中医医院", "市中医医院"],
)
def test_ezhou_tcm_hospital_is_found_with_and_without_its_city(store: Store, typed: str) -> None:
    """Issue 9: 市中医医院 in 鄂州市 answers to 鄂州市中医医院; 003 附件2 records it as 市中医医院
    under 鄂州市 (loaders/samples/ezhou), and the recorded name itself still finds it."""
    assert named(store, typed) == ["ezhou-tcm-hospital"]


def test_prefixed_names_go_without_their_city_when_no_one_else_has_the_name(store: Store) -> None:
    """Issue 9, both ways: 000 附件1 records 牡丹江市中医医院 (names_alt 牡丹江市中医院, §二(二)4);
    typed as 牡丹江中医院 or 市中医院 (§二(二)2 writes 市中医院) it is still found."""
    assert named(store, "牡丹江中医院") == ["linkou-mdj-tcm"]
    assert named(store, "市中医院") == ["linkou-mdj-tcm"]


def test_an_exact_name_wins_over_a_place_key(store: Store) -> None:
    """Issue 9: 市中医医院 is Ezhou's recorded name (003 附件2), so it is not also Mudanjiang's
    牡丹江市中医医院 (000 附件1) with its city left off."""
    assert named(store, "市中医医院") == ["ezhou-tcm-hospital"]


def test_county_and_district_chains(store: Store) -> None:
    """Issue 9: 002 篇五 places 江海社区卫生服务中心 in 崇安区, 无锡市; 000 附件1 places
    刁翎镇中心卫生院 in 林口县."""
    assert named(store, "无锡市崇安区江海社区卫生服务中心") == ["wuxi-jianghai-chc"]
    assert named(store, "林口县刁翎镇中心卫生院") == ["linkou-diaoling-central-thc"]
    assert named(store, "刁翎中心卫生院") == ["linkou-diaoling-central-thc"]


def test_names_alt_in_either_script(store: Store) -> None:
    """Issue 9 (names_alt): 003 附件2 also calls 鄂钢医院 鄂钢职工医院; 002 篇五 3.1 calls
    无锡市第二人民医院 无锡二院."""
    assert named(store, "鄂鋼職工醫院") == ["ezhou-egang-hospital"]
    assert named(store, "无锡二院") == ["wuxi-second-people"]
    assert named(store, "无锡市二院") == ["wuxi-second-people"]


def test_township_names_do_not_lose_their_township() -> None:
    """A 镇 name without its township (镇卫生院) would name every township's hospital."""
    keys = place_keys(["柳树镇卫生院"], ["柳树镇", "林口县"])
    assert "镇卫生院" not in keys and "柳树卫生院" in keys


def test_one_character_typo_gives_the_closest_institution_first(store: Store) -> None:
    """Issue 9: a name one character away (鄂州市中医医阮 for 鄂州市中医医院, 003 附件2) returns
    the closest candidate first, on both stores."""
    [first, *_] = candidates(store, "鄂州市中医医阮")
    assert (first.id, first.key, first.distance) == ("ezhou-tcm-hospital", "鄂州市中医医院", 1)


def test_a_missing_character_ranks_before_a_changed_one(store: Store) -> None:
    """Issue 9: 鄂州市中医院 is one edit from 鄂州市中医医院 and from 鄂州市二医院 (003 附件2's
    鄂州二医院 with its city); the one it merely misses a character of comes before."""
    found = [c.id for c in candidates(store, "鄂州市中医院", limit=10)]
    assert found.index("ezhou-tcm-hospital") < found.index("ezhou-second-hospital")


def test_two_characters_away_is_never_empty(store: Store) -> None:
    """Issue 9: never an empty list when something is one or two characters away."""
    found = candidates(store, "无锡第二人名医园")  # 无锡第二人民医院 (002 篇五), two changed
    assert found and found[0].id == "wuxi-second-people" and found[0].distance == 2


def test_nothing_near_gives_no_candidates(store: Store) -> None:
    assert candidates(store, "完全无关的名字") == []


def test_unknown_name_raises_not_found_with_the_closest_candidates(store: Store) -> None:
    """Issue 9: the resolver (CLI and GraphQL) answers an unknown name with the closest ones."""
    with pytest.raises(NotFoundError) as caught:
        resolve_institution(store, "鄂州市中医医阮")
    assert caught.value.candidates[0] == ("ezhou-tcm-hospital", "市中医医院")
    assert "did you mean: ezhou-tcm-hospital (市中医医院)" in str(caught.value)


def test_the_pieces_cover_every_name_within_two_edits() -> None:
    """The prefilter's guarantee: a key within 2 edits keeps one of the 3 pieces intact."""
    typed = name_key("鄂州市中医医阮")
    pieces = grams(typed)[:3]
    assert "".join(pieces) == typed
    for near in ("鄂州市中医医院", "州市中医医", "鄂州x中医医院y"):
        assert any(p in near for p in pieces)


def test_ranking_is_shared_and_bounded() -> None:
    ranked = closest("市三医园", [("a", "市三医院", ("市三医院",)), ("b", "x", ("市中心医院",))], 5)
    assert ranked == [("a", "市三医院", "市三医院", 1)]
    assert GRAM_BOUND >= 100


def test_typo_lookup_is_fast_on_the_samples(store: Store) -> None:
    store.run(INSTITUTION_CANDIDATES, name="鄂州市中医医阮")  # plan and warm up
    started = time.perf_counter()
    store.run(INSTITUTION_CANDIDATES, name="无锡第二人民医阮")
    assert time.perf_counter() - started < 1.0

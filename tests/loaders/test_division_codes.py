"""Divisions named by official code, by name or by an institution's address, on both stores."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from graphmodel.dataset import Dataset
from graphmodel.errors import InvalidInputError, Problem
from loaders.folder import load_dataset
from loaders.samples import load_sample
from queries.division_lookup import DIVISION_CHILDREN, DIVISIONS
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

INSTITUTIONS = "id,name,level,type,ownership,division,address,source,assumption\n"
MANIFEST = '{"id": "codes", "name": "codes test"}'
CHAIN = ["cn-230000000000", "cn-231000000000", "cn-231025000000", "cn-231025102000"]


def folder(tmp_path: Path, institutions: str, divisions: str | None = None) -> Path:
    d = tmp_path / "codes"
    d.mkdir()
    (d / "dataset.json").write_text(MANIFEST, encoding="utf-8")
    (d / "institutions.csv").write_text(INSTITUTIONS + institutions, encoding="utf-8")
    if divisions is not None:
        (d / "divisions.csv").write_text(
            "id,name,level,parent,code,valid_to,source,assumption\n" + divisions, encoding="utf-8"
        )
    return d


def problems(path: Path) -> list[Problem]:
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(path)
    return caught.value.problems


def by_code_alone(tmp_path: Path) -> Dataset:
    return load_dataset(
        folder(
            tmp_path,
            "codes-a,刁翎镇中心卫生院,primary,central_township_centre,public,231025102,,,test\n",
        )
    )


def test_every_sample_division_has_its_code() -> None:
    for name in ("ezhou", "hohhot", "linkou", "luoyang", "wuxi", "xiaoxian"):
        for d in load_sample(name).divisions:
            assert d.stat_code and len(d.stat_code) == 12, d.id
            assert d.gb_code == d.stat_code[:6]
    wuxi = {d.id: d for d in load_sample("wuxi").divisions}
    assert wuxi["wuxi-chongan"].stat_code == "320202000000"
    assert wuxi["wuxi-chongan"].valid_to == date(2015, 12, 31)
    linkou = {d.id: d for d in load_sample("linkou").divisions}
    assert linkou["linkou-diaoling"].stat_code == "231025102000"


def test_a_code_alone_brings_its_hierarchy_from_the_list(tmp_path: Path) -> None:
    data = by_code_alone(tmp_path)
    divisions = {d.id: d for d in data.divisions}
    assert sorted(divisions) == CHAIN
    assert [divisions[c].name for c in CHAIN] == ["黑龙江省", "牡丹江市", "林口县", "刁翎镇"]
    assert [divisions[c].parent for c in CHAIN] == [None, *CHAIN[:-1]]
    assert divisions[CHAIN[2]].level.value == "county"
    assert data.institutions[0].division == CHAIN[-1]


def test_both_stores_show_the_same_hierarchy(tmp_path: Path, neo4j_clean: Neo4jStore) -> None:
    data = by_code_alone(tmp_path)
    memory = MemoryStore(data)
    neo4j_clean.load(data)
    for parent, child in itertools.pairwise(CHAIN):
        kids = memory.run(DIVISION_CHILDREN, id=parent)
        assert [k.id for k in kids] == [child]
        assert neo4j_clean.run(DIVISION_CHILDREN, id=parent) == kids
    assert neo4j_clean.run(DIVISIONS, ids=CHAIN) == memory.run(DIVISIONS, ids=CHAIN)
    assert {d.stat_code for d in memory.run(DIVISIONS, ids=CHAIN)} == {c[3:] for c in CHAIN}


def test_a_row_given_by_code_takes_name_and_parent_from_the_list(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "codes-a,某卫生院,primary,township_centre,public,codes-kuishan,,,test\n",
        "codes-county,,,,231025,,,test\ncodes-kuishan,奎山乡,township,codes-county,231025112,,,test\n",
    )
    divisions = {d.id: d for d in load_dataset(path).divisions}
    assert divisions["codes-county"].name == "林口县"
    assert divisions["codes-county"].parent == "cn-231000000000"
    assert divisions["codes-kuishan"].stat_code == "231025112000"  # 奎山乡, a 镇 in 2023


def test_an_unknown_code_is_refused_where_it_is(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,某医院,secondary,general,public,codes-x,,,test\n",
                  "codes-x,某县,county,,231099,,,test\n")  # fmt: skip
    [p] = problems(path)
    assert (p.file, p.line, p.column) == ("codes/divisions.csv", 2, "code")
    assert "unknown division code 231099" in p.message


def test_an_unknown_code_in_an_institution_row_is_refused(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,某医院,secondary,general,public,231099,,,test\n")
    [p] = problems(path)
    assert (p.file, p.line, p.column) == ("codes/institutions.csv", 2, "division")
    assert "231099" in p.message


def test_a_code_that_names_another_division_is_refused(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,某医院,secondary,general,public,codes-x,,,test\n",
                  "codes-x,宁安县,county,,231025,,,test\n")  # fmt: skip
    [p] = problems(path)
    assert (p.line, p.column) == (2, "name")
    assert "林口县" in p.message


def test_a_retired_code_needs_its_end(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,某医院,secondary,general,public,codes-x,,,test\n",
                  "codes-x,崇安区,district,,320202,,,test\n")  # fmt: skip
    [p] = problems(path)
    assert (p.line, p.column) == (2, "valid_to")
    assert "retired in 2015" in p.message and "梁溪区" in p.message


def test_an_ambiguous_name_lists_the_candidates(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,某卫生院,primary,township_centre,public,codes-x,,,test\n",
                  "codes-x,城关镇,township,620000,,,,test\n")  # fmt: skip
    [p] = problems(path)
    assert (p.line, p.column) == (2, "name")
    assert "城关镇 names" in p.message and "give its code" in p.message
    assert p.message.count("甘肃省") >= 2


def test_an_address_places_the_institution(tmp_path: Path) -> None:
    path = folder(tmp_path, "codes-a,刁翎镇中心卫生院,primary,central_township_centre,public,,"
                  "黑龙江省林口县刁翎镇兴华街,,test\n")  # fmt: skip
    data = load_dataset(path)
    assert data.institutions[0].division == CHAIN[-1]
    assert sorted(d.id for d in data.divisions) == CHAIN


def test_an_unplaceable_or_ambiguous_address_is_refused(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "codes-a,某医院,secondary,general,public,,中心大街18号,,test\n"
        "codes-b,某卫生院,primary,township_centre,public,,城关镇卫生院,,test\n",
    )
    first, second = problems(path)
    assert (first.file, first.line, first.column) == ("codes/institutions.csv", 2, "address")
    assert "names no division" in first.message
    assert (second.line, second.column) == (3, "address")
    assert "may lie in" in second.message and "give the division" in second.message


def test_a_refused_code_writes_nothing_to_neo4j(tmp_path: Path, neo4j_clean: Neo4jStore) -> None:
    neo4j_clean.load(load_sample("wuxi"))
    before = neo4j_clean.stats()
    with pytest.raises(InvalidInputError):
        neo4j_clean.load(
            load_dataset(
                folder(tmp_path, "codes-a,某医院,secondary,general,public,999999,,,test\n")
            )
        )
    assert neo4j_clean.stats() == before

"""The route's region pool on Neo4j is read from relationships the writer keeps beside the
facts (`POOL_HOST`, `POOL_SENIOR`, `POOL_LOCAL`, see `loaders.neo4j_writer`); these tests
show a load writes them and every write and load that can change the pool recomputes them.

Each case changes the Xiaoxian sample through the product's own writes (or a reload), then
compares the pool of a township centre's route with the one the embedded store computes
from the facts of the changed dataset, and with the expected ids written out, so that a
stale derived relationship on either side fails the test.

Xiaoxian: the county community (county people's hospital, county TCM hospital and four
township hubs) and an urban-rural chain led by 蚌埠 (outside the county) of which the two
county hospitals are members. So from a township of the county the pool is the two county
hospitals (local) and the 蚌埠 hospital (through the chain).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from graphmodel.alliance import Membership
from graphmodel.dataset import Dataset
from graphmodel.enums import MemberRole
from graphmodel.routing import RouteRequest
from graphmodel.store import Store
from loaders import writes
from loaders.samples import load_sample
from queries.referral_route import CONTEXT
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

ORIGIN = "xiaoxian-baitu-central-thc"
PEOPLE, TCM = "xiaoxian-county-people", "xiaoxian-county-tcm"
BENGBU, CHAIN = "xiaoxian-bengbu-affiliated", "xiaoxian-ur-bengbu"
COMMUNITY = "xiaoxian-county-community"
BEFORE, AFTER = date(2024, 6, 1), date(2025, 6, 1)
ENDED = date(2024, 12, 31)


def pool(store: Store, on: date) -> set[str]:
    context = store.run(CONTEXT, request=RouteRequest(origin=ORIGIN, on=on))
    return {c.institution.id for c in context.pool}


def agrees(neo4j: Neo4jStore, dataset: Dataset, on: date, expected: set[str]) -> None:
    memory = MemoryStore(dataset)
    assert pool(memory, on) == expected
    assert pool(neo4j, on) == expected


@pytest.fixture
def xiaoxian(neo4j_clean: Neo4jStore) -> Dataset:
    dataset = load_sample("xiaoxian")
    neo4j_clean.load(dataset)
    return dataset


def test_a_load_writes_the_pool(neo4j_clean: Neo4jStore, xiaoxian: Dataset) -> None:
    agrees(neo4j_clean, xiaoxian, AFTER, {PEOPLE, TCM, BENGBU})
    rows = neo4j_clean.reader.rows(
        "MATCH (a)-[r:POOL_HOST|POOL_SENIOR|POOL_LOCAL]->(b) "
        "RETURN type(r) AS t, a.id AS a, b.id AS b ORDER BY t, a, b"
    )
    found = {(r["t"], r["a"], r["b"]) for r in rows}
    assert len(rows) == len(found)  # one per distinct period: all of Xiaoxian's are open
    county = ("xiaoxian-county", "xiaoxian-suzhou", "xiaoxian-anhui")
    towns = ("xiaoxian-zhangzhuangzhai", "xiaoxian-huangkou", "xiaoxian-baitu", "xiaoxian-datun")
    assert found == (
        {("POOL_HOST", COMMUNITY, d) for d in county + towns}
        | {("POOL_HOST", CHAIN, d) for d in (*county, "xiaoxian-bengbu")}
        | {("POOL_SENIOR", i, COMMUNITY) for i in (PEOPLE, TCM)}
        | {("POOL_SENIOR", i, CHAIN) for i in (PEOPLE, TCM, BENGBU)}
        | {("POOL_LOCAL", i, d) for i in (PEOPLE, TCM) for d in county}
        | {("POOL_LOCAL", BENGBU, d) for d in ("xiaoxian-bengbu", "xiaoxian-anhui")}
    )


@pytest.mark.parametrize("one_transaction", [True, False])
def test_a_reload_recomputes_the_pool(
    neo4j_clean: Neo4jStore, xiaoxian: Dataset, one_transaction: bool
) -> None:
    smaller = dataclasses.replace(
        xiaoxian,
        memberships=tuple(
            m for m in xiaoxian.memberships if not (m.alliance == CHAIN and m.institution != BENGBU)
        ),
    )
    neo4j_clean.load(smaller, one_transaction=one_transaction)
    agrees(neo4j_clean, smaller, AFTER, {PEOPLE, TCM})
    neo4j_clean.load(xiaoxian, one_transaction=one_transaction)
    agrees(neo4j_clean, xiaoxian, AFTER, {PEOPLE, TCM, BENGBU})


def test_ending_memberships_recomputes_the_pool(neo4j_clean: Neo4jStore, xiaoxian: Dataset) -> None:
    for member in (PEOPLE, TCM):
        writes.end_membership(neo4j_clean, member, CHAIN, MemberRole.MEMBER, ENDED)
        if member == PEOPLE:  # one local member of the chain is left: 蚌埠 stays reachable
            assert BENGBU in pool(neo4j_clean, AFTER)
    ended = dataclasses.replace(
        xiaoxian,
        memberships=tuple(
            dataclasses.replace(m, valid_to=ENDED)
            if m.alliance == CHAIN and m.institution in (PEOPLE, TCM) else m
            for m in xiaoxian.memberships
        ),
    )  # fmt: skip
    agrees(neo4j_clean, ended, AFTER, {PEOPLE, TCM})
    agrees(neo4j_clean, ended, BEFORE, {PEOPLE, TCM, BENGBU})  # history is kept


def test_starting_a_membership_recomputes_the_pool(
    neo4j_clean: Neo4jStore, xiaoxian: Dataset
) -> None:
    newcomer = dataclasses.replace(
        next(i for i in xiaoxian.institutions if i.id == BENGBU),
        id="xiaoxian-bengbu-second", name="蚌埠第二医院",
    )  # fmt: skip
    writes.register_institution(neo4j_clean, _values(newcomer))
    assert "xiaoxian-bengbu-second" not in pool(neo4j_clean, AFTER)
    joined = Membership(institution=newcomer.id, alliance=COMMUNITY, role=MemberRole.MEMBER,
                        valid_from=date(2025, 1, 1), assumption="test")  # fmt: skip
    writes.start_membership(
        neo4j_clean,
        {"institution": joined.institution, "alliance": joined.alliance, "role": "member",
         "valid_from": joined.valid_from, "assumption": "test"},
    )  # fmt: skip
    grown = dataclasses.replace(
        xiaoxian, institutions=(*xiaoxian.institutions, newcomer),
        memberships=(*xiaoxian.memberships, joined),
    )  # fmt: skip
    agrees(neo4j_clean, grown, AFTER, {PEOPLE, TCM, BENGBU, newcomer.id})
    agrees(neo4j_clean, grown, BEFORE, {PEOPLE, TCM, BENGBU})


def test_a_changed_level_or_division_recomputes_the_pool(
    neo4j_clean: Neo4jStore, xiaoxian: Dataset
) -> None:
    by_id = {i.id: i for i in xiaoxian.institutions}
    # 蚌埠 re-registered as a primary institution: no longer a destination of the pool.
    demoted = dataclasses.replace(by_id[BENGBU], level=by_id[ORIGIN].level, grade=None)
    writes.register_institution(neo4j_clean, _values(demoted))
    changed = dataclasses.replace(
        xiaoxian,
        institutions=tuple(demoted if i.id == BENGBU else i for i in xiaoxian.institutions),
    )
    agrees(neo4j_clean, changed, AFTER, {PEOPLE, TCM})
    writes.register_institution(neo4j_clean, _values(by_id[BENGBU]))
    # The county hospitals moved to 蚌埠: the chain has no member in the county any more,
    # while the two stay reachable as members of the county community.
    moved = {i: dataclasses.replace(by_id[i], division="xiaoxian-bengbu") for i in (PEOPLE, TCM)}
    for institution in moved.values():
        writes.register_institution(neo4j_clean, _values(institution))
    elsewhere = dataclasses.replace(
        xiaoxian, institutions=tuple(moved.get(i.id, i) for i in xiaoxian.institutions)
    )
    agrees(neo4j_clean, elsewhere, AFTER, {PEOPLE, TCM})


def _values(i: object) -> dict[str, object]:
    """An institution as the API's registration takes it (the file's columns)."""
    keep = ("id", "name", "names_alt", "level", "grade", "level_text", "type", "ownership",
            "division", "specialties", "review_passed_on", "uscc", "note", "source",
            "assumption")  # fmt: skip
    return {k: getattr(i, k) for k in keep}

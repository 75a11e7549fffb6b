"""No N+1: a hundred institutions with their alliances and leads cost ONE round trip (the
selection is compiled into one statement, api/projection_neo4j.py)."""

from __future__ import annotations

import pytest

from graphmodel.alliance import Alliance, Membership
from graphmodel.dataset import Dataset
from graphmodel.division import Division
from graphmodel.enums import (
    AllianceKind,
    DivisionLevel,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
)
from graphmodel.institution import Institution
from stores.neo4j import Neo4jStore
from tests.api.conftest import make_api

T = "test data"


def many() -> Dataset:
    """150 township centres in 15 county communities, each led by its county hospital."""
    institutions, alliances, memberships = [], [], []
    for c in range(15):
        lead = f"n-county-{c:02}"
        institutions.append(
            Institution(
                id=lead,
                name=f"第{c}县人民医院",
                level=Level.SECONDARY,
                type=InstitutionType.GENERAL,
                ownership=Ownership.PUBLIC,
                division="n-d",
                assumption=T,
            )
        )
        alliances.append(
            Alliance(
                id=f"n-a-{c:02}",
                name=f"第{c}县医共体",
                kind=AllianceKind.COUNTY_COMMUNITY,
                integration=Integration.TIGHT,
                assumption=T,
            )
        )
        memberships.append(
            Membership(institution=lead, alliance=f"n-a-{c:02}", role=MemberRole.LEAD, assumption=T)
        )
        for t in range(10):
            ident = f"n-t-{c:02}-{t:02}"
            institutions.append(
                Institution(
                    id=ident,
                    name=f"第{c}县{t}镇卫生院",
                    level=Level.PRIMARY,
                    type=InstitutionType.TOWNSHIP_CENTRE,
                    ownership=Ownership.PUBLIC,
                    division="n-d",
                    assumption=T,
                )
            )
            memberships.append(
                Membership(
                    institution=ident, alliance=f"n-a-{c:02}", role=MemberRole.HUB, assumption=T
                )
            )
    return Dataset(id="n", divisions=(Division(id="n-d", name="某县", level=DivisionLevel.COUNTY,
                                               assumption=T),),
                   institutions=tuple(institutions), alliances=tuple(alliances),
                   memberships=tuple(memberships))  # fmt: skip


QUERY = """{ institutions(first: 100) { nodes { id name division { name }
  alliances { id kind lead { id name } members { role } } } } }"""


def test_a_hundred_institutions_with_alliances_and_leads_in_one_round_trip(
    neo4j_clean: Neo4jStore,
) -> None:
    neo4j_clean.load(many())
    for api in make_api(neo4j_clean):
        before = neo4j_clean.reader.round_trips
        nodes = api.data(QUERY)["institutions"]["nodes"]
        trips = neo4j_clean.reader.round_trips - before
    assert len(nodes) == 100
    assert all(n["alliances"][0]["lead"]["id"].startswith("n-county-") for n in nodes)
    assert trips == 1


ONE = '{ institution(id: "n-county-03") { id alliances { id kind } } }'


def test_the_servers_compiled_reads_await_the_async_driver_not_a_thread(
    neo4j_clean: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an app serves, its loop has the async driver (`Neo4jStore.open_async`): a
    compiled read on that loop never reaches the sync `run` (a worker thread's), still one
    round trip; at shutdown the app closes the driver it opened. (A costly read, as
    `QUERY` is, runs in the heavy lane's own loop, and so in a thread, as before.)"""
    neo4j_clean.load(many())

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a compiled read went to the sync driver")

    for api in make_api(neo4j_clean):
        assert neo4j_clean._async is not None
        monkeypatch.setattr(neo4j_clean, "run", refused)
        before = neo4j_clean.reader.round_trips
        found = api.data(ONE)["institution"]
        assert neo4j_clean.reader.round_trips - before == 1
        monkeypatch.undo()
    assert found == {
        "id": "n-county-03",
        "alliances": [{"id": "n-a-03", "kind": "COUNTY_COMMUNITY"}],
    }
    assert neo4j_clean._async is None and neo4j_clean.async_reader() is None

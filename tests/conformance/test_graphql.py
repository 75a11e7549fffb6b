"""The compiled reads (api/projection*) over GraphQL: both stores give the same answer, and
Neo4j answers each in ONE round trip (the peer's one statement per request, issue 12).

The queries mix every compiled link, aliases of one field with different `on` (each alias
must get its own date), fragments, and the list roots with filters and cursors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.api.conftest import Api, make_api

INSTITUTION = """{ id name level levelText type ownership grade namesAlt specialties
  reviewPassedOn uscc note source assumption divisionCode roles { role condition } }"""
ALLIANCE = "{ id name kind integration specialty validFrom validTo source assumption }"

NESTED = """{ alliance(id: "wuxi-second-people-alliance") { members {
  institution { id name level alliances { name } } } } }"""
ONE_HOP = """{ institution(id: "wuxi-second-people") { id name alliances { name } } }"""

READS: dict[str, str | tuple[str, dict[str, Any]]] = {
    "nested": NESTED,
    "one_hop": ONE_HOP,
    "by_name_other_script": """{ institution(id: "無錫市第二人民醫院") { id name } }""",
    "institution_everything": f"""{{ institution(id: "wuxi-second-people") {INSTITUTION} }}""",
    "aliases_with_dates": """{ institution(id: "wuxi-jianghai-chc") {
      now: alliances { id } then: alliances(on: "2008-01-01") { id }
      early: memberships(on: "2000-01-01") { role validFrom alliance { id } }
      memberships { role validFrom validTo source assumption institutionId alliance {
        id lead { id } } } } }""",
    "alliance_everything": f"""{{ alliance(id: "wuxi-second-people-alliance") {{
      a: id ...A division {{ code name level parent {{ code }} children {{ code }} }}
      lead {{ id name }} old: lead(on: "2000-01-01") {{ id }}
      members(on: "2009-06-01") {{ role validFrom validTo institution {{ id }} }}
      pairs {{ allianceId upperId lowerId upperDepartment specialty specialtyCode
               responsibleUpper responsibleLower validFrom upper {{ id name }} lower {{ id }} }}
      grids {{ id name }} }} }}
      fragment A on Alliance {ALLIANCE}""",
    "channels": """{ a: institution(id: "wuxi-second-people") { channels { fromId toId
      direction allianceId conditions validFrom validTo source } }
      b: institution(id: "wuxi-guangyi-chc") { channels(on: "2000-01-01") { fromId } } }""",
    "institution_counterparts": """{ institution(id: "wuxi-second-people") {
      all: counterparts { direction department specialty specialtyCode responsiblePerson
        ownResponsiblePerson source assumption institution { id name } alliance { id kind } }
      heart: counterparts(specialty: "心内科") { institution { id } }
      down: counterparts(direction: LOWER, allianceKind: URBAN_GROUP) { institution { id } } } }""",
    "counterparts_root": """{ counterparts(institution: "无锡市第二人民医院", specialty: "03.04") {
      institution { id alliances { id } } department specialtyCode } }""",
    "division": """{ division(code: "linkou-county") { code name level gbCode parent { code
      parent { code } } children { code name children { code } } } }""",
    "institutions_page": f"""{{ institutions(first: 5) {{ pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ id division {{ code }} }} }} nodes {INSTITUTION} }} }}""",
    "institutions_filtered": """{ institutions(first: 100, filter: {name: "卫生院"}) {
      nodes { id name memberships { role alliance { id } } } } }""",
    "institutions_in_alliance_then": """{ institutions(first: 50, on: "2008-01-01",
      filter: {alliance: "wuxi-second-people-alliance"}) { nodes { id
      alliances(on: "2008-01-01") { id } } } }""",
    "institutions_by_division_level": """{ institutions(first: 50,
      filter: {division: "linkou-heilongjiang", level: PRIMARY}) { nodes { id level } } }""",
    "alliances_page": f"""{{ alliances(first: 3) {{ pageInfo {{ hasNextPage endCursor }}
      nodes {ALLIANCE} }} }}""",
    "alliances_filtered": """{ urban: alliances(filter: {kind: URBAN_GROUP}) { nodes { id
      lead { id } members { role institution { id name } } } }
      led: alliances(filter: {lead: "linkou-mdj-tcm"}) { nodes { id } }
      within: alliances(filter: {division: "linkou-heilongjiang"}) { nodes { id
      division { code } } } }""",
    # Division.institutions is not compiled: it and everything under it use the loaders.
    "division_institutions_fall_back": """{ division(code: "linkou-county") { name
      institutions(first: 3) { nodes { id alliances { id } } } } }""",
    "missing": """{ alliance(id: "none") { id }
      division(code: "nowhere") { code } }""",
}

# Variables and directives reach the plan as graphql-core coerces them.
VARIABLES = """query($on: Date, $skip: Boolean!, $id: ID!) { institution(id: $id) {
  memberships(on: $on) { role alliance { id } } gone: alliances @skip(if: $skip) { id }
  ... on Institution @include(if: $skip) { name } } }"""
READS |= {
    f"variables_{k}": (VARIABLES, {"on": on, "skip": skip, "id": "wuxi-jianghai-chc"})
    for k, (on, skip) in enumerate([("2025-06-30", True), ("2000-06-30", False), (None, False)])
}

# Reads whose compiled plan reaches every field: one statement per root field on Neo4j.
ROOT_FIELDS = {
    "channels": 2,
    "alliances_filtered": 3,
    "missing": 2,
    # the division, its institutions' page, their memberships
    "division_institutions_fall_back": 3,
}


@pytest.fixture
def apis(memory_store: MemoryStore, neo4j_samples: Neo4jStore) -> Iterator[tuple[Api, Api]]:
    for memory in make_api(memory_store):
        for neo4j in make_api(neo4j_samples):
            yield memory, neo4j


@pytest.mark.parametrize("name", sorted(READS))
def test_both_stores_answer_alike_in_one_round_trip(name: str, apis: tuple[Api, Api]) -> None:
    memory, neo4j = apis
    read = READS[name]
    query, variables = read if isinstance(read, tuple) else (read, None)
    expected = memory.data(query, variables)
    store = neo4j.store
    assert isinstance(store, Neo4jStore)
    before = store.reader.round_trips
    assert neo4j.data(query, variables) == expected
    roots = ROOT_FIELDS.get(name, 1)
    assert store.reader.round_trips - before == roots


def test_the_reads_find_something(apis: tuple[Api, Api]) -> None:
    """Equal empty answers prove nothing: the dated aliases and filters must find data."""
    memory, _ = apis
    jianghai = memory.data(str(READS["aliases_with_dates"]))["institution"]
    assert jianghai["now"] and jianghai["memberships"]
    assert jianghai["now"] != jianghai["then"] or jianghai["early"] != jianghai["memberships"]
    members = memory.data(NESTED)["alliance"]["members"]
    assert len(members) > 3 and all(m["institution"]["alliances"] for m in members)
    counterparts = memory.data(str(READS["institution_counterparts"]))["institution"]
    assert counterparts["all"] and counterparts["heart"]
    page = memory.data(str(READS["institutions_page"]))["institutions"]
    assert page["pageInfo"]["hasNextPage"] and len(page["nodes"]) == 5
    assert memory.data(str(READS["alliance_everything"]))["alliance"]["pairs"]


def test_an_ambiguous_or_unknown_name_still_answers_with_its_error(apis: tuple[Api, Api]
                                                                   ) -> None:  # fmt: skip
    for api in apis:
        assert api.codes('{ institution(id: "无锡市第二人民医阮") { id } }') == ["NOT_FOUND"]
        assert api.codes('{ counterparts(institution: "nowhere-xyz") { department } }') == [
            "NOT_FOUND"
        ]

"""A fully compiled operation answered straight from its plan (api/direct.py) gives the same
bytes as graphql-core executing it field by field, on both stores; and it really ran.

Every read of test_graphql.py, the peer and HTTP benchmarks' reads, and reads made to
exercise what the writer must get right: aliases of plain fields and of `__typename`,
named and inline fragments with directives, `@skip`/`@include` by literal and variable,
enum and date leaves, input objects and enums given as variables, one operation picked
by name among several. Each is asked twice of the same app, once with the direct path
and once without (`Direct.enabled`), and the HTTP bodies must be equal byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.app import create_app
from api.direct import Direct
from bench import http
from bench.abuse import allowed_candidates
from bench.peer import reads as peer
from graphmodel.settings import Settings
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.api.conftest import EDITOR, Api, make_api
from tests.conformance.test_graphql import READS

Read = tuple[str, dict[str, Any] | None, str | None]

TYPENAME = """{ __typename q: __typename institution(id: "wuxi-second-people") {
  __typename t: __typename id alliances { __typename name members { __typename
  institution { __typename id } } } } alliances(first: 2) { __typename pageInfo {
  __typename } edges { __typename node { __typename id } } nodes { __typename } } }"""
FRAGMENTS = """{ institution(id: "wuxi-second-people") {
  n: name name id n2: id ... on Institution { name level } ...F ... { type }
  alliances { ...A x: id ...A } ...G } }
  fragment F on Institution { level grade reviewPassedOn ...G }
  fragment G on Institution { ownership }
  fragment A on Alliance { id kind integration validFrom validTo }"""
DIRECTIVES = """{ institution(id: "wuxi-second-people") {
  id @skip(if: true) name @include(if: false) level @skip(if: false)
  alliances @include(if: true) { name @skip(if: true) id }
  memberships @skip(if: true) { role } ... @include(if: false) { type }
  ...F @skip(if: false) } } fragment F on Institution { specialties }"""
ENUMS_AND_DATES = """{ institution(id: "wuxi-jianghai-chc") { level grade type ownership
  reviewPassedOn roles { role condition conditionValue } memberships(on: "2000-01-01") {
  role validFrom validTo alliance { kind integration validFrom validTo } } } }"""
TYPED_VARIABLES = """query($f: InstitutionFilterInput, $n: Int!, $k: AllianceKind,
  $d: CounterpartDirection) { institutions(first: $n, filter: $f) { nodes { id level } }
  alliances(filter: {kind: $k}) { nodes { id kind } }
  counterparts(institution: "wuxi-second-people", direction: $d) { direction } }"""
TWO_OPERATIONS = """query A { institution(id: "wuxi-second-people") { id } }
  query B { alliance(id: "wuxi-second-people-alliance") { id name } }"""
TYPED = {"f": {"level": "PRIMARY"}, "n": 3, "k": "URBAN_GROUP", "d": "LOWER"}

EXTRA: dict[str, Read] = {
    "peer_nested": (peer.NESTED_OURS, {"id": "wuxi-second-people-alliance"}, None),
    "peer_one_hop": (peer.ONE_HOP_OURS, {"id": "wuxi-second-people"}, None),
    "peer_counterparts": (peer.COUNTERPARTS_OURS, {"id": "wuxi-second-people"}, None),
    "http_counterparts": (http.COUNTERPARTS, None, None),
    "http_institution": (http.QUERIES["institution"] % {"id": "wuxi-second-people"}, None, None),
    "http_institutions": (http.QUERIES["institutions(first:50)"], None, None),
    "typename_everywhere": (TYPENAME, None, None),
    "typename_only": (
        """{ alliance(id: "wuxi-second-people-alliance") { lead { __typename }
      members { institution { __typename alliances { __typename } } } } }""",
        None,
        None,
    ),
    "plain_aliases_and_fragments": (FRAGMENTS, None, None),
    "literal_directives": (DIRECTIVES, None, None),
    "enums_and_dates": (ENUMS_AND_DATES, None, None),
    "input_and_enum_variables": (TYPED_VARIABLES, TYPED, None),
    "mixed_with_a_report": ('{ rootDivisions { code } alliance(id: "x") { id } }', None, None),
    "operation_by_name": (TWO_OPERATIONS, None, "B"),
}

# Reads that must go to graphql-core, with the reason.
DECLINED = {
    "division_institutions_fall_back",  # Division.institutions is not compiled
    "mixed_with_a_report",  # rootDivisions is not a compiled root field
}
ERRORS: dict[str, Read] = {
    "unknown_name": ('{ institution(id: "无锡市第二人民医阮") { id } }', None, None),
    "bad_cursor": ('{ institutions(after: "nope") { nodes { id } } }', None, None),
    "page_too_large": ("{ alliances(first: 100000) { nodes { id } } }", None, None),
}


def all_reads() -> dict[str, Read]:
    out: dict[str, Read] = {}
    for name, read in READS.items():
        query, variables = read if isinstance(read, tuple) else (read, None)
        out[name] = (query, variables, None)
    return out | EXTRA


def direct_of(api: Api) -> Direct:
    found = api.client.app.state.schema.direct  # type: ignore[attr-defined]
    assert isinstance(found, Direct)
    return found


def body(api: Api, read: Read, *, direct: bool) -> bytes:
    query, variables, operation = read
    switch = direct_of(api)
    switch.enabled = direct
    try:
        payload = {"query": query, "variables": variables, "operationName": operation}
        response = api.client.post("/graphql", json=payload)
    finally:
        switch.enabled = True
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture
def apis(memory_store: MemoryStore, neo4j_samples: Neo4jStore) -> Iterator[dict[str, Api]]:
    for memory in make_api(memory_store):
        for neo4j in make_api(neo4j_samples):
            yield {"memory": memory, "neo4j": neo4j}


@pytest.mark.parametrize("kind", ["memory", "neo4j"])
@pytest.mark.parametrize("name", sorted(all_reads()))
def test_the_direct_answer_is_graphql_cores_byte_for_byte(name: str, kind: str,
                                                         apis: dict[str, Api]) -> None:  # fmt: skip
    api, read = apis[kind], all_reads()[name]
    direct = direct_of(api)
    served, declined = direct.served, direct.declined
    fast = body(api, read, direct=True)
    if name in DECLINED:
        assert (direct.served, direct.declined) == (served, declined + 1)
    else:  # it ran, and did not silently fall back
        assert (direct.served, direct.declined) == (served + 1, declined)
    assert b'"errors"' not in fast
    assert fast == body(api, read, direct=False)


@pytest.mark.parametrize("kind", ["memory", "neo4j"])
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_an_error_is_left_to_graphql_core(name: str, kind: str, apis: dict[str, Api]) -> None:
    api, (query, variables, _) = apis[kind], ERRORS[name]
    direct = direct_of(api)
    served = direct.served
    on = api.post(query, variables).json()
    assert direct.served == served
    assert on.get("errors")
    direct.enabled = False
    try:
        off = api.post(query, variables).json()
    finally:
        direct.enabled = True
    codes = [[e.get("extensions", {}).get("code"), e["path"]] for e in on["errors"]]
    assert codes == [[e.get("extensions", {}).get("code"), e["path"]] for e in off["errors"]]
    assert on["data"] == off["data"]


def test_a_mutation_is_never_answered_directly(apis: dict[str, Api]) -> None:
    api = apis["memory"]
    direct = direct_of(api)
    served, declined = direct.served, direct.declined
    mutation = """mutation { endPairing(alliance: "none", upper: "x", lower: "y",
      validTo: "2020-01-01") { specialty } }"""
    assert api.codes(mutation, token=EDITOR)
    assert (direct.served, direct.declined) == (served, declined + 1)


def test_neo4j_answers_are_written_from_the_projected_maps(apis: dict[str, Api]) -> None:
    """On Neo4j the API's objects are not even built: the writer reads the statement's maps."""
    query, variables, _ = EXTRA["peer_nested"]
    for kind, maps in (("memory", 0), ("neo4j", 1)):
        direct = direct_of(apis[kind])
        before = direct.from_maps
        apis[kind].data(query, variables)
        assert direct.from_maps - before == maps


def test_a_read_answered_directly_has_its_own_heavy_limit(memory_store: MemoryStore) -> None:
    """Past `heavy_cost` a query goes to the heavy lane or worker, unless it is answered
    from its plan and costs at most `heavy_cost_direct`."""
    compiled = "{ institutions(first: 100) { nodes { alliances { name } } } }"  # cost 1,102
    executed = (
        '{ division(code: "x") { institutions(first: 100) { nodes { alliances { name } } } } }'
    )
    app = create_app(Settings(production=True), memory_store).state.graphql

    def heavy(query: str, variables: dict[str, Any] | None = None) -> bool:
        return bool(app.heavy({"alliancegraph.body": {"query": query, "variables": variables}}))

    assert not heavy(compiled)
    assert heavy(executed)  # Division.institutions is not compiled: graphql-core runs it
    assert not heavy(peer.NESTED_OURS, {"id": "x"})  # cost 4,503
    assert heavy(peer.ROUTE_OURS, {"id": "x"})  # a route is not compiled
    assert heavy(allowed_candidates(Settings())["pages"])  # compiled, but past 5,000
    app.costed.direct.enabled = False
    assert heavy(compiled)


@pytest.mark.parametrize("kind", ["memory", "neo4j"])
def test_a_kept_plan_serves_only_its_own_variables(kind: str, apis: dict[str, Api]) -> None:
    """Plans are kept by document, operation and variables: asking one document with other
    variables, and again, gives each its own answer."""
    api = apis[kind]
    query = str(READS["variables_0"][0])
    sets = [{"on": on, "skip": skip, "id": "wuxi-jianghai-chc"}
            for on, skip in (("2025-06-30", True), ("2000-06-30", False))]  # fmt: skip
    answers = [body(api, (query, v, None), direct=True) for v in sets + sets]
    assert answers[0] != answers[1] and answers[:2] == answers[2:]
    assert answers[:2] == [body(api, (query, v, None), direct=False) for v in sets]

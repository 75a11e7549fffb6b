"""Auth, abuse limits, production masking, GraphiQL and the committed SDL."""

from __future__ import annotations

import os
from pathlib import Path

from api.schema import sdl
from stores.memory import MemoryStore
from tests.api.conftest import EDITOR, READER, make_api

MUTATION = """mutation { registerInstitution(input: {id: "x-new", name: "新医院",
  level: SECONDARY, type: GENERAL, ownership: PUBLIC, assumption: "test"}) { id } }"""


def test_writes_without_a_token_are_forbidden(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store):
        assert api.codes(MUTATION) == ["FORBIDDEN"]
        assert api.codes(MUTATION, token=READER) == ["FORBIDDEN"]


def test_a_wrong_token_is_refused_before_graphql_runs(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store):
        response = api.post('{ institution(id: "wuxi-second-people") { id } }', token="nope")
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_reads_need_a_token_when_configured(memory_store: MemoryStore) -> None:
    q = '{ institution(id: "wuxi-second-people") { id } }'
    for api in make_api(memory_store, reads_need_token=True):
        assert api.post(q).status_code == 401
        assert api.data(q, token=READER) == {"institution": {"id": "wuxi-second-people"}}
    for api in make_api(memory_store, reads_need_token=False):
        assert api.data(q) == {"institution": {"id": "wuxi-second-people"}}


def test_the_embedded_store_refuses_writes_naming_neo4j_uri(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store):
        body = api.post(MUTATION, token=EDITOR).json()
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and "NEO4J_URI" in error["message"]


def test_depth_limit(memory_store: MemoryStore) -> None:
    deep = (
        '{ institution(id: "wuxi-jianghai-chc") '
        "{ division { parent { parent { parent { name } } } } } }"
    )
    for api in make_api(memory_store, max_depth=3):
        assert api.codes(deep) == ["GRAPHQL_VALIDATION_FAILED"]
    for api in make_api(memory_store, max_depth=10):
        assert api.codes(deep) == []


def test_alias_limit(memory_store: MemoryStore) -> None:
    many = "{ " + " ".join(f'a{k}: institution(id: "wuxi-second-people") {{ id }}'
                           for k in range(6)) + " }"  # fmt: skip
    for api in make_api(memory_store, max_aliases=5):
        assert "GRAPHQL_VALIDATION_FAILED" in api.codes(many)
    for api in make_api(memory_store, max_aliases=6):
        assert api.codes(many) == []


def test_token_limit(memory_store: MemoryStore) -> None:
    q = '{ institution(id: "wuxi-second-people") { id name level type ownership } }'
    for api in make_api(memory_store, max_tokens=10):
        assert api.codes(q) == ["GRAPHQL_VALIDATION_FAILED"]


def test_page_size_limit_is_a_setting(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store, max_page_size=5):
        assert api.codes("{ institutions(first: 6) { nodes { id } } }") == ["INVALID_INPUT"]


def test_introspection_and_graphiql_are_off_in_production(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store, production=True):
        assert set(api.codes("{ __schema { types { name } } }")) == {"GRAPHQL_VALIDATION_FAILED"}
        assert api.client.get("/graphql", headers={"accept": "text/html"}).status_code != 200
    for api in make_api(memory_store, production=False):
        assert api.codes("{ __schema { queryType { name } } }") == []
        page = api.client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    for api in make_api(memory_store, production=True, introspection=True):
        assert api.codes("{ __schema { queryType { name } } }") == []


def test_health_and_readiness(memory_store: MemoryStore) -> None:
    for api in make_api(memory_store):
        assert api.client.get("/healthz").json() == {"status": "ok"}
        ready = api.client.get("/readyz").json()
        assert ready == {"status": "ready", "store": "memory", "pid": os.getpid()}


def test_internal_errors_are_masked_in_production_with_a_request_id(
    memory_store: MemoryStore,
) -> None:
    class Broken(MemoryStore):
        def run(self, query: object, /, **args: object) -> object:
            raise RuntimeError("secret detail")

    broken = Broken(memory_store.dataset)
    q = "{ alliances { nodes { id } } }"
    for api in make_api(broken, production=True):
        [error] = api.post(
            q,
        ).json()["errors"]
        assert error["message"] == "internal error"
        assert error["extensions"]["code"] == "INTERNAL" and error["extensions"]["requestId"]
    for api in make_api(broken, production=False):
        [error] = api.post(q).json()["errors"]
        assert "secret detail" in error["message"]


def test_committed_sdl_matches_the_code() -> None:
    committed = (Path(__file__).parents[2] / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "run `alliancegraph schema > schema.graphql` and commit it"

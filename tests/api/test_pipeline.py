"""The per-document caches, seen from outside: a repeated request is served from them, over
real HTTP under uvicorn, and every limit still refuses a document they hold.

Each test sends the same document twice and reads the caches' counters (`api/caches.py`)
between the two; the store is the embedded one, on both stores' behalf: the caches sit
before any store call.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from api.app import create_app
from api.caches import ByteLRU, Caches
from api.plain import plain
from graphmodel.settings import Settings
from stores.memory import MemoryStore
from tests.api.conftest import make_api
from tests.robustness.conftest import served

COUNTERPARTS = """{ counterparts(institution: "无锡市第二人民医院") {
  direction institution { id name } alliance { name } } }"""


def counts(caches: Caches) -> dict[str, tuple[int, int]]:
    def pair(c: ByteLRU[Any]) -> tuple[int, int]:
        return c.hits, c.misses

    return {"documents": pair(caches.documents), "validations": pair(caches.validations),
            "costs": pair(caches.costs)}  # fmt: skip


def post(port: int, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                     headers={"content-type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_repeated_request_over_http_is_parsed_validated_and_priced_from_the_caches(
    memory_store: MemoryStore,
) -> None:
    app = create_app(Settings(request_timeout=120), memory_store)
    caches: Caches = app.state.schema.caches
    with served(app) as port:
        first = post(port, COUNTERPARTS)
        assert "errors" not in first and first["data"]["counterparts"]
        after_first = counts(caches)
        assert all(misses >= 1 for _, misses in after_first.values()), after_first
        second = post(port, COUNTERPARTS)
        after_second = counts(caches)
    assert second == first
    for name, (hits, misses) in after_second.items():
        assert misses == after_first[name][1], f"{name} missed on the repeat"
        assert hits > after_first[name][0], f"{name} was not used on the repeat"


def test_every_limit_still_refuses_a_cached_document(memory_store: MemoryStore) -> None:
    deep = '{ institution(id: "wuxi-jianghai-chc") { division { parent { parent { name } } } } }'
    aliased = "{ " + " ".join(f"a{k}: __typename" for k in range(6)) + " }"
    costly = "{ institutions(first: 100) { nodes { alliances { members { role } } } } }"
    cases = [
        ({"max_depth": 3}, deep, "GRAPHQL_VALIDATION_FAILED"),
        ({"max_aliases": 5}, aliased, "GRAPHQL_VALIDATION_FAILED"),
        ({}, "{ __schema { types { name } } }", "GRAPHQL_VALIDATION_FAILED"),  # production
        ({"max_cost": 50_000}, costly, "QUERY_TOO_COSTLY"),
    ]
    for limits, query, code in cases:
        for api in make_api(memory_store, **limits):
            caches = api.client.app.state.schema.caches
            first, second = api.post(query).json(), api.post(query).json()
            assert {e["extensions"]["code"] for e in first["errors"]} == {code}, first
            assert [e["message"] for e in second["errors"]] == [
                e["message"] for e in first["errors"]
            ]
            assert (caches.validations.hits, caches.validations.misses) == (1, 1), query
            if code == "QUERY_TOO_COSTLY":
                assert caches.costs.misses == 1 and caches.costs.hits >= 3  # priced once


def test_the_cost_of_a_request_with_variables_is_not_taken_from_another(
    memory_store: MemoryStore,
) -> None:
    """`first: $n` changes the cost, so one verdict must not serve another request's."""
    query = (
        "query($n: Int!) { institutions(first: $n) { nodes { alliances { members { role } } } } }"
    )
    for api in make_api(memory_store, max_cost=50_000):
        assert api.codes(query, {"n": 1}) == []
        assert api.codes(query, {"n": 100}) == ["QUERY_TOO_COSTLY"]
        assert api.codes(query, {"n": 1}) == []


def test_a_plain_request_and_one_through_strawberrys_view_get_the_same_bytes(
    memory_store: MemoryStore,
) -> None:
    """api/plain.py answers the common request itself; an `Accept` header that names no
    stream but is not plain either (`application/json, multipart/mixed;q=0` is refused by
    `plain`) takes strawberry's view: both must answer alike, errors included."""
    queries = [COUNTERPARTS, "{ nope }", '{ institution(id: "no-such") { id } }']
    for api in make_api(memory_store):
        for query in queries:
            body = {"query": query}
            fast = api.client.post("/graphql", json=body, headers={"x-request-id": "r"})
            headers = {"x-request-id": "r", "accept": "application/json, multipart/x;q=0"}
            slow = api.client.post("/graphql", json=body, headers=headers)
            assert (fast.status_code, fast.content) == (slow.status_code, slow.content)
            assert fast.headers["content-type"] == slow.headers["content-type"]


def test_only_a_plain_json_post_skips_the_view() -> None:
    def scope(body: Any, **headers: bytes) -> dict[str, Any]:
        raw = [(b"content-type", b"application/json")]
        raw += [(k.replace("_", "-").encode(), v) for k, v in headers.items()]
        return {"method": "POST", "alliancegraph.body": body, "headers": raw}

    assert plain(scope({"query": "{ a }", "operationName": "A", "extensions": {}})) is not None
    assert plain(scope([{"query": "{ a }"}])) is None  # a batch
    assert plain(scope({"query": "{ a }", "operationName": 1})) is None
    assert plain(scope({"query": "{ a }"}, accept=b"text/event-stream")) is None
    assert plain({**scope({"query": "{ a }"}), "method": "GET"}) is None

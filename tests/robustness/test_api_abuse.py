"""The API under a hostile client (issue 11): every refusal is quick, JSON and coded; costly
work cannot starve the server or outlive its client. Each test runs on both stores where
the store matters."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from api.app import create_app
from api.context import Context
from api.cost import query_cost
from api.schema import build_schema
from bench.abuse import Client, aliased, allowed_candidates, start_server, worst_query
from graphmodel.settings import Settings
from graphmodel.store import Store
from stores.memory import MemoryStore
from stores.neo4j import Neo4jStore
from tests.api.conftest import Api, make_api
from tests.conftest import neo4j_settings
from tests.robustness.conftest import SlowStore, free_port, served

Q = "query($n: String) { institutions(filter: {name: $n}) { nodes { id } } }"
# Nine rounds of store calls one after another (each level waits for the one above):
# eleven calls, ~2.8 s at 0.3 s a call, when nothing stops it.
CHAIN = ('{ institution(id: "wuxi-jianghai-chc") { division { parent { parent { children { '
         "institutions(first: 3) { nodes { counterparts { institution { alliances { members { "
         "institution { id } } } } } } } } } } } } }")  # fmt: skip


def raw(api: Api, body: bytes, content_type: str = "application/json") -> Any:
    return api.client.post("/graphql", content=body, headers={"content-type": content_type})


def assert_refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code, error
    assert error["extensions"]["requestId"]


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A client's mistake is not an incident: nothing at ERROR, no traceback."""
    with caplog.at_level(logging.INFO):
        yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_the_worst_query_is_refused_in_milliseconds(store: Store) -> None:
    worst = worst_query()
    settings = Settings()
    schema = build_schema(settings)._schema
    document = parse(worst)
    took = []
    for _ in range(5):
        started = time.perf_counter()
        cost = query_cost(schema, document)
        took.append(time.perf_counter() - started)
    assert cost > 1000 * settings.max_cost and min(took) < 0.02
    for api in make_api(store):
        took = []
        for _ in range(5):
            started = time.perf_counter()
            response = api.post(worst)
            took.append(time.perf_counter() - started)
            [error] = response.json()["errors"]
            assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
            assert error["extensions"]["cost"] == cost
            assert error["extensions"]["budget"] == settings.max_cost
        assert min(took) < 0.1, took  # the best of five: a loaded machine adds the rest


def test_a_costly_query_is_refused_and_one_within_budget_answers(store: Store) -> None:
    fan = "{ institutions(first: 100) { nodes { alliances { members { institution { id } } } } } }"
    for api in make_api(store, max_cost=1_000):
        assert api.codes(fan) == ["QUERY_TOO_COSTLY"]
        assert api.codes("{ institutions(first: 5) { nodes { id } } }") == []


def test_the_request_body_is_limited(memory_store: MemoryStore, no_errors_logged: None) -> None:
    for api in make_api(memory_store, max_body_bytes=10_000):
        big = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 20_000}})
        assert_refused(raw(api, big.encode()), 413, "REQUEST_TOO_LARGE")
        chunks = iter([b'{"query": "{ __typename }", "variables": {"x": "', b"a" * 20_000, b'"}}'])
        assert_refused(raw(api, chunks), 413, "REQUEST_TOO_LARGE")  # type: ignore[arg-type]
    for api in make_api(memory_store):  # the default: 1 MiB; a 10 MB literal never parses
        started = time.perf_counter()
        literal = '{ institution(id: "' + "x" * 10_000_000 + '") { id } }'
        assert_refused(api.post(literal), 413, "REQUEST_TOO_LARGE")
        assert time.perf_counter() - started < 5


def test_the_document_is_limited(memory_store: MemoryStore, no_errors_logged: None) -> None:
    for api in make_api(memory_store):
        long = '{ institution(id: "' + "x" * 70_000 + '") { id } }'
        assert_refused(api.post(long), 413, "QUERY_TOO_LARGE")
        fits = '{ institution(id: "' + "x" * 60_000 + '") { id } }'
        assert api.codes(fits) == ["NOT_FOUND"]


def test_malformed_bodies_are_json_400s(store: Store, no_errors_logged: None) -> None:
    nested = '{"query": "' + Q + '", "variables": {"n": ' + "[" * 100 + "]" * 100 + "}}"
    very = '{"query": "' + Q + '", "variables": {"n": ' + "[" * 200_000 + "]" * 200_000 + "}}"
    for api in make_api(store):
        assert_refused(raw(api, nested.encode()), 400, "INVALID_INPUT")
        assert_refused(raw(api, very.encode()), 400, "INVALID_INPUT")
        assert_refused(raw(api, b'{"query": "{ institution(id: \\"\xff\\") { id } }"}'), 400,
                       "INVALID_INPUT")  # fmt: skip
        for body in [b"", b"{", b"null", b"[]", b'{"query": 5}', b'{"variables": 1}']:
            response = raw(api, body)
            assert 400 <= response.status_code < 500, (body, response.text)
            assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
        assert_refused(raw(api, b'{"query": "{ __typename }"}', "text/plain"), 400,
                       "INVALID_INPUT")  # fmt: skip
        assert_refused(api.client.put("/graphql", content=b"{}"), 405, "INVALID_INPUT")


def test_lone_surrogates_are_refused(store: Store, no_errors_logged: None) -> None:
    for api in make_api(store):
        body = '{"query": "' + Q + '", "variables": {"n": "\\ud800"}}'
        assert_refused(raw(api, body.encode()), 400, "INVALID_INPUT")
        body = '{"query": "{ institution(id: \\"\\udfff\\") { id } }"}'
        assert_refused(raw(api, body.encode()), 400, "INVALID_INPUT")
        # In a GraphQL string escape the parser refuses it: a validation error, not INTERNAL.
        assert api.codes('{ institution(id: "\\ud800") { id } }') == ["GRAPHQL_VALIDATION_FAILED"]


def test_int_overflow_and_bad_enums_in_variables_are_invalid_input(
    store: Store, no_errors_logged: None
) -> None:
    for api in make_api(store):
        q = "query($f: Int!) { institutions(first: $f) { nodes { id } } }"
        assert api.codes(q, {"f": 2**31}) == ["INVALID_INPUT"]
        assert api.codes(q, {"f": 2**70}) == ["INVALID_INPUT"]
        assert api.codes(q, {"f": "ten"}) == ["INVALID_INPUT"]
        q = "query($l: Level) { institutions(filter: {level: $l}) { nodes { id } } }"
        assert api.codes(q, {"l": "PRIMARI"}) == ["INVALID_INPUT"]
        assert api.codes("{ institutions(first: 99999999999) { nodes { id } } }") == [
            "GRAPHQL_VALIDATION_FAILED"
        ]


def test_no_suggestions_in_production(memory_store: MemoryStore) -> None:
    typos = [
        ('{ institutoin(id: "x") { id } }', None),
        ("mutation { registerInstitutio { id } }", None),
        ("{ institutions(frist: 5) { nodes { id } } }", None),
        ("{ institutions(filter: {level: PRIMARI}) { nodes { id } } }", None),
        ("query($l: Level) { institutions(filter: {level: $l}) { nodes { id } } }",
         {"l": "PRIMARI"}),
    ]  # fmt: skip
    for production, suggests in [(True, False), (False, True)]:
        for api in make_api(memory_store, production=production):
            for q, variables in typos:
                messages = [e["message"] for e in api.post(q, variables).json()["errors"]]
                assert messages
                assert any("Did you mean" in m for m in messages) is suggests, messages


def test_caches_are_bounded_by_bytes() -> None:
    settings = Settings(cache_bytes=64 << 10)
    schema = build_schema(settings)
    context = Context(store=MemoryStore.__new__(MemoryStore), settings=settings, role=None,
                      request_id="t")  # fmt: skip

    async def run_all() -> None:
        for k in range(40):  # 40 distinct documents of ~3 KB: 120 KB in all
            q = aliased(20, "__typename") + " " * 3000 + f"# {k}"
            result = await schema.execute(q, context_value=context)
            assert not result.errors

    asyncio.run(run_all())
    for cache in (schema.caches.documents, schema.caches.validations):
        assert 0 < cache.bytes <= 64 << 10
        assert len(cache) < 40


def test_the_second_identical_request_is_parsed_and_validated_from_the_cache() -> None:
    """Rules built once per schema: a repeated document never runs validation again."""
    settings = Settings()
    schema = build_schema(settings)
    context = Context(store=MemoryStore.__new__(MemoryStore), settings=settings, role=None,
                      request_id="t")  # fmt: skip
    q = "{ __typename }"

    async def twice() -> None:
        for _ in range(2):
            assert not (await schema.execute(q, context_value=context)).errors

    asyncio.run(twice())
    validations = schema.caches.validations
    assert (validations.misses, validations.hits) == (1, 1)
    assert schema.caches.documents.hits >= 1


def test_a_request_past_its_timeout_is_answered_and_its_work_stops(store: Store) -> None:
    slow = SlowStore(store, delay=0.5)
    for api in make_api(slow, request_timeout=0.8, max_cost=10**12):
        started = time.monotonic()
        response = api.post(CHAIN)
        assert time.monotonic() - started < 3
        assert_refused(response, 503, "TIMEOUT")
        time.sleep(1.0)  # the call under way when time ran out finishes
        calls = slow.started
        time.sleep(1.5)  # uncancelled, the chain would start ~3 more calls meanwhile
        assert slow.started == calls, "store calls went on after the timeout"
        assert calls <= 3


def test_work_stops_when_the_client_goes_away(store: Store) -> None:
    slow = SlowStore(store, delay=0.5)
    settings = Settings(request_timeout=60, max_cost=10**12)
    with served(create_app(settings, slow)) as port:
        body = json.dumps({"query": CHAIN}).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                      b"content-type: application/json\r\n"
                      b"content-length: %d\r\n\r\n%s" % (len(body), body))  # fmt: skip
            time.sleep(0.6)
        time.sleep(1.0)  # the server notices; the call under way finishes
        calls = slow.started
        time.sleep(1.5)  # uncancelled, the chain would start ~3 more calls meanwhile
        assert slow.started == calls, "store calls went on after the client left"
        assert calls <= 3


def test_healthz_answers_while_four_maximal_allowed_queries_run(store: Store) -> None:
    settings = Settings()
    candidates = allowed_candidates(settings)
    with served(create_app(settings, store)) as port:
        stop = threading.Event()
        statuses: list[int] = []

        def attacker(query: str) -> None:
            client = Client(port, timeout=60)
            for _ in range(200):  # bounded: the stop event ends it long before
                if stop.is_set():
                    break
                status, _ = client.graphql(query)
                statuses.append(status)
            client.close()

        attacks = [candidates["pages"], candidates["fan-out"], candidates["validation"],
                   candidates["pages"]]  # fmt: skip
        threads = [threading.Thread(target=attacker, args=(q,)) for q in attacks]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            probe = Client(port, timeout=30)
            for _ in range(10):
                started = time.perf_counter()
                status, body = probe.request("GET", "/healthz")
                took = time.perf_counter() - started
                assert status == 200 and json.loads(body) == {"status": "ok"}
                assert took < 1.0, f"/healthz took {took:.2f} s under attack"
                time.sleep(0.2)
            probe.close()
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert statuses and set(statuses) <= {200, 503}, statuses


def worker_cpu(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


@pytest.mark.parametrize("kind", ["memory", "neo4j"])
def test_costly_queries_go_to_the_heavy_worker_and_survive_its_death(kind: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "ALLIANCEGRAPH_"))}
    env["ALLIANCEGRAPH_ENV"] = "production"
    if kind == "neo4j":
        settings = neo4j_settings()
        env |= {"NEO4J_URI": settings.neo4j_uri or "", "NEO4J_USER": settings.neo4j_user,
                "NEO4J_PASSWORD": settings.neo4j_password}  # fmt: skip
    port = free_port()
    server = start_server(port, env)
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        [worker] = [int(c) for c in children]
        costly = allowed_candidates(Settings())["pages"]
        client = Client(port)
        give_up = time.monotonic() + 60
        while not Path(f"/proc/{worker}").exists() or worker_cpu(worker) == 0:
            assert time.monotonic() < give_up
            time.sleep(0.2)
        time.sleep(2.0)  # let it load its store
        before = worker_cpu(worker)
        for _ in range(3):
            status, body = client.graphql(costly)
            assert status == 200 and not body.get("errors") and len(body["data"]) == 20
        assert worker_cpu(worker) > before, "the worker did not do the costly work"
        os.kill(worker, signal.SIGKILL)
        time.sleep(0.5)
        status, body = client.graphql(costly)  # the heavy lane takes over
        assert status == 200 and not body.get("errors") and len(body["data"]) == 20
        status, body = client.graphql('{ institution(id: "wuxi-second-people") { name } }')
        assert body == {"data": {"institution": {"name": "无锡市第二人民医院"}}}
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_heavy_worker_has_the_servers_settings_not_the_environments() -> None:
    settings = Settings(production=False)  # as `serve --dev` makes them; the env says nothing
    typo = aliased(20, "institutions(first: 100) { nodes { id nmae } }")
    with served(create_app(settings, heavy_worker=True)) as port:
        client = Client(port)
        give_up = time.monotonic() + 60
        while json.loads(client.request("GET", "/readyz")[1]).get("heavyWorker") != "ready":
            assert time.monotonic() < give_up, "the heavy worker did not start"
            time.sleep(0.2)
        _, body = client.graphql(typo)  # costly, so answered by the worker
        client.close()
    assert any("Did you mean" in e["message"] for e in body["errors"]), body
    ids = {e["extensions"]["requestId"] for e in body["errors"]}
    assert len(ids) == 1 and "-" not in ids


def test_serving_the_neo4j_the_settings_name_starts_the_heavy_worker() -> None:
    settings = neo4j_settings()
    store = Neo4jStore(settings)
    try:
        for config, worker in [(settings, True), (Settings(), False)]:
            with served(create_app(config, store)) as port:
                client = Client(port)
                status, body = client.request("GET", "/readyz")
                client.close()
            assert status == 200 and ("heavyWorker" in json.loads(body)) is worker
    finally:
        store.close()

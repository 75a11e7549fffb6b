"""/metrics, the JSON access log, and tracing that is off (not even imported) unless asked."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from api.app import create_app
from graphmodel.settings import Settings
from graphmodel.store import Store
from tests.api.conftest import EDITOR, TOKENS, make_api
from tests.serve.conftest import ROOT

Q = "query One($id: ID!) { institution(id: $id) { id name alliances { id } } }"
VARS = {"id": "ezhou-dushan-thc"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger("alliancegraph.access")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_metrics_count_requests_by_operation_and_outcome(store: Store) -> None:
    for api in make_api(store):
        for _ in range(3):
            assert api.data(Q, VARS)["institution"]["id"] == "ezhou-dushan-thc"
        api.post("{ nope }")
        api.client.post("/graphql", content=b"{", headers={"content-type": "application/json"})
        found = samples(api.client.get("/metrics").text)
    assert found[("alliancegraph_requests_total", (("operation", "One"), ("outcome", "ok")))] == 3
    assert found[("alliancegraph_requests_total", (("operation", "-"), ("outcome", "error")))] == 1
    assert (
        found[("alliancegraph_requests_total", (("operation", "-"), ("outcome", "refused")))] == 1
    )
    assert found[("alliancegraph_request_duration_seconds_count", (("operation", "One"),))] == 3
    # The second and third identical requests were parsed and validated from the caches.
    assert found[("alliancegraph_cache_hits_total", (("cache", "validation"),))] >= 2
    assert found[("alliancegraph_cache_hits_total", (("cache", "parser"),))] >= 2
    if store.kind == "neo4j":
        assert found[("alliancegraph_store_round_trips_total", ())] > 0


def test_operation_names_are_bounded(memory_store: Store) -> None:
    for api in make_api(memory_store):
        for i in range(205):
            api.post(f"query Op{i} {{ __typename }}")
        found = samples(api.client.get("/metrics").text)
    names = {dict(k[1]).get("operation") for k in found if k[0] == "alliancegraph_requests_total"}
    assert len(names) == 201 and "other" in names


def test_the_access_log_is_json_without_tokens_documents_or_variables(
    memory_store: Store, access_lines: list[str]
) -> None:
    for api in make_api(memory_store):
        api.client.post(
            "/graphql",
            json={"query": Q, "variables": VARS},
            headers={"authorization": f"Bearer {EDITOR}", "x-request-id": "req-42"},
        )
        api.post("{ nope }")
    logged = [json.loads(line) for line in access_lines]
    first = logged[0]
    assert first["requestId"] == "req-42" and first["operation"] == "One"
    assert first["status"] == 200 and first["outcome"] == "ok" and first["ms"] > 0
    assert logged[1]["outcome"] == "error"
    text = "\n".join(access_lines)
    for secret in (EDITOR, "ezhou-dushan-thc", "institution(", "authorization"):
        assert secret not in text


def test_tracing_spans_name_the_store_query_and_never_its_arguments(store: Store) -> None:
    exporter = InMemorySpanExporter()
    settings = Settings(tokens=TOKENS, request_timeout=120)
    with TestClient(create_app(settings, store, span_exporter=exporter)) as client:
        assert client.post("/graphql", json={"query": Q, "variables": VARS}).json()["data"]
    spans = exporter.get_finished_spans()
    store_spans = [s for s in spans if s.name.startswith("store ")]
    assert store_spans, [s.name for s in spans]
    assert all(s.attributes["alliancegraph.query"] == s.name[6:] for s in store_spans)
    server = [s for s in spans if s.parent is None]
    assert server and all(s.parent is not None for s in store_spans)
    everything = json.dumps([dict(s.attributes or {}) for s in spans], ensure_ascii=False)
    assert "ezhou-dushan-thc" not in everything


def test_without_an_endpoint_opentelemetry_is_not_even_imported() -> None:
    script = (
        "import sys\n"
        "from starlette.testclient import TestClient\n"
        "from api.app import create_app\n"
        "from graphmodel.settings import Settings\n"
        "with TestClient(create_app(Settings.from_env({}))) as c:\n"
        "    assert c.post('/graphql', json={'query': '{ __typename }'}).status_code == 200\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "ALLIANCEGRAPH_ACCESS_LOG": "false"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert out.strip() == "[]"

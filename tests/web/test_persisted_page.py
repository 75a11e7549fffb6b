"""The page speaks persisted operations: reads are GETs carrying only the document's hash;
an APQ server has them registered on PersistedQueryNotFound, an allow-list server built
from the page's own manifest (scripts/operations.py) runs every view."""

from __future__ import annotations

import importlib.util
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.conftest import STATIC, Server

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("operations", ROOT / "scripts" / "operations.py")
assert _spec is not None and _spec.loader is not None
operations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(operations)
page_operations = operations.page_operations


@pytest.fixture(scope="module")
def allow_list_server(built: Path) -> Iterator[Server]:
    server = Server([], env={"ALLIANCEGRAPH_OPERATIONS": str(STATIC / "operations.json")})
    yield server
    server.stop()


def graphql_requests(page: Any) -> list[Any]:
    seen: list[Any] = []
    page.on("request", lambda r: seen.append(r) if "/graphql" in r.url else None)
    return seen


def test_every_call_of_the_page_sends_a_manifest_operation() -> None:
    names = {key.rpartition(":")[2] for key in page_operations()}
    calls = set()
    for path in (ROOT / "web" / "src").rglob("*.ts"):
        if path.name == "gql.ts":  # the client itself
            continue
        calls |= set(re.findall(r"\bgql<.*?>\(\s*([A-Za-z_]+)", path.read_text(), re.S))
    assert calls and calls <= names, calls - names
    manifest = json.loads((STATIC / "operations.json").read_text(encoding="utf-8"))
    assert sorted(manifest.values()) == sorted(page_operations().values())


def test_reads_are_hashed_gets_registered_once(samples_server: Server, page: Any) -> None:
    seen = graphql_requests(page)
    for _ in range(2):
        page.goto(f"{samples_server.url}/#/findings")
        page.wait_for_selector("#view[data-state='ready']")
    gets = [r for r in seen if r.method == "GET"]
    assert gets and all("query" not in parse_qs(urlsplit(r.url).query) for r in gets)
    for r in gets:
        extensions = json.loads(parse_qs(urlsplit(r.url).query)["extensions"][0])
        assert re.fullmatch(r"[0-9a-f]{64}", extensions["persistedQuery"]["sha256Hash"])
    posts = [json.loads(r.post_data) for r in seen if r.method == "POST"]
    # Registered at most once per document (the server may know it from another test).
    hashes = [p["extensions"]["persistedQuery"]["sha256Hash"] for p in posts]
    assert len(hashes) == len(set(hashes)) and all("query" in p for p in posts)


def test_an_allow_list_server_runs_every_view(allow_list_server: Server, page: Any) -> None:
    seen = graphql_requests(page)
    for view in ("findings", "graph", "route"):
        page.goto(f"{allow_list_server.url}/#/{view}")
        page.wait_for_selector("#view[data-state='ready'], #view[data-state='error']")
        assert page.get_attribute("#view", "data-state") == "ready", page.inner_text("#view")
    assert seen and all(r.method == "GET" for r in seen)
    # Anything else is refused.
    request = urllib.request.Request(
        f"{allow_list_server.url}/graphql",
        data=b'{"query": "{ __typename }"}',
        headers={"content-type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    body = json.loads(refused.value.read())
    assert body["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"

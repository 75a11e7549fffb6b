"""Persisted operations: APQ (hash first, register on PersistedQueryNotFound) and the
allow-list of ALLIANCEGRAPH_OPERATIONS, on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.persisted import sha256
from graphmodel.settings import Settings, SettingsError
from graphmodel.store import Store
from tests.api.conftest import Api, make_api

Q = 'query One { institution(id: "ezhou-dushan-thc") { id name } }'
COSTLY = "query Wide { institutions(first: 100) { nodes { alliances { members { institution { id alliances { members { institution { id } } } } } } } } }"  # noqa: E501


def ext(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_apq_hash_first_then_register_then_hash_only(store: Store) -> None:
    for api in make_api(store):
        first = api.client.post("/graphql", json={"extensions": ext(Q)})
        assert first.status_code == 200
        assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        assert codes(first.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
        registered = api.client.post("/graphql", json={"query": Q, "extensions": ext(Q)})
        expected = {"institution": {"id": "ezhou-dushan-thc", "name": "杜山镇卫生院"}}
        assert registered.json() == {"data": expected}
        again = api.client.post("/graphql", json={"extensions": ext(Q)})
        assert again.json() == {"data": expected}
        # …and over GET, the hash alone in the URL.
        got = api.client.get("/graphql", params={"extensions": json.dumps(ext(Q))})
        assert got.json() == {"data": expected}


def test_a_hash_that_is_not_the_documents_is_refused_and_not_registered(
    memory_store: Store,
) -> None:
    for api in make_api(memory_store):
        other = ext("{ __typename }")
        refused = api.client.post("/graphql", json={"query": Q, "extensions": other})
        assert refused.status_code == 400
        assert codes(refused.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
        assert codes(api.client.post("/graphql", json={"extensions": other}).json()) == [
            "PERSISTED_QUERY_NOT_FOUND"
        ]
        bad = {"persistedQuery": {"version": 1, "sha256Hash": "not-a-hash"}}
        assert api.client.post("/graphql", json={"extensions": bad}).status_code == 400


def test_the_cost_limit_judges_the_stored_document(memory_store: Store) -> None:
    for api in make_api(memory_store):
        api.client.post("/graphql", json={"query": COSTLY, "extensions": ext(COSTLY)})
        body = api.client.post("/graphql", json={"extensions": ext(COSTLY)}).json()
        assert codes(body) == ["QUERY_TOO_COSTLY"]


def manifest(tmp_path: Path, *documents: str) -> Path:
    path = tmp_path / "operations.json"
    path.write_text(json.dumps({sha256(d): d for d in documents}), encoding="utf-8")
    return path


def test_the_allow_list_runs_only_its_operations(memory_store: Store, tmp_path: Path) -> None:
    for api in make_api(memory_store, operations=manifest(tmp_path, Q)):
        assert api.client.post("/graphql", json={"extensions": ext(Q)}).json()["data"]
        assert api.client.post("/graphql", json={"query": Q}).json()["data"]
        other = "{ __typename }"
        for body in (
            {"query": other},
            {"extensions": ext(other)},
            {"query": other, "extensions": ext(other)},
        ):
            refused = api.client.post("/graphql", json=body)
            assert refused.status_code == 403
            assert codes(refused.json()) == ["OPERATION_NOT_ALLOWED"]
        # Nothing registered: the hash stays refused.
        refused = api.client.post("/graphql", json={"extensions": ext(other)})
        assert codes(refused.json()) == ["OPERATION_NOT_ALLOWED"]


def test_a_wrong_manifest_fails_at_start_up_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "operations.json"
    path.write_text(json.dumps({"0" * 64: Q}), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"operations\.json: entry '0000000000000000'"):
        make_api_settings(path)
    path.write_text("[", encoding="utf-8")
    with pytest.raises(SettingsError, match="not a JSON file"):
        make_api_settings(path)
    with pytest.raises(SettingsError, match="no such file"):
        Settings.from_env({"ALLIANCEGRAPH_OPERATIONS": str(tmp_path / "missing.json")})


def make_api_settings(path: Path) -> Api:
    from api.app import create_app

    create_app(Settings.from_env({"ALLIANCEGRAPH_OPERATIONS": str(path)}))
    raise AssertionError("create_app accepted a wrong manifest")

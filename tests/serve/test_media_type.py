"""`application/graphql-response+json`: 4xx without `data` for a request that cannot run;
`application/json` keeps HTTP 200 for older clients."""

from __future__ import annotations

from typing import Any

from graphmodel.store import Store
from tests.api.conftest import make_api

SPEC = "application/graphql-response+json"


def post(api: Any, body: dict[str, Any], accept: str) -> Any:
    return api.client.post("/graphql", json=body, headers={"accept": accept})


def test_request_errors_are_400_without_data_under_the_spec_media_type(store: Store) -> None:
    bad = [
        {"query": "{"},  # does not parse
        {"query": "{ nope }"},  # does not validate
        {"query": "query Q($id: ID!) { institution(id: $id) { id } }", "variables": {"id": []}},
    ]
    for api in make_api(store):
        for body in bad:
            spec = post(api, body, SPEC)
            assert spec.status_code == 400, body
            assert spec.headers["content-type"] == f"{SPEC}; charset=utf-8"
            assert "data" not in spec.json() and spec.json()["errors"]
            legacy = post(api, body, "application/json")
            assert legacy.status_code == 200 and legacy.json()["errors"]
            assert legacy.headers["content-type"].startswith("application/json")
        good = post(api, {"query": "{ __typename }"}, SPEC)
        assert good.status_code == 200 and good.json() == {"data": {"__typename": "Query"}}
        assert good.headers["content-type"].startswith(SPEC)


def test_parameters_of_the_wrong_type_are_400(memory_store: Store) -> None:
    for api in make_api(memory_store):
        for body in (
            {"query": 1},
            {"query": "{ a }", "variables": "x"},
            {"query": "{ a }", "operationName": []},
            {"query": "{ a }", "extensions": 2},
        ):
            response = post(api, body, "application/json")
            assert response.status_code == 400
            assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


def test_get_takes_url_encoded_variables(memory_store: Store) -> None:
    for api in make_api(memory_store):
        params = {
            "query": "query Q($id: ID!) { institution(id: $id) { name } }",
            "variables": '{"id": "ezhou-dushan-thc"}',
        }
        got = api.client.get("/graphql", params=params)
        assert got.json() == {"data": {"institution": {"name": "杜山镇卫生院"}}}
        broken = api.client.get("/graphql", params={**params, "variables": "{"})
        assert broken.status_code == 400
        # Chinese in the variables, percent-encoded as UTF-8 (how the page's names travel).
        by_name = {**params, "variables": '{"id": "杜山镇卫生院"}'}
        got = api.client.get("/graphql", params=by_name)
        assert got.json() == {"data": {"institution": {"name": "杜山镇卫生院"}}}
        not_utf8 = api.client.get("/graphql?query=%7B__typename%7D&variables=%FF")
        assert not_utf8.status_code == 400

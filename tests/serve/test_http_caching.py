"""GET reads carry a strong ETag of the data version; If-None-Match gives 304; a write
changes the tag; mutations never run over GET."""

from __future__ import annotations

import json

from graphmodel.store import Store
from stores.neo4j import Neo4jStore
from tests.api.conftest import EDITOR, make_api

Q = "query One($id: ID!) { institution(id: $id) { id name } }"
PARAMS = {"query": Q, "variables": json.dumps({"id": "ezhou-dushan-thc"})}


def test_a_get_read_is_tagged_and_revalidated_with_304(store: Store) -> None:
    for api in make_api(store):
        first = api.client.get("/graphql", params=PARAMS)
        assert first.status_code == 200
        assert first.json()["data"]["institution"]["name"] == "杜山镇卫生院"
        tag = first.headers["etag"]
        assert tag.startswith('"') and not tag.startswith("W/")
        assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
        assert api.client.get("/graphql", params=PARAMS).headers["etag"] == tag
        again = api.client.get("/graphql", params=PARAMS, headers={"if-none-match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
        other = {**PARAMS, "variables": json.dumps({"id": "ezhou-tcm-hospital"})}
        assert api.client.get("/graphql", params=other).headers["etag"] != tag
        # POST answers are not tagged.
        assert "etag" not in api.post(Q, {"id": "ezhou-dushan-thc"}).headers


def test_a_write_changes_the_tag(neo4j_samples: Neo4jStore) -> None:
    for api in make_api(neo4j_samples):
        tag = api.client.get("/graphql", params=PARAMS).headers["etag"]
        neo4j_samples.write(lambda tx: tx.run("RETURN 1").consume())
        after = api.client.get("/graphql", params=PARAMS, headers={"if-none-match": tag})
        assert after.status_code == 200 and after.headers["etag"] != tag


def test_errors_are_not_tagged_and_mutations_never_run_over_get(store: Store) -> None:
    for api in make_api(store, cache_max_age=60, reads_need_token=False):
        missing = api.client.get("/graphql", params={"query": "{ institution(id: 1) { nope } }"})
        assert "etag" not in missing.headers
        mutation = 'mutation { endPairing(alliance: "a", upper: "b", lower: "c", on: "2024-01-01") { alliance } }'  # noqa: E501
        refused = api.client.get(
            "/graphql", params={"query": mutation}, headers={"authorization": f"Bearer {EDITOR}"}
        )
        assert refused.status_code == 405 and refused.headers["allow"] == "POST"
        ok = api.client.get("/graphql", params=PARAMS)
        assert ok.headers["cache-control"] == "public, max-age=60, must-revalidate"


def test_reads_behind_a_token_are_cached_privately(memory_store: Store) -> None:
    from tests.api.conftest import READER

    for api in make_api(memory_store, reads_need_token=True):
        assert api.client.get("/graphql", params=PARAMS).status_code == 401
        ok = api.client.get(
            "/graphql", params=PARAMS, headers={"authorization": f"Bearer {READER}"}
        )
        assert ok.headers["cache-control"].startswith("private,")

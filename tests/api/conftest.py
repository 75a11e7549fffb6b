"""Drive the ASGI app over HTTP (starlette's TestClient) on either store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from graphmodel.settings import Settings
from graphmodel.store import Store

EDITOR = "editor-token-for-tests"
READER = "reader-token-for-tests"
TOKENS = {EDITOR: "editor", READER: "reader"}


class Api:
    def __init__(self, client: TestClient, store: Store) -> None:
        self.client = client
        self.store = store

    def post(self, query: str, variables: dict[str, Any] | None = None,
             token: str | None = None) -> Any:  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                headers=headers)  # fmt: skip

    def data(self, query: str, variables: dict[str, Any] | None = None,
             token: str | None = None) -> Any:  # fmt: skip
        body = self.post(query, variables, token).json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def codes(self, query: str, variables: dict[str, Any] | None = None,
              token: str | None = None) -> list[str]:  # fmt: skip
        body = self.post(query, variables, token).json()
        return [e["extensions"]["code"] for e in body.get("errors", [])]


def make_api(store: Store, **settings: Any) -> Iterator[Api]:
    # A generous request timeout: a loaded test machine must not turn slowness into
    # TIMEOUT here; tests/robustness tests the timeout itself.
    base = Settings(tokens=TOKENS, production=True, request_timeout=120)
    config = Settings(**{**base.__dict__, **settings})
    with TestClient(create_app(config, store)) as client:
        yield Api(client, store)


@pytest.fixture
def api(store: Store) -> Iterator[Api]:
    """The API over the bundled samples, once per store."""
    yield from make_api(store)
